// The telemetry wire schema in one place: key order, decimals and types of `vehicle:telemetry`.
// The byte writer prints from this table, and `TelemetryEvent` (what a consumer parses) is derived
// from it, so the two cannot drift apart.
import type { FleetEvent } from '../events/fleet-event.js';
import { indexOfVehicleId } from '../fleet/identity.js';
import { tripNumberOf } from '../fleet/trip-ledger.js';

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

/** Numeric fields in wire order: slot k of `Reading.n` holds READING_NUMBERS[k]. */
export const READING_NUMBERS = Object.keys(READING_DECIMALS) as NumericField[];
// Slots of Reading.n (the order of READING_DECIMALS; checked below).
export const CREATED_AT = 0;
export const LAT = 1;
export const LON = 2;
export const HEADING_DEG = 3;
export const SPEED_KMH = 4;
export const ACCEL_MPS2 = 5;
export const ODOMETER_KM = 6;
export const SPEED_LIMIT_KMH = 7;
export const CO2_G = 8;
export const NOX_G = 9;
export const PM25_G = 10;
export const CO_G = 11;
export const HC_G = 12;
export const FUEL_G = 13;
export const FUEL_LEVEL_PCT = 14;
export const ENERGY_WH = 15;
export const SOC_PCT = 16;
if (READING_NUMBERS[SOC_PCT] !== 'soc_pct' || READING_NUMBERS[SPEED_LIMIT_KMH] !== 'speed_limit_kmh' || READING_NUMBERS[FUEL_G] !== 'fuel_g') throw new Error('wire.ts: slots out of order');

/**
 * The raw (unrounded) values of one reading, the writer's input. The numbers live in a Float64Array
 * (slots above; NaN speed limit: off-road, null on the wire), so filling and printing them never
 * boxes a double; the UUID's four random words likewise in `uuid`.
 */
export interface Reading {
  readonly n: Float64Array;
  readonly uuid: Int32Array;
  vehicle_id: string;
  /**
   * The simulator's own readings: the vehicle's index, and its trip's number (0: no trip yet), from
   * which vehicle_id and trip_id are printed without their strings (identity.ts, trip-ledger.ts give
   * the formats). −1: print `vehicle_id` and `trip_id` as given.
   */
  index: number;
  trip: number;
  seq: number;
  vehicle_class: string;
  trip_id: string | null;
  road: string | null;
  /** The road's index in the graph's names (its bytes are cached by it); −1: `road` as given. */
  roadId: number;
  /** EV: energy_wh and soc_pct are sent; otherwise fuel_g and fuel_level_pct. */
  ev: boolean;
}

export function newReading(): Reading {
  return { n: new Float64Array(READING_NUMBERS.length), uuid: new Int32Array(4), vehicle_id: '', index: -1, trip: 0, seq: 0, vehicle_class: '', trip_id: null, road: null, roadId: -1, ev: false };
}

/** The raw values of a parsed (or hand-built) telemetry event, with the UUID's words. */
export function readingOf(e: TelemetryEvent, uuidWords: readonly number[]): Reading {
  const r = newReading();
  for (let k = 0; k < READING_NUMBERS.length; k++) r.n[k] = (e[READING_NUMBERS[k]] as number | null | undefined) ?? (k === SPEED_LIMIT_KMH ? NaN : 0);
  r.uuid.set(uuidWords);
  r.vehicle_id = e.vehicle_id;
  r.seq = e.seq;
  r.vehicle_class = e.vehicle_class;
  r.trip_id = e.trip_id;
  r.road = e.road;
  // Our own ids print from their numbers, as the simulator writes them.
  const index = indexOfVehicleId(e.vehicle_id);
  const trip = e.trip_id === null ? 0 : tripNumberOf(e.vehicle_id, e.trip_id);
  if (index >= 0 && trip >= 0 && Number.isInteger(e.seq) && e.seq >= 0 && e.seq < 2 ** 31) {
    r.index = index;
    r.trip = trip;
  }
  r.ev = e.energy_wh !== undefined;
  return r;
}
