// A vehicle's trips: the trip id and number, and the distance, time, idling, top speed and emissions
// of the trip under way, summed step by step for the `trip:ended` summary, in the fleet's arrays (slot i).
import type { IntervalEmissions } from '../emissions/index.js';
import { r1, r2, r3, r5, r6 } from '../events/round.js';
import type { FleetState } from './fleet-state.js';
import { flat } from './identity.js';

// A vehicle's numbers in the fleet's `trips` array (TRIP_NUMBERS from slot × TRIP_NUMBERS).
const START_S = 0;
const START_KM = 1;
const IDLE_S = 2;
const MAX_KMH = 3;
const CO2 = 4;
const NOX = 5;
const PM25 = 6;
const CO = 7;
const HC = 8;
const FUEL = 9;
const ENERGY = 10;
export const TRIP_NUMBERS = 11;
/** Trip n of a vehicle is `${vehicleId}${TRIP_ID_INFIX}${n}` (the reading writer prints it from the numbers). */
export const TRIP_ID_INFIX = '-T';

/** n when `tripId` is trip n of `vehicleId` as the ledger names it, else −1. */
export function tripNumberOf(vehicleId: string, tripId: string): number {
  const prefix = `${vehicleId}${TRIP_ID_INFIX}`;
  if (!tripId.startsWith(prefix)) return -1;
  const n = Number(tripId.slice(prefix.length));
  return Number.isInteger(n) && n > 0 && n <= 2 ** 30 && `${prefix}${n}` === tripId ? n : -1;
}

/** Counts a trip summary reports from the driver-behaviour watch. */
export interface TripBehaviour {
  readonly harshBrakes: number;
  readonly harshAccels: number;
  readonly speedingS: number;
}

/** Energy a trip summary reports (EV: battery; otherwise fuel). */
export interface TripEnergy {
  readonly isEv: boolean;
  socPct(): number;
  fuelPct(): number;
}

/** Starts slot i's next trip at t; returns its id (also kept in `st.tripIds[i]`, its number in `st.tripNumber[i]`). */
export function startTrip(st: FleetState, i: number, vehicleId: string, t: number, odometerKm: number): string {
  const number = ++st.tripNumber[i];
  const id = flat(`${vehicleId}${TRIP_ID_INFIX}${number}`);
  st.tripIds[i] = id;
  const b = i * TRIP_NUMBERS;
  st.trips.fill(0, b, b + TRIP_NUMBERS);
  st.trips[b + START_S] = t;
  st.trips[b + START_KM] = odometerKm;
  return id;
}

/** One engine-on step of slot i (also at stops on the way: they count toward the trip that follows). */
export function addToTrip(st: FleetState, i: number, e: Readonly<IntervalEmissions>): void {
  const n = st.trips;
  const b = i * TRIP_NUMBERS;
  n[b + CO2] += e.co2_g;
  n[b + NOX] += e.nox_g;
  n[b + PM25] += e.pm25_g;
  n[b + CO] += e.co_g;
  n[b + HC] += e.hc_g;
  n[b + FUEL] += e.fuel_g;
  n[b + ENERGY] += e.energy_wh;
}
export function idleInTrip(st: FleetState, i: number, dtS: number): void {
  st.trips[i * TRIP_NUMBERS + IDLE_S] += dtS;
}
export function speedInTrip(st: FleetState, i: number, kmh: number): void {
  const k = i * TRIP_NUMBERS + MAX_KMH;
  if (kmh > st.trips[k]) st.trips[k] = kmh;
}

/** Slot i's `trip:ended` fields after the header and position, in wire order. */
export function tripSummary(st: FleetState, i: number, t: number, odometerKm: number, behaviour: TripBehaviour, energy: TripEnergy): Record<string, unknown> {
  const n = st.trips;
  const b = i * TRIP_NUMBERS;
  const startS = n[b + START_S];
  const km = odometerKm - n[b + START_KM];
  const fields: Record<string, unknown> = {
    distance_km: r3(km),
    duration_s: r1(t - startS),
    avg_speed_kmh: t > startS ? r2((km / (t - startS)) * 3600) : 0,
    max_speed_kmh: r1(n[b + MAX_KMH]),
    idle_s: r1(n[b + IDLE_S]),
    harsh_braking_count: behaviour.harshBrakes,
    harsh_acceleration_count: behaviour.harshAccels,
    speeding_s: r1(behaviour.speedingS),
    co2_g: r3(n[b + CO2]),
    co2_g_per_km: km > 0 ? r1(n[b + CO2] / km) : null,
    nox_g: r5(n[b + NOX]),
    pm25_g: r6(n[b + PM25]),
    co_g: r5(n[b + CO]),
    hc_g: r5(n[b + HC]),
  };
  if (energy.isEv) {
    fields.energy_wh = r2(n[b + ENERGY]);
    fields.wh_per_km = km > 0 ? r2(n[b + ENERGY] / km) : null;
    fields.soc_pct = r1(energy.socPct());
  } else {
    fields.fuel_g = r3(n[b + FUEL]);
    fields.fuel_level_pct = r1(energy.fuelPct());
  }
  return fields;
}
