import { GRAVITY_MPS2 } from './emission-model.js';
import type { VspCoefficients } from './emission-tables.js';

/** MOVES vehicle specific power in kW/t; `gradeSin` is sin(atan(grade)). */
export function vehicleSpecificPower(c: VspCoefficients, speedMps: number, accelMps2: number, gradeSin: number): number {
  const v = speedMps;
  return (v * (c.A + v * (c.B + v * c.C)) + c.M * v * (accelMps2 + GRAVITY_MPS2 * gradeSin)) / c.f;
}
