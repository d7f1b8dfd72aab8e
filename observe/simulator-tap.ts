// Watches the simulator's event stream on its way to the producer: counts events by type, and a
// reading whose seq is a multiple of N keeps its position for the map and its CO2 (weighted by the N
// events it stands for) for emissions by class and neighbourhood. Only kept readings are read, field
// by field, so the hot path costs a counter and a modulo per event.
import type { EventSink, FleetEvent } from '../simulator/index.js';
import type { Neighbourhood } from './city-map.js';
import type { Position, SimulatorLine } from './series-line.js';

const TELEMETRY = 'vehicle:telemetry';

export interface SimulatorTap {
  /** Wraps the sink the simulator writes to; the wrapper forwards everything unchanged. */
  wrap(sink: EventSink): EventSink;
  /** Sees one record as JSON on its way to the target (a runner's record tap; replays too). */
  record(vehicleId: string, seq: number, json: string): void;
  /** Sees one telemetry reading as its JSON bytes buf[start, end): only a kept reading is decoded. */
  reading(vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void;
  /** The line for the second ending at `t`; resets the per-second counts. */
  sample(t: number): SimulatorLine;
}

export interface SimulatorTapOptions {
  neighbourhoods: Neighbourhood[];
  /** Keep every Nth reading per vehicle (default 5). */
  sampleEvery?: number;
  /** At most this many positions per line; the rest still count towards emissions (default 5000). */
  maxPositionsPerLine?: number;
}

interface Reading {
  vehicle_class?: unknown;
  lat?: unknown;
  lon?: unknown;
  co2_g?: unknown;
}

const NAME_KEY = '"event_name":"';
/** Where event_name starts when the event begins with its uuid, as the simulator writes it. */
const NAME_AT = '{"event_uuid":"00000000-0000-0000-0000-000000000000",'.length + NAME_KEY.length;

/** The event_name of a JSON event without parsing it (a look at its usual place, else a search). */
export function eventName(json: string): string | undefined {
  let start = json.startsWith(NAME_KEY, NAME_AT - NAME_KEY.length) ? NAME_AT : json.indexOf(NAME_KEY);
  if (start < 0) return undefined;
  if (start !== NAME_AT) start += NAME_KEY.length;
  const end = json.indexOf('"', start);
  return end < 0 ? undefined : json.slice(start, end);
}

/** The number after `"key":` in a flat JSON object, without parsing the rest (undefined if absent or not a number). */
function numberField(json: string, key: string): number | undefined {
  const at = json.indexOf(`"${key}":`);
  if (at < 0) return undefined;
  const start = at + key.length + 3;
  let end = start;
  while (end < json.length && json.charCodeAt(end) !== 44 /* , */ && json.charCodeAt(end) !== 125 /* } */) end++;
  const v = Number(json.slice(start, end));
  return Number.isFinite(v) ? v : undefined;
}

function stringField(json: string, key: string): string | undefined {
  const at = json.indexOf(`"${key}":"`);
  if (at < 0) return undefined;
  const start = at + key.length + 4;
  const end = json.indexOf('"', start);
  return end < 0 ? undefined : json.slice(start, end);
}

/** The four fields a kept reading needs, read straight from its JSON: parsing whole readings was most of the tap's cost. */
function readingOf(json: string): Reading {
  return { vehicle_class: stringField(json, 'vehicle_class'), lat: numberField(json, 'lat'), lon: numberField(json, 'lon'), co2_g: numberField(json, 'co2_g') };
}

export function createSimulatorTap(options: SimulatorTapOptions): SimulatorTap {
  const every = options.sampleEvery ?? 5;
  const maxPositions = options.maxPositionsPerLine ?? 5000;
  let events: Record<string, number> = {};
  let telemetry = 0;
  let positions: Position[] = [];
  let byClass: Record<string, number> = {};
  let byArea: Record<string, number> = {};

  const nearest = (lat: number, lon: number): string => {
    let best = options.neighbourhoods[0]?.name ?? 'unknown';
    let bestD = Infinity;
    const k = Math.cos((lat * Math.PI) / 180);
    for (const n of options.neighbourhoods) {
      const d = (n.lat - lat) ** 2 + ((n.lon - lon) * k) ** 2;
      if (d < bestD) {
        bestD = d;
        best = n.name;
      }
    }
    return best;
  };

  const keep = (vehicleId: string, r: Reading) => {
    if (typeof r.lat !== 'number' || typeof r.lon !== 'number') return;
    const cls = typeof r.vehicle_class === 'string' ? r.vehicle_class : 'unknown';
    if (positions.length < maxPositions) positions.push([vehicleId, cls, r.lat, r.lon]);
    if (typeof r.co2_g === 'number') {
      const grams = r.co2_g * every;
      byClass[cls] = (byClass[cls] ?? 0) + grams;
      const area = nearest(r.lat, r.lon);
      byArea[area] = (byArea[area] ?? 0) + grams;
    }
  };

  /**
   * A vehicle's every Nth event by its gapless seq: no per-vehicle state on the hot path. Readings are
   * most of a vehicle's events, so about one reading in N is kept and each stands for N.
   */
  const due = (seq: number): boolean => seq % every === 0;

  /** A reading handed over as bytes: counted, and decoded only when kept. */
  const readingBytes = (vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void => {
    telemetry++;
    if (due(seq)) keep(vehicleId, readingOf(buf.toString('utf8', start, end)));
  };

  return {
    reading: readingBytes,
    record(vehicleId, seq, json) {
      const name = eventName(json);
      if (name === TELEMETRY) {
        telemetry++;
        if (due(seq)) keep(vehicleId, readingOf(json));
      } else if (name !== undefined) events[name] = (events[name] ?? 0) + 1;
    },
    wrap(sink) {
      const wrapped: EventSink = {
        write(event: FleetEvent, json: string) {
          if (event.event_name === TELEMETRY) {
            telemetry++;
            if (due(event.seq)) keep(event.vehicle_id, event as Reading);
          } else events[event.event_name] = (events[event.event_name] ?? 0) + 1;
          return sink.write(event, json);
        },
      };
      const bytes = sink.writeTelemetryBytes?.bind(sink);
      if (bytes) {
        // Bytes stay bytes: only a kept reading is decoded.
        wrapped.writeTelemetryBytes = (buf, start, end, vehicleId, seq) => {
          readingBytes(vehicleId, seq, buf, start, end);
          return bytes(buf, start, end, vehicleId, seq);
        };
        if (sink.keepsTelemetryBytes) Object.assign(wrapped, { keepsTelemetryBytes: true });
      }
      const inner = sink.writeTelemetry?.bind(sink);
      if (inner) {
        wrapped.writeTelemetry = (json, vehicleId, seq) => {
          telemetry++;
          if (due(seq)) keep(vehicleId, readingOf(json));
          return inner(json, vehicleId, seq);
        };
      }
      return wrapped;
    },
    sample(t) {
      if (telemetry > 0) events[TELEMETRY] = (events[TELEMETRY] ?? 0) + telemetry;
      const line: SimulatorLine = { t, src: 'simulator', events, positions, co2_g_by_class: byClass, co2_g_by_area: byArea };
      events = {};
      telemetry = 0;
      positions = [];
      byClass = {};
      byArea = {};
      return line;
    },
  };
}
