// What vehicle steps emitted, in order, until the runner drains it: event objects, and telemetry
// readings (and, for a sink that takes them so, events) already written as JSON bytes (no object and
// no string per line). Nothing here is
// allocated per item: the columns are reused (a count, not `length = 0`, which would drop their
// backing stores and make every step allocate them again).
import { sfc32Word } from '../../common/rng.js';
import type { FleetEvent } from '../events/event.js';
import { ByteWriter } from './byte-writer.js';
import { EventLine } from './event-line.js';
import { ReadingWriter } from './reading-writer.js';
import { newReading, type Reading } from './wire.js';

const NEWLINE = 0x0a;

/** An event object, or a written line k: k for a reading, ~k (negative) for an event (see Outbox). */
export type Emitted = FleetEvent | number;

export class Outbox {
  /** items[0, count) is what was emitted since the last drain. */
  count = 0;
  readonly items: Emitted[] = [];
  /** The JSON text of items[k] when the vehicle wrote it (`line`); otherwise undefined (encodeEvent). */
  readonly texts: (string | undefined)[] = [];
  /** Line k of this batch: lineBuf[k][lineStart[k], lineEnd[k]), with a newline after it. */
  readonly lineBuf: Buffer[] = [];
  lineStart = new Int32Array(16);
  lineEnd = new Int32Array(16);
  lineSeq = new Int32Array(16);
  /** The event's name when line k is an event's. */
  readonly lineName: string[] = [];
  private lines = 0;
  /** The reading to fill before `telemetry()`; reused, so nothing is allocated per reading. */
  readonly reading: Reading = newReading();
  private readonly writer: ReadingWriter;
  /** Writes events as bytes into the same chunks as the readings, then adds them with their text. */
  readonly line: EventLine;

  /**
   * @param reuseBytes overwrite the bytes of drained lines (the sink does not keep them)
   * @param eventBytes `line` events are added as their bytes, with no object or text
   */
  constructor(
    private readonly reuseBytes = false,
    eventBytes = false,
  ) {
    this.writer = new ReadingWriter(new ByteWriter(reuseBytes ? 64 * 1024 : undefined));
    this.line = new EventLine(this.writer.out, (ev, json) => this.event(ev, json), eventBytes ? (start, end, name, seq) => this.eventLine(start, end, name, seq) : undefined);
  }

  /** An event object; `json` is its text when already written (by `line`), else encodeEvent's. */
  event(ev: FleetEvent, json?: string): void {
    this.texts[this.count] = json;
    this.items[this.count++] = ev;
  }

  /** An event `line` wrote as out.buf[start, end). */
  private eventLine(start: number, end: number, name: string, seq: number): void {
    const k = this.lineAt(this.writer.out.buf, start, end, seq);
    this.lineName[k] = name;
    this.items[this.count++] = ~k;
  }

  /**
   * Writes `reading` with a UUID of four words drawn from the sfc32 stream at state[base, base + 4)
   * (Rng.u32 of that stream, in the order uuidFrom draws them). From the array, not an Rng: a uint32
   * above 2^30 returned by a call V8 did not inline was a boxed number, 4 per reading.
   */
  telemetry(state: Int32Array, base: number): void {
    const u = this.reading.uuid; // int32 words: the same bits as Rng.u32's
    u[0] = sfc32Word(state, base);
    u[1] = sfc32Word(state, base);
    u[2] = sfc32Word(state, base);
    u[3] = sfc32Word(state, base);
    const start = this.writer.write(this.reading);
    const w = this.writer.out;
    this.items[this.count++] = this.lineAt(w.buf, start, w.pos, this.reading.seq);
    w.byte(NEWLINE);
  }

  /** Notes a written line buf[start, end) and returns its index k. */
  private lineAt(buf: Buffer, start: number, end: number, seq: number): number {
    const k = this.lines++;
    if (k === this.lineSeq.length) this.grow();
    this.lineBuf[k] = buf;
    this.lineStart[k] = start;
    this.lineEnd[k] = end;
    this.lineSeq[k] = seq;
    return k;
  }

  /** After the runner drained the items. */
  clear(): void {
    if (this.reuseBytes) this.writer.out.rewind();
    for (let k = 0; k < this.count; k++) {
      this.items[k] = 0; // drop drained events and their texts
      this.texts[k] = undefined;
    }
    this.count = 0;
    this.lines = 0;
  }

  private grow(): void {
    const n = this.lineSeq.length * 2;
    const more = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.lineStart = more(this.lineStart);
    this.lineEnd = more(this.lineEnd);
    this.lineSeq = more(this.lineSeq);
  }
}
