// How one driver drives. Drawn once per vehicle from its own RNG; aggressive drivers accelerate and
// brake harder, corner faster and speed more often, which is what produces the behaviour alerts.
// Kept as numbers in the fleet's `drivers` array (PROFILE_NUMBERS per vehicle, flags as 0/1): a
// profile object was ~150 B per vehicle, most of it boxed doubles.
import type { Rng } from '../../common/rng.js';

/** 0 = calm … 1 = aggressive. */
export const AGGRESSIVENESS = 0;
/** Desired speed as a multiple of the limit outside speeding episodes. */
export const SPEED_FACTOR = 1;
/** Desired speed multiple during a speeding episode. */
export const SPEEDING_FACTOR = 2;
/** Chance per minute of driving that a speeding episode starts. */
export const SPEEDING_PER_MIN = 3;
export const ACCEL_MPS2 = 4;
export const COMFORT_DECEL_MPS2 = 5;
export const LATERAL_ACCEL_MPS2 = 6;
/** 1: drives through amber rather than braking hard. */
export const RUNS_AMBER = 7;
/** 1: fastens the seatbelt. */
export const BUCKLES = 8;
export const PROFILE_NUMBERS = 9;

/** Draws a driver into out[base, base + PROFILE_NUMBERS). */
export function drawDriverProfile(rng: Rng, out: Float64Array, base: number): void {
  const aggressiveness = rng.chance(0.15) ? rng.range(0.6, 1) : rng.range(0, 0.5);
  out[base + AGGRESSIVENESS] = aggressiveness;
  out[base + SPEED_FACTOR] = 0.95 + 0.1 * rng.next() + 0.05 * aggressiveness;
  out[base + SPEEDING_FACTOR] = 1.15 + 0.2 * aggressiveness + 0.05 * rng.next();
  out[base + SPEEDING_PER_MIN] = 0.005 + 0.04 * aggressiveness;
  out[base + ACCEL_MPS2] = 1.4 + 2.0 * aggressiveness + 0.3 * rng.next();
  out[base + COMFORT_DECEL_MPS2] = 2.0 + 2.5 * aggressiveness;
  out[base + LATERAL_ACCEL_MPS2] = 2.2 + 2.6 * aggressiveness;
  out[base + RUNS_AMBER] = rng.chance(0.2 + 0.6 * aggressiveness) ? 1 : 0;
  out[base + BUCKLES] = rng.chance(0.97 - 0.1 * aggressiveness) ? 1 : 0;
}
