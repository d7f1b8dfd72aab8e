// One JSON object per event. Telemetry (the bulk of the stream) is written field by field in a fixed
// key order with each number at its published precision; the text is byte-identical to JSON.stringify
// of the rounded object (`readingEvent`, tested), only faster. Other events are rare: JSON.stringify.
import type { FleetEvent, TelemetryEvent } from './events/event.js';
import { decimalText as t } from './decimal-text.js';

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
  const head = `{"event_uuid":"${e.event_uuid}","event_name":"vehicle:telemetry","created_at":${t(e.created_at, 3)},"vehicle_id":"${e.vehicle_id}","seq":${e.seq},"vehicle_class":"${e.vehicle_class}","trip_id":${e.trip_id === null ? 'null' : `"${e.trip_id}"`},"lat":${t(e.lat, LATLON)},"lon":${t(e.lon, LATLON)},"heading_deg":${t(e.heading_deg, HEADING)},"speed_kmh":${t(e.speed_kmh, SPEED)},"accel_mps2":${t(e.accel_mps2, ACCEL)},"odometer_km":${t(e.odometer_km, ODOMETER)},"road":${q(e.road)},"speed_limit_kmh":${Number.isNaN(e.speed_limit_kmh) ? 'null' : t(e.speed_limit_kmh, LIMIT)},"co2_g":${t(e.co2_g, CO2)},"nox_g":${t(e.nox_g, NOX)},"pm25_g":${t(e.pm25_g, PM25)},"co_g":${t(e.co_g, CO)},"hc_g":${t(e.hc_g, HC)}`;
  return e.ev
    ? `${head},"energy_wh":${t(e.energy_wh, ENERGY)},"soc_pct":${t(e.soc_pct, LEVEL)}}`
    : `${head},"fuel_g":${t(e.fuel_g, FUEL)},"fuel_level_pct":${t(e.fuel_level_pct, LEVEL)}}`;
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
