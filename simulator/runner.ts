// Drives the fleet step by step and hands every event to the sink. Pacing: real time, ×k, or as
// fast as the sink accepts (a Promise from sink.write is awaited before anything else happens).
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { EventSink, FleetEvent } from './events/event.js';
import { encodeEvent } from './encoder.js';
import type { SimContext } from './fleet/context.js';
import type { Fleet } from './fleet/fleet.js';
import type { FleetState } from './fleet/fleet-state.js';
import type { Vehicle } from './fleet/vehicle.js';
import { Outbox, type Emitted } from './telemetry/outbox.js';

export type Pace = 'realtime' | 'accelerated' | 'max';

export interface RunProgress {
  simulatedS: number;
  durationS: number | undefined;
  records: number;
  maxRecords: number | undefined;
}

export interface RunOptions {
  pace: Pace;
  /** For 'accelerated': simulated seconds per wall second. */
  speedup?: number;
  durationS?: number;
  maxRecords?: number;
  signal?: AbortSignal;
  /** Called after every step. */
  onProgress?(p: RunProgress): void;
}

export interface RunSummary {
  vehicles: number;
  records: number;
  simulatedS: number;
  wallS: number;
  simulatedStart: string;
  simulatedEnd: string;
  stoppedBy: 'duration' | 'max_records' | 'aborted';
  eventsByType: Record<string, number>;
  /** Last seq written per vehicle id (vehicles that emitted nothing are absent); built when first read. */
  readonly lastSeq: Record<string, number>;
}

const YIELD_EVERY_MS = 50;
type BytesWriter = NonNullable<EventSink['writeTelemetryBytes']>;
type EventBytesWriter = NonNullable<EventSink['writeEventBytes']>;

/** The sink's way to take a reading's bytes: as they are, as text, or as an event object. */
function readingsTo(sink: EventSink): BytesWriter {
  if (sink.writeTelemetryBytes) return sink.writeTelemetryBytes.bind(sink);
  if (sink.writeTelemetry) {
    const text = sink.writeTelemetry.bind(sink);
    return (buf, start, end, vehicleId, seq) => text(buf.toString('utf8', start, end), vehicleId, seq);
  }
  return (buf, start, end) => {
    const json = buf.toString('utf8', start, end);
    return sink.write(JSON.parse(json) as FleetEvent, json);
  };
}

/**
 * Hands a vehicle's emitted items to the sink and counts them. A class, and the step loop a function
 * of its own (stepFrom): the optimized loop then depends on no run's options, sink or closures. As
 * one function with the options read and the drain closures made inside, every run of a process
 * that ran a few (a bench, tests, workers) deoptimized it at its start ("wrong map" on the options)
 * and recompiled it twice, 70–80 ms of compiler CPU against ~110 ms of work for a 2,000-vehicle run.
 */
class Drain {
  records = 0;
  /** Counted apart from byType: a Map update per reading is measurable at a million a second. */
  telemetry = 0;
  /** maxRecords reached. */
  full = false;
  /** What stepFrom's vehicle is waiting for when it returned its index: whether maxRecords was reached. */
  waiting: Promise<boolean> = Promise.resolve(false);
  readonly byType = new Map<string, number>();
  readonly lastSeq: Int32Array;

  /** The sink's writeEventBytes, when it has one (the outbox then adds `line` events as bytes). */
  private readonly eventBytes: EventBytesWriter | undefined;

  constructor(
    private readonly out: Outbox,
    private readonly sink: EventSink,
    private readonly reading: BytesWriter,
    private readonly vehicles: readonly Vehicle[],
    private readonly maxRecords: number,
  ) {
    this.lastSeq = new Int32Array(vehicles.length);
    this.eventBytes = sink.writeEventBytes?.bind(sink);
  }

  /**
   * Items [from, count) of vehicle i, synchronously unless the sink asks to wait (the common case
   * costs no microtask): true once maxRecords is reached, or a Promise of that. Every item carries
   * its own seq (an event its field, a reading the outbox's lineSeq).
   */
  run(i: number, items: readonly Emitted[], count: number, from = 0): boolean | Promise<boolean> {
    const out = this.out;
    const vehicleId = this.vehicles[i].vehicleId;
    for (let k = from; k < count; k++) {
      const item = items[k];
      let pending: void | Promise<void>;
      let seq: number;
      if (typeof item === 'number' && item >= 0) {
        seq = out.lineSeq[item];
        pending = this.reading(out.lineBuf[item], out.lineStart[item], out.lineEnd[item], vehicleId, seq);
        this.telemetry++;
      } else if (typeof item === 'number') {
        const line = ~item; // an event as bytes (only when the sink takes them: eventBytes)
        const name = out.lineName[line];
        seq = out.lineSeq[line];
        pending = (this.eventBytes as EventBytesWriter)(out.lineBuf[line], out.lineStart[line], out.lineEnd[line], name, vehicleId, seq);
        this.counted(name);
      } else {
        seq = item.seq;
        pending = this.sink.write(item, out.texts[k] ?? encodeEvent(item));
        this.counted(item.event_name);
      }
      this.records++;
      this.lastSeq[i] = seq;
      if (this.records >= this.maxRecords) return pending ? pending.then(() => true) : true;
      if (pending) return this.resume(pending, i, items, count, k + 1);
    }
    return false;
  }

