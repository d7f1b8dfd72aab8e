// Drives the fleet step by step and hands every event to the sink. Pacing: real time, ×k, or as
// fast as the sink accepts (a Promise from sink.write is awaited before anything else happens).
import { setImmediate as yieldToLoop, setTimeout as sleep } from 'node:timers/promises';
import type { Emitted, Vehicle } from './fleet/vehicle.js';
import type { EventSink } from './events/event.js';
import { encodeEvent } from './encoder.js';
import type { SimContext } from './fleet/context.js';

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
  /** Last seq written per vehicle id (vehicles that emitted nothing are absent). */
  lastSeq: Record<string, number>;
}

const YIELD_EVERY_MS = 50;
type TelemetryWriter = NonNullable<EventSink['writeTelemetry']>;

export async function runFleet(vehicles: readonly Vehicle[], ctx: SimContext, sink: EventSink, opts: RunOptions): Promise<RunSummary> {
  const speed = opts.pace === 'realtime' ? 1 : opts.pace === 'accelerated' ? (opts.speedup ?? 10) : Infinity;
  if (!(speed > 0)) throw new RangeError(`speedup must be > 0 (got ${opts.speedup})`);
  const dt = ctx.dtS;
  const maxRecords = opts.maxRecords ?? Infinity;
  const durationS = opts.durationS ?? Infinity;
  const byType = new Map<string, number>();
  const lastSeq = new Int32Array(vehicles.length);
  const buf: Emitted[] = [];
  const startWall = performance.now();
  let lastYield = startWall;
  let records = 0;
  let telemetry = 0; // counted apart: a Map update per reading is measurable at a million a second
  let simulatedS = 0;
  let stoppedBy: RunSummary['stoppedBy'] = 'duration';

  // Events a vehicle raised while being set up (engines already running at the start) come first.
  // Synchronous unless the sink asks to wait, so the common case costs no microtask per vehicle.
  // Every emitted item took one seq, so the k-th of a vehicle's step has seq v.seq - (len - 1 - k).
  const drain = (i: number, events: Emitted[], from = 0): boolean | Promise<boolean> => {
    const v = vehicles[i];
    for (let k = from; k < events.length; k++) {
      const ev = events[k];
      const seq = v.seq - (events.length - 1 - k);
      let pending: void | Promise<void>;
      if (typeof ev === 'string') {
        pending = (sink.writeTelemetry as TelemetryWriter).call(sink, ev, v.identity.vehicle_id, seq);
        telemetry++;
      } else {
        pending = sink.write(ev, encodeEvent(ev));
        if (ev.event_name === 'vehicle:telemetry') telemetry++;
        else byType.set(ev.event_name, (byType.get(ev.event_name) ?? 0) + 1);
      }
      records++;
      lastSeq[i] = seq;
      if (records >= maxRecords) return pending ? pending.then(() => true) : true;
      if (pending) return pending.then(() => drain(i, events, k + 1));
    }
    events.length = 0;
    return false;
  };
  const jsonTelemetry = sink.writeTelemetry !== undefined;
  for (const v of vehicles) v.jsonTelemetry = jsonTelemetry;
  let full = false;
  for (let i = 0; i < vehicles.length && !full; i++) {
    full = await drain(i, vehicles[i].out); // raised while being built: always event objects
    vehicles[i].out = buf;
  }

  run: for (let tick = 1; !full; tick++) {
    const t = tick * dt;
    if (t > durationS + 1e-9) break;
    if (opts.signal?.aborted) {
      stoppedBy = 'aborted';
      break;
    }
    for (let i = 0; i < vehicles.length; i++) {
      const v = vehicles[i];
      v.step(t); // v.out is already buf (set once above: a store per vehicle-step is a write barrier per step)
      let stop = buf.length > 0 ? drain(i, buf) : false;
      if (typeof stop !== 'boolean') stop = await stop;
      if (stop) {
        simulatedS = t;
        full = true;
        buf.length = 0;
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
  const summaryLastSeq: Record<string, number> = {};
  vehicles.forEach((v, i) => {
    if (lastSeq[i] > 0) summaryLastSeq[v.identity.vehicle_id] = lastSeq[i];
  });
  return {
    vehicles: vehicles.length,
    records,
    simulatedS,
    wallS: (performance.now() - startWall) / 1000,
    simulatedStart: new Date(ctx.epochStartMs).toISOString(),
    simulatedEnd: new Date(ctx.epochStartMs + simulatedS * 1000).toISOString(),
    stoppedBy,
    eventsByType: Object.fromEntries([...byType.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    lastSeq: summaryLastSeq,
  };
}
