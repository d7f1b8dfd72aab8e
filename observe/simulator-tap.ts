// Watches the simulator's event stream on its way to the producer: counts events by type, and a
// reading whose seq is a multiple of N keeps its position for the map and its CO2 (weighted by the N
// events it stands for) for emissions by class and neighbourhood. Only kept readings are read, field
// by field, so the hot path costs a counter and a modulo per event. N doubles whenever a line has
// kept its budget of readings, and halves back when lines keep few, so the decoding costs about
// the same at 100 readings/s as at 1M.
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
  /** Keep every Nth reading per vehicle, at least (default 5). */
  sampleEvery?: number;
  /** Readings kept per line before N doubles (default 2000). */
  maxKeptPerLine?: number;
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

const K_CLASS = Buffer.from('"vehicle_class":"');
const K_LAT = Buffer.from('"lat":');
const K_LON = Buffer.from('"lon":');
const K_CO2 = Buffer.from('"co2_g":');

/**
 * Where the value after `key` (which starts with a quote) starts in buf[from, end), or -1. A plain
 * byte scan: a reading is a few hundred bytes, and Buffer.indexOf's native call cost more than that.
 */
function valueAt(buf: Buffer, key: Buffer, from: number, end: number): number {
  const last = end - key.length;
  outer: for (let i = from; i <= last; i++) {
    if (buf[i] !== 34 /* " */) continue;
    for (let j = 1; j < key.length; j++) if (buf[i + j] !== key[j]) continue outer;
    return i + key.length;
  }
  return -1;
}

/** Looks after `after` first (the writer's field order), then from the start. */
function findValue(buf: Buffer, key: Buffer, start: number, after: number, end: number): number {
  const at = after > start ? valueAt(buf, key, after, end) : -1;
  return at >= 0 ? at : valueAt(buf, key, start, end);
}

/**
 * The number at buf[from...], ending at a `,` or `}` (undefined if none or not a number). Plain
 * decimals of up to 15 digits are read as integer / 10^k, which rounds exactly as Number() does
 * (both operands are exact doubles and division rounds correctly); anything else goes to Number().
 */
function numberAt(buf: Buffer, from: number, end: number): number | undefined {
  if (from < 0) return undefined;
  let i = from;
  const negative = buf[i] === 45; /* - */
  if (negative) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 1;
  let fraction = false;
  for (; i < end; i++) {
    const c = buf[i];
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (fraction) scale *= 10;
    } else if (c === 46 /* . */ && !fraction) fraction = true;
    else break;
  }
  if (digits > 0 && digits <= 15 && (buf[i] === 44 || buf[i] === 125)) return (negative ? -mantissa : mantissa) / scale;
  let to = i;
  while (to < end && buf[to] !== 44 && buf[to] !== 125) to++;
  if (to === from) return undefined;
  const v = Number(buf.toString('latin1', from, to));
  return Number.isFinite(v) ? v : undefined;
}

/** The four fields a kept reading needs, read straight from its JSON bytes: parsing whole readings was most of the tap's cost. */
function readingFromBytes(buf: Buffer, start: number, end: number): Reading {
  const cls = valueAt(buf, K_CLASS, start, end);
  const clsEnd = cls < 0 ? -1 : buf.indexOf(34 /* " */, cls);
  const lat = findValue(buf, K_LAT, start, clsEnd, end);
  const lon = findValue(buf, K_LON, start, lat, end);
  const co2 = findValue(buf, K_CO2, start, lon, end);
  return {
    vehicle_class: clsEnd < 0 || clsEnd > end ? undefined : buf.toString('utf8', cls, clsEnd),
    lat: numberAt(buf, lat, end),
    lon: numberAt(buf, lon, end),
    co2_g: numberAt(buf, co2, end),
  };
}

/** 2^32 divided by the golden ratio, rounded to odd. */
const GOLDEN = 0x9e3779b1;

/** A vehicle's shift from its id's last three characters (sdfleet ids end in digits): no string hash per event. */
function phaseOf(vehicleId: string): number {
  const n = vehicleId.length;
  return (vehicleId.charCodeAt(n - 1) | 0) + 10 * (vehicleId.charCodeAt(n - 2) | 0) + 100 * (vehicleId.charCodeAt(n - 3) | 0);
}

/** Hashes below this are kept: one in `every`. */
function thresholdOf(every: number): number {
  return Math.floor(2 ** 32 / every);
}

export function createSimulatorTap(options: SimulatorTapOptions): SimulatorTap {
  const base = options.sampleEvery ?? 5;
  const maxKept = options.maxKeptPerLine ?? 2000;
  let every = base;
  let threshold = thresholdOf(every);
  let kept = 0;
  /** N changes only here, so the threshold `due` compares against always matches it. */
  const setEvery = (n: number) => {
    every = n;
    threshold = thresholdOf(n);
  };
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
    const weight = every;
    if (++kept >= maxKept) {
      // Readings kept from here on stand for twice as many each: the estimate stays unbiased.
      setEvery(every * 2);
      kept = 0;
    }
    const cls = typeof r.vehicle_class === 'string' ? r.vehicle_class : 'unknown';
    if (positions.length < maxPositions) positions.push([vehicleId, cls, r.lat, r.lon]);
    if (typeof r.co2_g === 'number') {
      const grams = r.co2_g * weight;
      byClass[cls] = (byClass[cls] ?? 0) + grams;
      const area = nearest(r.lat, r.lon);
      byArea[area] = (byArea[area] ?? 0) + grams;
    }
  };

  /**
   * About one in N of a vehicle's events, by its seq: no per-vehicle state on the hot path. The seq,
   * shifted by the vehicle's id so that vehicles in step are not all kept at once, is spread by the
   * golden ratio (a Weyl sequence): kept seqs are evenly spaced whatever N and whenever N changes.
   * (With `seq % N` the first readings kept after N doubled followed the last ones too closely and
   * counted double.) Readings are most of a vehicle's events, so about one reading in N is kept and
   * each stands for N.
   */
  const due = (vehicleId: string, seq: number): boolean => Math.imul(seq + phaseOf(vehicleId), GOLDEN) >>> 0 < threshold;

  /** A reading handed over as bytes: counted, and decoded only when kept. */
  const readingBytes = (vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void => {
    telemetry++;
    if (due(vehicleId, seq)) keep(vehicleId, readingFromBytes(buf, start, end));
  };
  /** The same for a reading as text: only a kept one is turned into bytes (a few thousand a second at most). */
  const readingText = (vehicleId: string, seq: number, json: string): void => {
    telemetry++;
    if (!due(vehicleId, seq)) return;
    const buf = Buffer.from(json);
    keep(vehicleId, readingFromBytes(buf, 0, buf.length));
  };

  return {
    reading: readingBytes,
    record(vehicleId, seq, json) {
      const name = eventName(json);
      if (name === TELEMETRY) readingText(vehicleId, seq, json);
      else if (name !== undefined) events[name] = (events[name] ?? 0) + 1;
    },
    wrap(sink) {
      const wrapped: EventSink = {
        write(event: FleetEvent, json: string) {
          if (event.event_name === TELEMETRY) {
            telemetry++;
            if (due(event.vehicle_id, event.seq)) keep(event.vehicle_id, event as Reading);
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
          readingText(vehicleId, seq, json);
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
      if (kept < maxKept / 4 && every > base) setEvery(Math.max(base, every / 2));
      kept = 0;
      positions = [];
      byClass = {};
      byArea = {};
      return line;
    },
  };
}
