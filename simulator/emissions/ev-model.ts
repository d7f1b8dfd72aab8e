import { GRAVITY_MPS2, gradeSine, oneSlot, zeroEmissions, type IntervalEmissions, type SlotEmissionModel, type SlotMotion } from './emission-model.js';
import { CLASS_PROFILES } from './profiles.js';

/** Road-load and powertrain figures for a typical US battery EV (compact SUV / sedan average). */
export interface EvParameters {
  readonly massKg: number;
  /** Rotating parts (wheels, motor) add apparent mass under acceleration. */
  readonly inertiaFactor: number;
  readonly rollingResistance: number;
  /** Drag coefficient × frontal area. */
  readonly dragAreaM2: number;
  readonly airDensityKgM3: number;
  /** Battery → wheel (inverter, motor, gearbox, battery losses). */
  readonly drivetrainEfficiency: number;
  /** Share of braking energy at the wheel that gets back into the battery. */
  readonly regenEfficiency: number;
  readonly maxRegenW: number;
  /** Below this the car stops on friction brakes only. */
  readonly minRegenSpeedMps: number;
  /** Climate control and 12 V loads, always on while the vehicle runs. */
  readonly auxiliaryW: number;
}

// Sources: mass is a Model 3/Model Y/Bolt/Ioniq 5 average at test weight (≈1.8–2.1 t + driver);
// rolling resistance 0.009 for low-rolling-resistance EV tyres (0.007–0.010); CdA 0.26 × 2.3 m²;
// air at 20 °C and sea level (San Diego); battery-to-wheel efficiency 0.85–0.90 and regenerative
// recovery 0.6–0.7 from ANL dynamometer tests of current EVs; auxiliaries 500 W for a mild climate
// (SAE J1634 tests run without A/C, which is why label figures are lower than fleet figures).
export const EV_PARAMETERS: EvParameters = {
  massKg: CLASS_PROFILES.ev.massKg,
  inertiaFactor: 1.05,
  rollingResistance: 0.009,
  dragAreaM2: 0.6,
  airDensityKgM3: 1.2,
  drivetrainEfficiency: 0.87,
  regenEfficiency: 0.65,
  maxRegenW: 60_000,
  minRegenSpeedMps: 2,
  auxiliaryW: 500,
};

/** Battery EV: no tailpipe emissions; net battery energy from a road-load model with regeneration. */
export function createEvModel(p: EvParameters = EV_PARAMETERS, out: IntervalEmissions = zeroEmissions()): SlotEmissionModel {
  return new EvModel(p, out);
}

// A class, not closures; one per fleet (memoryless: the slot does not matter).
class EvModel implements SlotEmissionModel {
  private readonly halfRhoCdA: number;
  private readonly one = oneSlot();

  constructor(
    private readonly p: EvParameters,
    private readonly out: IntervalEmissions,
  ) {
    this.halfRhoCdA = 0.5 * p.airDensityKgM3 * p.dragAreaM2;
  }

  step(speedMps: number, accelMps2: number, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    this.one.speedMps[0] = speedMps;
    this.one.a[0] = accelMps2;
    return this.stepAt(0, this.one, gradePct, dtS);
  }

  resetAt(): void {
    // The road-load model is memoryless.
  }

  stepAt(slot: number, motion: SlotMotion, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    const p = this.p;
    const out = this.out;
    const v = motion.speedMps[slot];
    const accelMps2 = motion.a[slot];
    const sin = gradeSine(gradePct);
    const cos = Math.sqrt(1 - sin * sin);
    const forceN = p.massKg * (p.inertiaFactor * accelMps2 + GRAVITY_MPS2 * (p.rollingResistance * cos + sin)) + this.halfRhoCdA * v * v;
    const wheelW = v > 0 ? forceN * v : 0;
    let batteryW: number;
    if (wheelW >= 0) batteryW = wheelW / p.drivetrainEfficiency;
    else batteryW = v < p.minRegenSpeedMps ? 0 : -Math.min(-wheelW * p.regenEfficiency, p.maxRegenW);
    out.co2_g = 0;
    out.nox_g = 0;
    out.pm25_g = 0;
    out.co_g = 0;
    out.hc_g = 0;
    out.fuel_g = 0;
    out.energy_wh = ((batteryW + p.auxiliaryW) * dtS) / 3600;
    return out;
  }

  reset(): void {
    // The road-load model is memoryless.
  }
}
