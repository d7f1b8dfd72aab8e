import { ACCEL_HISTORY, gradeSine, oneSlot, zeroEmissions, type IntervalEmissions, type SlotEmissionModel, type SlotMotion } from './emission-model.js';
import { loadOpModeRates, loadVspCoefficients } from './emission-tables.js';
import { OPERATING_MODES, operatingMode } from './operating-mode.js';
import { vehicleSpecificPower } from './vsp.js';

/**
 * Gasoline fuel from CO2 by carbon balance, as MOVESTAR does: g fuel = g CO2 × 12/44 × 13.78/12
 * (fuel taken as CH1.78, 13.78 g per mole of carbon).
 */
export const GASOLINE_FUEL_PER_CO2 = (12 / 44) * (13.78 / 12);

// Per-mode rates in g/s, laid out [mode × RATE_COUNT + column] so a step is one index computation.
const CO2 = 0, NOX = 1, PM25 = 2, CO = 3, HC = 4, FUEL = 5, RATE_COUNT = 6;
const MAX_MODE = Math.max(...OPERATING_MODES);

/** MOVES: VSP (source-type physics) → operating mode → g/h rate table, for the car and light-truck source types. */
export function createMovesModel(sourceType: 'car' | 'light_truck', out: IntervalEmissions = zeroEmissions(), history: Float64Array = new Float64Array(ACCEL_HISTORY)): SlotEmissionModel {
  return new MovesModel(loadVspCoefficients(sourceType), ratesPerSecond(sourceType), out, history);
}

// A class, not closures; one per class in a fleet, each vehicle's history at its slot.
class MovesModel implements SlotEmissionModel {
  private readonly one = oneSlot();

  constructor(
    private readonly coefficients: ReturnType<typeof loadVspCoefficients>,
    private readonly rates: Float64Array,
    private readonly out: IntervalEmissions,
    /** Slot i's previous acceleration at 2i, the one before at 2i + 1. */
    private readonly history: Float64Array,
  ) {}

  step(speedMps: number, accelMps2: number, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    this.one.speedMps[0] = speedMps;
    this.one.a[0] = accelMps2;
    return this.stepAt(0, this.one, gradePct, dtS);
  }

  reset(): void {
    this.resetAt(0);
  }

  stepAt(slot: number, motion: SlotMotion, gradePct: number, dtS: number): Readonly<IntervalEmissions> {
    const speedMps = motion.speedMps[slot];
    const accelMps2 = motion.a[slot];
    const rates = this.rates;
    const out = this.out;
    const h = this.history;
    const k = slot * ACCEL_HISTORY;
    const vsp = vehicleSpecificPower(this.coefficients, speedMps, accelMps2, gradeSine(gradePct));
    const base = operatingMode(speedMps, accelMps2, vsp, h[k], h[k + 1]) * RATE_COUNT;
    h[k + 1] = h[k];
    h[k] = accelMps2;
    out.co2_g = rates[base + CO2] * dtS;
    out.nox_g = rates[base + NOX] * dtS;
    out.pm25_g = rates[base + PM25] * dtS;
    out.co_g = rates[base + CO] * dtS;
    out.hc_g = rates[base + HC] * dtS;
    out.fuel_g = rates[base + FUEL] * dtS;
    out.energy_wh = 0;
    return out;
  }

  resetAt(slot: number): void {
    this.history[slot * ACCEL_HISTORY] = 0;
    this.history[slot * ACCEL_HISTORY + 1] = 0;
  }
}

const ratesCache = new Map<string, Float64Array>();

function ratesPerSecond(sourceType: 'car' | 'light_truck'): Float64Array {
  const cached = ratesCache.get(sourceType);
  if (cached) return cached;
  const table = loadOpModeRates(sourceType);
  const rates = new Float64Array((MAX_MODE + 1) * RATE_COUNT);
  for (const mode of OPERATING_MODES) {
    const row = table.get(mode);
    if (!row) throw new Error(`moves_opmode_rates.csv: ${sourceType} has no operating mode ${mode}`);
    const base = mode * RATE_COUNT;
    rates[base + CO2] = row.co2_g_per_h / 3600;
    rates[base + NOX] = row.nox_g_per_h / 3600;
    rates[base + PM25] = row.pm25_g_per_h / 3600;
    rates[base + CO] = row.co_g_per_h / 3600;
    rates[base + HC] = row.hc_g_per_h / 3600;
    rates[base + FUEL] = (row.co2_g_per_h * GASOLINE_FUEL_PER_CO2) / 3600;
  }
  ratesCache.set(sourceType, rates);
  return rates;
}
