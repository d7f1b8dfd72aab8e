// One JSON object per event. Telemetry (the bulk of the stream) is serialized by hand in a fixed key
// order; the result is byte-identical to JSON.stringify of the same object (tested), only faster.
// Numbers are already rounded by the producer of the event. vehicle_id, trip_id and vehicle_class are
// our own [A-Za-z0-9_-] ids (vehicleIdOf) and need no escaping; road names are escaped once and cached.
import type { FleetEvent, TelemetryEvent } from './events/event.js';

const quoted = new Map<string, string>();
function q(s: string | null): string {
  if (s === null) return 'null';
  let j = quoted.get(s);
  if (j === undefined) {
    j = JSON.stringify(s);
    if (quoted.size < 100_000) quoted.set(s, j);
  }
  return j;
}

export function encodeEvent(ev: FleetEvent): string {
  return ev.event_name === 'vehicle:telemetry' ? encodeTelemetry(ev as TelemetryEvent) : JSON.stringify(ev);
}

function encodeTelemetry(e: TelemetryEvent): string {
  const head = `{"event_uuid":"${e.event_uuid}","event_name":"vehicle:telemetry","created_at":${e.created_at},"vehicle_id":"${e.vehicle_id}","seq":${e.seq},"vehicle_class":"${e.vehicle_class}","trip_id":${e.trip_id === null ? 'null' : `"${e.trip_id}"`},"lat":${e.lat},"lon":${e.lon},"heading_deg":${e.heading_deg},"speed_kmh":${e.speed_kmh},"accel_mps2":${e.accel_mps2},"odometer_km":${e.odometer_km},"road":${q(e.road)},"speed_limit_kmh":${e.speed_limit_kmh},"co2_g":${e.co2_g},"nox_g":${e.nox_g},"pm25_g":${e.pm25_g},"co_g":${e.co_g},"hc_g":${e.hc_g}`;
  return e.energy_wh === undefined
    ? `${head},"fuel_g":${e.fuel_g},"fuel_level_pct":${e.fuel_level_pct}}`
    : `${head},"energy_wh":${e.energy_wh},"soc_pct":${e.soc_pct}}`;
}
