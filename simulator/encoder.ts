// One JSON object per event. Telemetry (the bulk of the stream) is written field by field in a fixed
// key order with each number at its published precision; the text is byte-identical to JSON.stringify
// of the rounded object (`readingEvent`, tested), only faster. Other events are rare: JSON.stringify.
import type { FleetEvent, TelemetryEvent } from './events/event.js';
import { decimalText } from './decimal-text.js';

/**
 * A telemetry reading with raw (unrounded) numbers, reused from step to step. Every numeric field
 * always holds a number, so V8 keeps them as in-place doubles instead of boxing each store.
 */
export interface Reading {
  event_uuid: string;
  created_at: number;
  vehicle_id: string;
  seq: number;
  vehicle_class: string;
  trip_id: string | null;
  lat: number;
  lon: number;
  heading_deg: number;
  speed_kmh: number;
  accel_mps2: number;
  odometer_km: number;
  road: string | null;
  /** NaN when not on a road (null in JSON). */
  speed_limit_kmh: number;
  co2_g: number;
  nox_g: number;
  pm25_g: number;
  co_g: number;
  hc_g: number;
  /** EV: energy_wh and soc_pct are sent; otherwise fuel_g and fuel_level_pct. */
  ev: boolean;
  fuel_g: number;
  fuel_level_pct: number;
  energy_wh: number;
  soc_pct: number;
}

export function newReading(): Reading {
  return {
    event_uuid: '', created_at: 0, vehicle_id: '', seq: 0, vehicle_class: '', trip_id: null, lat: 0, lon: 0, heading_deg: 0, speed_kmh: 0, accel_mps2: 0,
    odometer_km: 0, road: null, speed_limit_kmh: 0, co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, ev: false, fuel_g: 0, fuel_level_pct: 0, energy_wh: 0, soc_pct: 0,
  };
}

// Decimals per telemetry field: lat/lon 6 (≈ 0.1 m), grams 3–6 so small pollutant masses keep
// 2–3 significant digits at 1 Hz. One table for both the rounded object and the direct text.
const LATLON = 6, HEADING = 1, SPEED = 2, ACCEL = 2, ODOMETER = 3, LIMIT = 1, CO2 = 3, NOX = 5, PM25 = 6, CO = 5, HC = 5, FUEL = 3, LEVEL = 2, ENERGY = 2;
const round = (x: number, decimals: number): number => {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
};

/**
 * Text of one field's last value. Many readings repeat it exactly (idling vehicles: speed 0, the same
 * idle emission rates for every vehicle of a class, the same limit on a road), and a compare is far
 * cheaper than formatting. Exact: equal numbers (=== also equates 0 and -0) print the same text.
 */
class FieldText {
  private last = NaN;
  private text = 'null';
  constructor(private readonly decimals: number) {}
  of(x: number): string {
    if (x !== this.last) {
      this.last = x;
      this.text = decimalText(x, this.decimals);
    }
    return this.text;
  }
}
const f = (decimals: number) => new FieldText(decimals);
const CREATED = f(3), LAT = f(LATLON), LON = f(LATLON), HEAD = f(HEADING), SPD = f(SPEED), ACC = f(ACCEL), ODO = f(ODOMETER), LIM = f(LIMIT);
const CO2T = f(CO2), NOXT = f(NOX), PMT = f(PM25), COT = f(CO), HCT = f(HC), FUELT = f(FUEL), FUEL_LEVEL = f(LEVEL), ENERGYT = f(ENERGY), SOC = f(LEVEL);

const quoted = new Map<string, string>();
function q(s: string | null): string {
  if (s === null) return 'null';
  let j = quoted.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (quoted.size < 10_000) quoted.set(s, j);
  }
  return j;
}

export function encodeEvent(ev: FleetEvent): string {
  return ev.event_name === 'vehicle:telemetry' ? encodeReading(readingOf(ev as TelemetryEvent)) : JSON.stringify(ev);
}

