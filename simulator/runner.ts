// Drives the fleet step by step and hands every event to the sink. Pacing: real time, ×k, or as
// fast as the sink accepts (a Promise from sink.write is awaited before anything else happens).
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { EventSink, FleetEvent } from './events/event.js';
import { encodeEvent } from './encoder.js';
import type { SimContext } from './fleet/context.js';
import type { Fleet } from './fleet/fleet.js';
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

export async function runFleet(fleet: Fleet, ctx: SimContext, sink: EventSink, opts: RunOptions): Promise<RunSummary> {
  const { vehicles, state } = fleet;
  const speed = opts.pace === 'realtime' ? 1 : opts.pace === 'accelerated' ? (opts.speedup ?? 10) : Infinity;
  if (!(speed > 0)) throw new RangeError(`speedup must be > 0 (got ${opts.speedup})`);
  const dt = ctx.dtS;
  const maxRecords = opts.maxRecords ?? Infinity;
  const durationS = opts.durationS ?? Infinity;
  const byType = new Map<string, number>();
  const lastSeq = new Int32Array(vehicles.length);
  const out = new Outbox(!sink.keepsTelemetryBytes);
  state.out = out;
  const reading = readingsTo(sink);
  const startWall = performance.now();
  let lastYield = startWall;
  let records = 0;
  let telemetry = 0; // counted apart: a Map update per reading is measurable at a million a second
  let simulatedS = 0;
  let stoppedBy: RunSummary['stoppedBy'] = 'duration';

  // Synchronous unless the sink asks to wait, so the common case costs no microtask per vehicle.
  // Every item carries its own seq (an event its field, a reading the outbox's lineSeq).
  const drain = (i: number, items: readonly Emitted[], count: number, from = 0): boolean | Promise<boolean> => {
    const vehicleId = vehicles[i].vehicleId;
    for (let k = from; k < count; k++) {
      const item = items[k];
      let pending: void | Promise<void>;
      let seq: number;
      if (typeof item === 'number') {
        seq = out.lineSeq[item];
        pending = reading(out.lineBuf[item], out.lineStart[item], out.lineEnd[item], vehicleId, seq);
        telemetry++;
      } else {
        seq = item.seq;
        pending = sink.write(item, out.texts[k] ?? encodeEvent(item));
        byType.set(item.event_name, (byType.get(item.event_name) ?? 0) + 1);
      }
      records++;
      lastSeq[i] = seq;
      if (records >= maxRecords) return pending ? pending.then(() => true) : true;
      if (pending) return resume(pending, i, items, count, k + 1);
    }
    return false;
  };
  // Apart from drain: a closure in its loop that captured `k` made V8 allocate a context for every
  // item drained (~130 B per reading), waited for or not.
  const resume = (pending: Promise<void>, i: number, items: readonly Emitted[], count: number, from: number) => pending.then(() => drain(i, items, count, from));
  let full = false;

  run: for (let tick = 1; !full; tick++) {
    const t = tick * dt;
    if (t > durationS + 1e-9) break;
    if (opts.signal?.aborted) {
      stoppedBy = 'aborted';
      break;
    }
    state.now = t;
    for (let i = 0; i < vehicles.length; i++) {
      if (state.asleep(i, t) || state.waits(i, t)) continue; // from the arrays alone: most of a city's cars are parked, many vans and trucks at a stop
      vehicles[i].step(t);
      if (out.count === 0) continue;
      let stop = drain(i, out.items, out.count);
      if (typeof stop !== 'boolean') stop = await stop;
      out.clear();
      if (stop) {
        simulatedS = t;
        full = true;
        break run;
      }
    }
    simulatedS = t;
    opts.onProgress?.({ simulatedS: t, durationS: opts.durationS, records, maxRecords: opts.maxRecords });
    const now = performance.now();
    if (speed !== Infinity) {
      const wait = startWall + (t * 1000) / speed - now;
      if (wait > 1) await sleep(wait, undefined, { signal: opts.signal }).catch(() => undefined);
    } else if (now - lastYield > YIELD_EVERY_MS) {
      lastYield = now;
      await yieldToLoop(); // lets an AbortSignal or a progress timer fire during long backfills
    }
  }
  if (full) stoppedBy = 'max_records';
  if (telemetry > 0) byType.set('vehicle:telemetry', telemetry);
  // Built when first read: a record keyed by every vehicle id cost 1–3 ms per 2,000 vehicles (a
  // dictionary grown key by key, each id hashed), about 1 % of a two-minute run, for callers that never look.
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
    records,
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
