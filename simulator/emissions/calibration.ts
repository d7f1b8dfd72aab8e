import { CYCLE_NAMES, loadCycle, type CycleName } from '../cycles.js';
import { VEHICLE_CLASSES, addEmissions, zeroEmissions, type VehicleClass } from './emission-model.js';
import { MODEL_SOURCES, createEmissionModel } from './create-model.js';
import { CLASS_PROFILES } from './profiles.js';

/**
 * How acceleration is derived from a 1 Hz speed trace. `central` ((v[t+1] − v[t−1]) / 2, zero at both
 * ends) is what MOVESTAR uses and what the 239 g/km UDDS check figure is quoted for; `backward`
 * (v[t] − v[t−1], as MOVES itself bins) and `forward` are there to show the sensitivity.
 */
export const ACCELERATION_METHODS = ['central', 'backward', 'forward'] as const;
export type AccelerationMethod = (typeof ACCELERATION_METHODS)[number];

/** Fuel densities for litres, the ones SUMO's HBEFA3 helper uses (g/L). */
const FUEL_DENSITY_G_PER_L = { gasoline: 742, diesel: 836 } as const;

/** The published check figure: the MOVES car over UDDS emits 239 g CO2/km (DESIGN, MOVESTAR). */
export const CALIBRATION_REFERENCE = { vehicleClass: 'car', cycle: 'udds', co2_g_per_km: 239, tolerance: 0.03 } as const;

export interface CycleResult {
  vehicleClass: VehicleClass;
  /** The published model behind the class. */
  model: string;
  cycle: CycleName;
  distanceKm: number;
  co2_g_per_km: number;
  nox_g_per_km: number;
  pm25_g_per_km: number;
  co_g_per_km: number;
  hc_g_per_km: number;
  fuel_g_per_km: number;
  fuel_l_per_100km: number;
  energy_wh_per_km: number;
}

export function cycleAccelerations(speedsMps: Float64Array, dtS: number, method: AccelerationMethod): Float64Array {
  const n = speedsMps.length;
  const acc = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    if (method === 'central') acc[t] = t > 0 && t < n - 1 ? (speedsMps[t + 1] - speedsMps[t - 1]) / (2 * dtS) : 0;
    else if (method === 'backward') acc[t] = t > 0 ? (speedsMps[t] - speedsMps[t - 1]) / dtS : 0;
    else acc[t] = t < n - 1 ? (speedsMps[t + 1] - speedsMps[t]) / dtS : 0;
  }
  return acc;
}

/** Drives one fresh vehicle of `vehicleClass` over a bundled EPA cycle on a flat road. */
export function runCycle(vehicleClass: VehicleClass, cycleName: CycleName, method: AccelerationMethod = 'central'): CycleResult {
  const { speedsMps, dtS } = loadCycle(cycleName);
  const acc = cycleAccelerations(speedsMps, dtS, method);
  const model = createEmissionModel(vehicleClass);
  const total = zeroEmissions();
  let distanceM = 0;
  for (let t = 0; t < speedsMps.length; t++) {
    const e = model.step(speedsMps[t], acc[t], 0, dtS);
    addEmissions(total, e);
    distanceM += speedsMps[t] * dtS;
  }
  const km = distanceM / 1000;
  const density = CLASS_PROFILES[vehicleClass].isDiesel ? FUEL_DENSITY_G_PER_L.diesel : FUEL_DENSITY_G_PER_L.gasoline;
  return {
    vehicleClass,
    model: MODEL_SOURCES[vehicleClass],
    cycle: cycleName,
    distanceKm: km,
    co2_g_per_km: total.co2_g / km,
    nox_g_per_km: total.nox_g / km,
    pm25_g_per_km: total.pm25_g / km,
    co_g_per_km: total.co_g / km,
    hc_g_per_km: total.hc_g / km,
    fuel_g_per_km: total.fuel_g / km,
    fuel_l_per_100km: (total.fuel_g / density / km) * 100,
    energy_wh_per_km: total.energy_wh / km,
  };
}

/** Every class on every bundled cycle, in a stable order (class-major). */
export function calibrate(method: AccelerationMethod = 'central'): CycleResult[] {
  return VEHICLE_CLASSES.flatMap((vehicleClass) => CYCLE_NAMES.map((cycle) => runCycle(vehicleClass, cycle, method)));
}