/** The JSON line of a reading; numbers are rounded here. */
export function encodeReading(e: Reading): string {
  // vehicle_id, trip_id and vehicle_class are our own [A-Za-z0-9_-] ids (vehicleIdOf): no escaping.
  const head = `{"event_uuid":"${e.event_uuid}","event_name":"vehicle:telemetry","created_at":${CREATED.of(e.created_at)},"vehicle_id":"${e.vehicle_id}","seq":${e.seq},"vehicle_class":"${e.vehicle_class}","trip_id":${e.trip_id === null ? 'null' : `"${e.trip_id}"`},"lat":${LAT.of(e.lat)},"lon":${LON.of(e.lon)},"heading_deg":${HEAD.of(e.heading_deg)},"speed_kmh":${SPD.of(e.speed_kmh)},"accel_mps2":${ACC.of(e.accel_mps2)},"odometer_km":${ODO.of(e.odometer_km)},"road":${q(e.road)},"speed_limit_kmh":${Number.isNaN(e.speed_limit_kmh) ? 'null' : LIM.of(e.speed_limit_kmh)},"co2_g":${CO2T.of(e.co2_g)},"nox_g":${NOXT.of(e.nox_g)},"pm25_g":${PMT.of(e.pm25_g)},"co_g":${COT.of(e.co_g)},"hc_g":${HCT.of(e.hc_g)}`;
  return e.ev
    ? `${head},"energy_wh":${ENERGYT.of(e.energy_wh)},"soc_pct":${SOC.of(e.soc_pct)}}`
    : `${head},"fuel_g":${FUELT.of(e.fuel_g)},"fuel_level_pct":${FUEL_LEVEL.of(e.fuel_level_pct)}}`;
}

/** The event object of a reading, every number at the precision `encodeReading` prints. */
export function readingEvent(e: Reading): TelemetryEvent {
  const ev = e.ev;
  return {
    event_uuid: e.event_uuid,
    event_name: 'vehicle:telemetry',
    created_at: round(e.created_at, 3),
    vehicle_id: e.vehicle_id,
    seq: e.seq,
    vehicle_class: e.vehicle_class,
    trip_id: e.trip_id,
    lat: round(e.lat, LATLON),
    lon: round(e.lon, LATLON),
    heading_deg: round(e.heading_deg, HEADING),
    speed_kmh: round(e.speed_kmh, SPEED),
    accel_mps2: round(e.accel_mps2, ACCEL),
    odometer_km: round(e.odometer_km, ODOMETER),
    road: e.road,
    speed_limit_kmh: Number.isNaN(e.speed_limit_kmh) ? null : round(e.speed_limit_kmh, LIMIT),
    co2_g: round(e.co2_g, CO2),
    nox_g: round(e.nox_g, NOX),
    pm25_g: round(e.pm25_g, PM25),
    co_g: round(e.co_g, CO),
    hc_g: round(e.hc_g, HC),
    // One object shape for every powertrain (monomorphic); JSON drops the undefined pair.
    fuel_g: ev ? undefined : round(e.fuel_g, FUEL),
    fuel_level_pct: ev ? undefined : round(e.fuel_level_pct, LEVEL),
    energy_wh: ev ? round(e.energy_wh, ENERGY) : undefined,
    soc_pct: ev ? round(e.soc_pct, LEVEL) : undefined,
  };
}

// encodeEvent of an object (tests, tools) goes through the same text path.
const fromObject = newReading();
function readingOf(e: TelemetryEvent): Reading {
  const r = fromObject;
  r.event_uuid = e.event_uuid;
  r.created_at = e.created_at;
  r.vehicle_id = e.vehicle_id;
  r.seq = e.seq;
  r.vehicle_class = e.vehicle_class;
  r.trip_id = e.trip_id;
  r.lat = e.lat;
  r.lon = e.lon;
  r.heading_deg = e.heading_deg;
  r.speed_kmh = e.speed_kmh;
  r.accel_mps2 = e.accel_mps2;
  r.odometer_km = e.odometer_km;
  r.road = e.road;
  r.speed_limit_kmh = e.speed_limit_kmh ?? NaN;
  r.co2_g = e.co2_g;
  r.nox_g = e.nox_g;
  r.pm25_g = e.pm25_g;
  r.co_g = e.co_g;
  r.hc_g = e.hc_g;
  r.ev = e.energy_wh !== undefined;
  r.fuel_g = e.fuel_g ?? 0;
  r.fuel_level_pct = e.fuel_level_pct ?? 0;
  r.energy_wh = e.energy_wh ?? 0;
  r.soc_pct = e.soc_pct ?? 0;
  return r;
}
