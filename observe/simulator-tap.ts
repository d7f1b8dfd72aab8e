// Watches the simulator's event stream on its way to the producer: counts events by type, and every
// Nth reading of each vehicle keeps its position for the map and its CO2 (weighted by the N readings
// it stands for) for emissions by class and neighbourhood. Only sampled readings are parsed, so the
// hot path costs a map lookup and two counters per event.
import type { EventSink, FleetEvent } from '../simulator/index.js';
import type { Neighbourhood } from './city-map.js';
import type { Position, SimulatorLine } from './series-line.js';

const TELEMETRY = 'vehicle:telemetry';

export interface SimulatorTap {
  /** Wraps the sink the simulator writes to; the wrapper forwards everything unchanged. */
  wrap(sink: EventSink): EventSink;
  /** Sees one record as JSON on its way to the target (a runner's record tap; replays too). */
  record(vehicleId: string, json: string): void;
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

export function createSimulatorTap(options: SimulatorTapOptions): SimulatorTap {
  const every = options.sampleEvery ?? 5;
  const maxPositions = options.maxPositionsPerLine ?? 5000;
  const readings = new Map<string, number>();
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

  /** True on every Nth reading of a vehicle (the first one included). */
  const due = (vehicleId: string): boolean => {
    const n = readings.get(vehicleId) ?? 0;
    readings.set(vehicleId, n + 1);
    return n % every === 0;
  };

  return {
    record(vehicleId, json) {
      const name = eventName(json);
      if (name === TELEMETRY) {
        telemetry++;
        if (due(vehicleId)) keep(vehicleId, JSON.parse(json) as Reading);
      } else if (name !== undefined) events[name] = (events[name] ?? 0) + 1;
    },
    wrap(sink) {
      const wrapped: EventSink = {
        write(event: FleetEvent, json: string) {
          if (event.event_name === TELEMETRY) {
            telemetry++;
            if (due(event.vehicle_id)) keep(event.vehicle_id, event as Reading);
          } else events[event.event_name] = (events[event.event_name] ?? 0) + 1;
          return sink.write(event, json);
        },
      };
      const inner = sink.writeTelemetry?.bind(sink);
      if (inner) {
        wrapped.writeTelemetry = (json, vehicleId, seq) => {
          telemetry++;
          if (due(vehicleId)) keep(vehicleId, JSON.parse(json) as Reading);
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
