// How one driver drives. Drawn once per vehicle from its own RNG; aggressive drivers accelerate and
// brake harder, corner faster and speed more often, which is what produces the behaviour alerts.
import type { Rng } from '../../common/rng.js';

export interface DriverProfile {
  /** 0 = calm … 1 = aggressive. */
  readonly aggressiveness: number;
  /** Desired speed as a multiple of the limit outside speeding episodes. */
  readonly speedFactor: number;
  /** Desired speed multiple during a speeding episode. */
  readonly speedingFactor: number;
  /** Chance per minute of driving that a speeding episode starts. */
  readonly speedingPerMin: number;
  readonly accelMps2: number;
  readonly comfortDecelMps2: number;
  readonly lateralAccelMps2: number;
  /** Drives through amber rather than braking hard. */
  readonly runsAmber: boolean;
  readonly buckles: boolean;
}

export function drawDriverProfile(rng: Rng): DriverProfile {
  const aggressiveness = rng.chance(0.15) ? rng.range(0.6, 1) : rng.range(0, 0.5);
  return {
    aggressiveness,
    speedFactor: 0.95 + 0.1 * rng.next() + 0.05 * aggressiveness,
    speedingFactor: 1.15 + 0.2 * aggressiveness + 0.05 * rng.next(),
    speedingPerMin: 0.005 + 0.04 * aggressiveness,
    accelMps2: 1.4 + 2.0 * aggressiveness + 0.3 * rng.next(),
    comfortDecelMps2: 2.0 + 2.5 * aggressiveness,
    lateralAccelMps2: 2.2 + 2.6 * aggressiveness,
    runsAmber: rng.chance(0.2 + 0.6 * aggressiveness),
    buckles: rng.chance(0.97 - 0.1 * aggressiveness),
  };
}
