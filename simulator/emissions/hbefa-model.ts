import { GRAVITY_MPS2, gradeSine, oneSlot, zeroEmissions, type IntervalEmissions, type SlotEmissionModel, type SlotMotion } from './emission-model.js';
import { loadHbefaClass, type HbefaFunction } from './emission-tables.js';

/**
 * HBEFA3 as SUMO's HelpersHBEFA3 evaluates it: mg/s = max(0, polynomial(v, a) / 3.6), and nothing
 * while the vehicle coasts or decelerates (fuel cut-off).
 *
 * Grade: HBEFA3 itself is flat-road. Its a·v terms are tractive power per unit mass, so we feed the
 * grade-effective acceleration a + g·sinθ (the same term MOVES VSP uses): uphill raises emissions,
 * and a steady downhill where the engine is not pulling (effective acceleration < 0) counts as coasting.
 * A stopped vehicle idles (c0) whatever the slope.
 */
export function createHbefaModel(hbefaClass: string, out: IntervalEmissions = zeroEmissions()): SlotEmissionModel {
  return new HbefaModel(loadHbefaClass(hbefaClass), out);
}

// A class, not closures; one per class in a fleet (memoryless: the slot does not matter).
class HbefaModel implements SlotEmissionModel {
  private readonly one = oneSlot();

  constructor(
    private readonly f: ReturnType<typeof loadHbefaClass>,
    private readonly out: IntervalEmissions,
  ) {}

  step(speedMps: number, accelMps2: number, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    this.one.speedMps[0] = speedMps;
    this.one.a[0] = accelMps2;
    return this.stepAt(0, this.one, gradePct, dtS);
  }

  resetAt(): void {
    // HBEFA3 is memoryless.
  }

  stepAt(slot: number, motion: SlotMotion, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    const f = this.f;
    const out = this.out;
    const v = motion.speedMps[slot];
    const a = motion.a[slot] + GRAVITY_MPS2 * gradeSine(gradePct);
    const coasting = v > 0 && a < 0;
    const gramsPerMgS = coasting ? 0 : dtS / 3600; // mg/s ÷ 3.6 × dt ÷ 1000 = g
    out.co2_g = gramsPerMgS * polynomial(f.co2, v, a);
    out.nox_g = gramsPerMgS * polynomial(f.nox, v, a);
    out.pm25_g = gramsPerMgS * polynomial(f.pm, v, a);
    out.co_g = gramsPerMgS * polynomial(f.co, v, a);
    out.hc_g = gramsPerMgS * polynomial(f.hc, v, a);
    out.fuel_g = gramsPerMgS * polynomial(f.fuel, v, a);
    out.energy_wh = 0;
    return out;
  }

  reset(): void {
    // HBEFA3 is memoryless.
  }
}

/** The HBEFA3 polynomial before the ÷3.6, clamped at zero. */
function polynomial(c: HbefaFunction, v: number, a: number): number {
  const e = c.c0 + a * v * (c.cav1 + c.cav2 * a) + v * (c.c1 + v * (c.c2 + v * c.c3));
  return e > 0 ? e : 0;
}
