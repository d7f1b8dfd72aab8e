/** The six classes of the fleet; each maps to one emission model (see `create-model.ts`). */
export type VehicleClass = 'car' | 'light_truck' | 'ev' | 'van' | 'bus' | 'drayage';

export const VEHICLE_CLASSES: readonly VehicleClass[] = ['car', 'light_truck', 'ev', 'van', 'bus', 'drayage'];

/** Emissions and energy for ONE interval of `dtS` seconds. */
export interface IntervalEmissions {
  co2_g: number;
  nox_g: number;
  pm25_g: number;
  co_g: number;
  hc_g: number;
  /** Fuel burnt; 0 for EV. */
  fuel_g: number;
  /**
   * EV only (0 for combustion vehicles): NET energy drawn from the battery, traction plus auxiliaries.
   * Negative when regenerative braking returns more than the auxiliaries use in that interval.
   */
  energy_wh: number;
}

export interface EmissionModel {
  /**
   * Emissions of the interval that ends now. Allocation-free: the SAME object is returned and
   * overwritten by every call, so copy the fields you keep before calling `step` again.
   * Stateful: MOVES braking looks at the two previous steps, so feed one vehicle's steps in order.
   */
  step(speedMps: number, accelMps2: number, gradePct: number, dtS: number): Readonly<IntervalEmissions>;
  /** Forget history (a new trip, or the engine restarted). */
  reset(): void;
}

/** Speed (m/s) and acceleration (m/s²) by slot: a fleet's arrays. */
export interface SlotMotion {
  readonly speedMps: Float64Array;
  readonly a: Float64Array;
}

/**
 * One model for every vehicle of a class in a fleet: vehicle `slot`'s history (MOVES braking looks at
 * its two previous accelerations) lives at that slot of the fleet's `accelHistory`, so a fleet holds
 * one model per class, not one object per vehicle. `stepAt` reads the slot's speed and acceleration
 * from the arrays (doubles passed to a call V8 does not inline are boxed). `step`/`reset` are slot
 * 0's, for a model of one vehicle.
 */
export interface SlotEmissionModel extends EmissionModel {
  stepAt(slot: number, motion: SlotMotion, gradePct: number, dtS: number): Readonly<IntervalEmissions>;
  resetAt(slot: number): void;
}

/** A one-slot SlotMotion for `step(speed, accel, …)` of a one-vehicle model. */
export function oneSlot(): SlotMotion {
  return { speedMps: new Float64Array(1), a: new Float64Array(1) };
}

/** Two accelerations per slot (previous, the one before), for `SlotEmissionModel`s. */
export const ACCEL_HISTORY = 2;

export const GRAVITY_MPS2 = 9.81;

/** sin(atan(grade)) without trig calls on the hot path when the road is flat. */
export function gradeSine(gradePct: number): number {
  if (gradePct === 0) return 0;
  const g = gradePct / 100;
  return g / Math.sqrt(1 + g * g);
}

export function zeroEmissions(): IntervalEmissions {
  return { co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, energy_wh: 0 };
}

/** Adds one interval into a running total (a trip, a cycle). */
export function addEmissions(total: IntervalEmissions, e: Readonly<IntervalEmissions>): void {
  total.co2_g += e.co2_g;
  total.nox_g += e.nox_g;
  total.pm25_g += e.pm25_g;
  total.co_g += e.co_g;
  total.hc_g += e.hc_g;
  total.fuel_g += e.fuel_g;
  total.energy_wh += e.energy_wh;
}
