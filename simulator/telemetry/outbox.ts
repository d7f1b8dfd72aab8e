// What vehicle steps emitted, in order, until the runner drains it: event objects, and telemetry
// readings already written as JSON bytes (no object and no string per reading).
import type { Rng } from '../../common/rng.js';
import type { FleetEvent } from '../events/event.js';
import { ByteWriter } from './byte-writer.js';
import { ReadingWriter } from './reading-writer.js';
import { newReading, type Reading } from './wire.js';

const NEWLINE = 0x0a;

/** An event object, or the index of a written reading (see Outbox). */
export type Emitted = FleetEvent | number;

export class Outbox {
  readonly items: Emitted[] = [];
  /** Reading k of this batch: its line is lineBuf[k][lineStart[k], lineEnd[k]), with a newline after it. */
  readonly lineBuf: Buffer[] = [];
  readonly lineStart: number[] = [];
  readonly lineEnd: number[] = [];
  readonly lineSeq: number[] = [];
  /** The reading to fill before `telemetry()`; reused, so nothing is allocated per reading. */
  readonly reading: Reading = newReading();
  private readonly writer: ReadingWriter;

  /** @param reuseBytes overwrite the bytes of drained readings (the sink does not keep them). */
  constructor(private readonly reuseBytes = false) {
    this.writer = new ReadingWriter(new ByteWriter(reuseBytes ? 64 * 1024 : undefined));
  }

  event(ev: FleetEvent): void {
    this.items.push(ev);
  }

  /** Writes `reading` with a UUID drawn from `rng` (four words, the order uuidFrom draws them). */
  telemetry(rng: Rng): void {
    const u = this.reading.uuid;
    u[0] = rng.u32();
    u[1] = rng.u32();
    u[2] = rng.u32();
    u[3] = rng.u32();
    const start = this.writer.write(this.reading);
    const w = this.writer.out;
    const k = this.lineSeq.length;
    this.lineBuf.push(w.buf);
    this.lineStart.push(start);
    this.lineEnd.push(w.pos);
    this.lineSeq.push(this.reading.seq);
    w.byte(NEWLINE);
    this.items.push(k);
  }

  /** After the runner drained the items. */
  clear(): void {
    if (this.reuseBytes) this.writer.out.rewind();
    this.items.length = 0;
    this.lineBuf.length = 0;
    this.lineStart.length = 0;
    this.lineEnd.length = 0;
    this.lineSeq.length = 0;
  }
}
