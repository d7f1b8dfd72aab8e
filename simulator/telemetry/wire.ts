// The telemetry wire schema in one place: key order, decimals and types of `vehicle:telemetry`.
// The byte writer prints from this table, and `TelemetryEvent` (what a consumer parses) is derived
// from it, so the two cannot drift apart.
import type { FleetEvent } from '../events/fleet-event.js';

/**
 * Numeric fields after the header, in wire order, with their decimals: lat/lon 6 (≈ 0.1 m), grams
 * 3–6 so small pollutant masses keep 2–3 significant digits at 1 Hz. `road` is written between
 * odometer_km and speed_limit_kmh; the powertrain pair closes the object (EV: energy_wh, soc_pct;
 * otherwise fuel_g, fuel_level_pct).
 */
export const READING_DECIMALS = {
  created_at: 3,
  lat: 6,
  lon: 6,
  heading_deg: 1,
  speed_kmh: 2,
  accel_mps2: 2,
  odometer_km: 3,
  speed_limit_kmh: 1,
  co2_g: 3,
  nox_g: 5,
  pm25_g: 6,
  co_g: 5,
  hc_g: 5,
  fuel_g: 3,
  fuel_level_pct: 2,
  energy_wh: 2,
  soc_pct: 2,
} as const;

type NumericField = keyof typeof READING_DECIMALS;
type Powertrain = 'fuel_g' | 'fuel_level_pct' | 'energy_wh' | 'soc_pct';

/** `vehicle:telemetry` as parsed from the wire: one reading per step while the vehicle is on. */
export type TelemetryEvent = FleetEvent &
  { [K in Exclude<NumericField, Powertrain | 'speed_limit_kmh'>]: number } & {
    vehicle_class: string;
    trip_id: string | null;
    road: string | null;
    speed_limit_kmh: number | null;
    /** Combustion vehicles. */
    fuel_g?: number;
    fuel_level_pct?: number;
    /** EVs: net battery energy for the interval (negative while regenerating). */
    energy_wh?: number;
    soc_pct?: number;
  };

/**
 * The raw (unrounded) values of one reading, the writer's input. Every numeric field always holds a
 * number (NaN speed limit: off-road, null on the wire), so V8 keeps them as in-place doubles.
 */
export type Reading = { [K in NumericField]: number } & {
  vehicle_id: string;
  seq: number;
  vehicle_class: string;
  trip_id: string | null;
  road: string | null;
  /** EV: energy_wh and soc_pct are sent; otherwise fuel_g and fuel_level_pct. */
  ev: boolean;
};

export function newReading(): Reading {
  return {
    created_at: 0, vehicle_id: '', seq: 0, vehicle_class: '', trip_id: null, lat: 0, lon: 0, heading_deg: 0, speed_kmh: 0, accel_mps2: 0, odometer_km: 0,
    road: null, speed_limit_kmh: 0, co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, ev: false, fuel_g: 0, fuel_level_pct: 0, energy_wh: 0, soc_pct: 0,
  };
}

/** The raw values of a parsed (or hand-built) telemetry event. */
export function readingOf(e: TelemetryEvent): Reading {
  return {
    created_at: e.created_at, vehicle_id: e.vehicle_id, seq: e.seq, vehicle_class: e.vehicle_class, trip_id: e.trip_id, lat: e.lat, lon: e.lon,
    heading_deg: e.heading_deg, speed_kmh: e.speed_kmh, accel_mps2: e.accel_mps2, odometer_km: e.odometer_km, road: e.road,
    speed_limit_kmh: e.speed_limit_kmh ?? NaN, co2_g: e.co2_g, nox_g: e.nox_g, pm25_g: e.pm25_g, co_g: e.co_g, hc_g: e.hc_g,
    ev: e.energy_wh !== undefined, fuel_g: e.fuel_g ?? 0, fuel_level_pct: e.fuel_level_pct ?? 0, energy_wh: e.energy_wh ?? 0, soc_pct: e.soc_pct ?? 0,
  };
}
