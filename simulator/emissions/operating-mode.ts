/** m/s → mph, and m/s² → mph/s: MOVES bins are defined in US units. */
export const MPH_PER_MPS = 2.23693629;

/** The MOVES running-exhaust operating modes that the rate tables cover. */
export const OPERATING_MODES: readonly number[] = [0, 1, 11, 12, 13, 14, 15, 16, 21, 22, 23, 24, 25, 27, 28, 29, 30, 33, 35, 37, 38, 39, 40];

export const BRAKING = 0;
export const IDLE = 1;

/**
 * MOVES operating mode of one second of driving.
 * Braking follows MOVESTAR (the source of our rate table): this second decelerates at ≥ 2 mph/s, or
 * the two PREVIOUS seconds both decelerated faster than 1 mph/s. (MOVES itself also asks this second to
 * decelerate faster than 1 mph/s; over UDDS that moves the car's CO2 by 0.3 %.) Band edges are inclusive
 * below (VSP 3.0 kW/t is in 3–6, 25.0 mph is in 25–50), as in MOVESTAR.
 */
export function operatingMode(speedMps: number, accelMps2: number, vspKwPerT: number, prevAccelMps2: number, prevPrevAccelMps2: number): number {
  if (accelMps2 * MPH_PER_MPS <= -2) return BRAKING;
  if (prevAccelMps2 * MPH_PER_MPS < -1 && prevPrevAccelMps2 * MPH_PER_MPS < -1) return BRAKING;
  const mph = speedMps * MPH_PER_MPS;
  if (mph < 1) return IDLE;
  if (mph < 25) {
    if (vspKwPerT < 0) return 11;
    if (vspKwPerT >= 12) return 16;
    return 12 + Math.floor(vspKwPerT / 3); // 0–3 → 12 … 9–12 → 15
  }
  if (mph < 50) {
    if (vspKwPerT < 0) return 21;
    if (vspKwPerT < 12) return 22 + Math.floor(vspKwPerT / 3); // 0–3 → 22 … 9–12 → 25
    if (vspKwPerT >= 30) return 30;
    return 27 + Math.floor((vspKwPerT - 12) / 6); // 12–18 → 27, 18–24 → 28, 24–30 → 29
  }
  if (vspKwPerT < 6) return 33;
  if (vspKwPerT < 12) return 35;
  if (vspKwPerT < 18) return 37;
  if (vspKwPerT < 24) return 38;
  if (vspKwPerT < 30) return 39;
  return 40;
}
