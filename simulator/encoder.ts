// One JSON object per event. Telemetry (the bulk of the stream) is written field by field in a fixed
// key order with each number at its published precision; the text is byte-identical to JSON.stringify
// of the rounded object (`roundTelemetry`, tested), only faster. Other events are rare: JSON.stringify.
import type { FleetEvent, TelemetryEvent } from './events/event.js';
import { decimalText } from './decimal-text.js';

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
const t = decimalText;

export function encodeEvent(ev: FleetEvent): string {
  return ev.event_name === 'vehicle:telemetry' ? encodeTelemetry(ev as TelemetryEvent) : JSON.stringify(ev);
}

/** The JSON line of a reading; numbers are rounded here, so `e` may carry raw values. */
export function encodeTelemetry(e: TelemetryEvent): string {
  // vehicle_id, trip_id and vehicle_class are our own [A-Za-z0-9_-] ids (vehicleIdOf): no escaping.
  const head = `{"event_uuid":"${e.event_uuid}","event_name":"vehicle:telemetry","created_at":${t(e.created_at, 3)},"vehicle_id":"${e.vehicle_id}","seq":${e.seq},"vehicle_class":"${e.vehicle_class}","trip_id":${e.trip_id === null ? 'null' : `"${e.trip_id}"`},"lat":${t(e.lat, LATLON)},"lon":${t(e.lon, LATLON)},"heading_deg":${t(e.heading_deg, HEADING)},"speed_kmh":${t(e.speed_kmh, SPEED)},"accel_mps2":${t(e.accel_mps2, ACCEL)},"odometer_km":${t(e.odometer_km, ODOMETER)},"road":${q(e.road)},"speed_limit_kmh":${e.speed_limit_kmh === null ? 'null' : t(e.speed_limit_kmh, LIMIT)},"co2_g":${t(e.co2_g, CO2)},"nox_g":${t(e.nox_g, NOX)},"pm25_g":${t(e.pm25_g, PM25)},"co_g":${t(e.co_g, CO)},"hc_g":${t(e.hc_g, HC)}`;
  return e.energy_wh === undefined
    ? `${head},"fuel_g":${t(e.fuel_g as number, FUEL)},"fuel_level_pct":${t(e.fuel_level_pct as number, LEVEL)}}`
    : `${head},"energy_wh":${t(e.energy_wh, ENERGY)},"soc_pct":${t(e.soc_pct as number, LEVEL)}}`;
}

/** A fresh event object with every number at the precision `encodeTelemetry` prints. */
export function roundTelemetry(e: TelemetryEvent): TelemetryEvent {
  const ev = e.energy_wh !== undefined;
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
    speed_limit_kmh: e.speed_limit_kmh === null ? null : round(e.speed_limit_kmh, LIMIT),
    co2_g: round(e.co2_g, CO2),
    nox_g: round(e.nox_g, NOX),
    pm25_g: round(e.pm25_g, PM25),
    co_g: round(e.co_g, CO),
    hc_g: round(e.hc_g, HC),
    // One object shape for every powertrain (monomorphic hot path); JSON drops the undefined pair.
    fuel_g: ev ? undefined : round(e.fuel_g as number, FUEL),
    fuel_level_pct: ev ? undefined : round(e.fuel_level_pct as number, LEVEL),
    energy_wh: ev ? round(e.energy_wh as number, ENERGY) : undefined,
    soc_pct: ev ? round(e.soc_pct as number, LEVEL) : undefined,
  };
}