  /** One more event of type `name` (readings are counted apart, in `telemetry`). */
  private counted(name: string): void {
    this.byType.set(name, (this.byType.get(name) ?? 0) + 1);
  }

  // Apart from run: a closure in its loop that captured `k` made V8 allocate a context for every
  // item drained (~130 B per reading), waited for or not.
  private resume(pending: Promise<void>, i: number, items: readonly Emitted[], count: number, from: number): Promise<boolean> {
    return pending.then(() => this.run(i, items, count, from));
  }
}

/**
 * Steps the vehicles of one tick from index `from` and drains what each emitted. Returns −1 when the
 * tick is done (or maxRecords was reached: drain.full), or the index of a vehicle whose items wait
 * on the sink (drain.waiting; the caller clears the outbox once it settles and goes on from the next).
 */
function stepFrom(vehicles: readonly Vehicle[], state: FleetState, out: Outbox, drain: Drain, t: number, from: number): number {
  for (let i = from; i < vehicles.length; i++) {
    if (state.asleep(i, t) || state.waits(i, t)) continue; // from the arrays alone: most of a city's cars are parked, many vans and trucks at a stop
    vehicles[i].step(t);
    if (out.count === 0) continue;
    const stop = drain.run(i, out.items, out.count);
    if (typeof stop !== 'boolean') {
      drain.waiting = stop;
      return i;
    }
    out.clear();
    if (stop) {
      drain.full = true;
      return -1;
    }
  }
  return -1;
}

export async function runFleet(fleet: Fleet, ctx: SimContext, sink: EventSink, opts: RunOptions): Promise<RunSummary> {
  const { vehicles, state } = fleet;
  const speed = opts.pace === 'realtime' ? 1 : opts.pace === 'accelerated' ? (opts.speedup ?? 10) : Infinity;
  if (!(speed > 0)) throw new RangeError(`speedup must be > 0 (got ${opts.speedup})`);
  const dt = ctx.dtS;
  const maxRecords = opts.maxRecords ?? Infinity;
  const durationS = opts.durationS ?? Infinity;
  const { signal, onProgress } = opts;
  const out = new Outbox(!sink.keepsTelemetryBytes, sink.writeEventBytes !== undefined);
  state.out = out;
  const drain = new Drain(out, sink, readingsTo(sink), vehicles, maxRecords);
  const startWall = performance.now();
  let lastYield = startWall;
  let simulatedS = 0;
  let stoppedBy: RunSummary['stoppedBy'] = 'duration';

  for (let tick = 1; ; tick++) {
    const t = tick * dt;
    if (t > durationS + 1e-9) break;
    if (signal?.aborted) {
      stoppedBy = 'aborted';
      break;
    }
    state.now = t;
    for (let i = stepFrom(vehicles, state, out, drain, t, 0); i >= 0; i = drain.full ? -1 : stepFrom(vehicles, state, out, drain, t, i + 1)) {
      const stop = await drain.waiting;
      out.clear();
      if (stop) drain.full = true;
    }
    simulatedS = t;
    if (drain.full) break;
    onProgress?.({ simulatedS: t, durationS: opts.durationS, records: drain.records, maxRecords: opts.maxRecords });
    const now = performance.now();
    if (speed !== Infinity) {
      const wait = startWall + (t * 1000) / speed - now;
      if (wait > 1) await sleep(wait, undefined, { signal }).catch(() => undefined);
    } else if (now - lastYield > YIELD_EVERY_MS) {
      lastYield = now;
      await yieldToLoop(); // lets an AbortSignal or a progress timer fire during long backfills
    }
  }
  if (drain.full) stoppedBy = 'max_records';
  const byType = drain.byType;
  if (drain.telemetry > 0) byType.set('vehicle:telemetry', drain.telemetry);
  // Built when first read: a record keyed by every vehicle id cost 1–3 ms per 2,000 vehicles (a
  // dictionary grown key by key, each id hashed), about 1 % of a two-minute run, for callers that never look.
  const lastSeq = drain.lastSeq;
  let summaryLastSeq: Record<string, number> | undefined;
  const lastSeqRecord = (): Record<string, number> => {
    if (summaryLastSeq === undefined) {
      summaryLastSeq = {};
      for (let i = 0; i < vehicles.length; i++) if (lastSeq[i] > 0) summaryLastSeq[vehicles[i].vehicleId] = lastSeq[i];
    }
    return summaryLastSeq;
  };
  return {
    vehicles: vehicles.length,
    records: drain.records,
    simulatedS,
    wallS: (performance.now() - startWall) / 1000,
    simulatedStart: new Date(ctx.epochStartMs).toISOString(),
    simulatedEnd: new Date(ctx.epochStartMs + simulatedS * 1000).toISOString(),
    stoppedBy,
    eventsByType: Object.fromEntries([...byType.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    get lastSeq() {
      return lastSeqRecord();
    },
  };
}
