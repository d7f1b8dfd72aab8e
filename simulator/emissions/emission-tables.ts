import { numberCell, readCsvTable } from './csv-table.js';

// Loaders for the bundled MOVES and HBEFA3 figures (simulator/data/emissions, provenance in its README).

const dataUrl = (file: string): URL => new URL(`../data/emissions/${file}`, import.meta.url);

// Every vehicle builds its own model, so each table is read and parsed once per process.
const cache = new Map<string, unknown>();
function once<T>(key: string, load: () => T): T {
  if (!cache.has(key)) cache.set(key, load());
  return cache.get(key) as T;
}

export type MovesSourceType = 'car' | 'light_truck' | 'transit_bus' | 'combination_truck';

/** MOVES source-type physics: VSP (kW/t) = (A·v + B·v² + C·v³ + M·v·(a + g·sinθ)) / f. */
export interface VspCoefficients {
  readonly A: number;
  readonly B: number;
  readonly C: number;
  readonly M: number;
  readonly f: number;
}

export function loadVspCoefficients(sourceType: MovesSourceType): VspCoefficients {
  return once(`vsp:${sourceType}`, () => readVspCoefficients(sourceType));
}

function readVspCoefficients(sourceType: MovesSourceType): VspCoefficients {
  const url = dataUrl('moves_vsp_coefficients.csv');
  const row = readCsvTable(url).find((r) => r.source_type === sourceType);
  if (!row) throw new Error(`${url.pathname}: no row for source type ${sourceType}`);
  return {
    A: numberCell(row, 'A_rolling', url),
    B: numberCell(row, 'B_rotating', url),
    C: numberCell(row, 'C_drag', url),
    M: numberCell(row, 'M_mass_t', url),
    f: numberCell(row, 'f_fixed_mass_factor', url),
  };
}

/** One MOVES operating mode's rates, per hour. PM2.5 is elemental + organic carbon. */
export interface OpModeRates {
  readonly co2_g_per_h: number;
  readonly nox_g_per_h: number;
  readonly pm25_g_per_h: number;
  readonly co_g_per_h: number;
  readonly hc_g_per_h: number;
  readonly energy_kj_per_h: number;
}

/** Rates keyed by MOVES operating mode id (0, 1, 11…16, 21…30, 33…40). */
export function loadOpModeRates(sourceType: 'car' | 'light_truck'): ReadonlyMap<number, OpModeRates> {
  return once(`opmode:${sourceType}`, () => readOpModeRates(sourceType));
}

function readOpModeRates(sourceType: 'car' | 'light_truck'): ReadonlyMap<number, OpModeRates> {
  const url = dataUrl('moves_opmode_rates.csv');
  const rates = new Map<number, OpModeRates>();
  for (const row of readCsvTable(url)) {
    if (row.source_type !== sourceType) continue;
    rates.set(numberCell(row, 'opmode', url), {
      co2_g_per_h: numberCell(row, 'co2_g_per_h', url),
      nox_g_per_h: numberCell(row, 'nox_g_per_h', url),
      pm25_g_per_h: numberCell(row, 'pm25_ec_g_per_h', url) + numberCell(row, 'pm25_oc_g_per_h', url),
      co_g_per_h: numberCell(row, 'co_g_per_h', url),
      hc_g_per_h: numberCell(row, 'hc_g_per_h', url),
      energy_kj_per_h: numberCell(row, 'energy_kj_per_h', url),
    });
  }
  if (rates.size === 0) throw new Error(`${url.pathname}: no rates for source type ${sourceType}`);
  return rates;
}

export const HBEFA_POLLUTANTS = ['co2', 'nox', 'pm', 'co', 'hc', 'fuel'] as const;
export type HbefaPollutant = (typeof HBEFA_POLLUTANTS)[number];

/** HBEFA3 (as in SUMO): mg/s = max(0, (c0 + cav1·a·v + cav2·a²·v + c1·v + c2·v² + c3·v³) / 3.6). */
export interface HbefaFunction {
  readonly c0: number;
  readonly cav1: number;
  readonly cav2: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
}

export function loadHbefaClass(hbefaClass: string): Readonly<Record<HbefaPollutant, HbefaFunction>> {
  return once(`hbefa:${hbefaClass}`, () => readHbefaClass(hbefaClass));
}

function readHbefaClass(hbefaClass: string): Readonly<Record<HbefaPollutant, HbefaFunction>> {
  const url = dataUrl('hbefa3_coefficients.csv');
  const rows = readCsvTable(url).filter((r) => r.class === hbefaClass);
  const entries = HBEFA_POLLUTANTS.map((pollutant) => {
    const row = rows.find((r) => r.pollutant === pollutant);
    if (!row) throw new Error(`${url.pathname}: no ${pollutant} function for HBEFA class ${hbefaClass}`);
    const fn: HbefaFunction = {
      c0: numberCell(row, 'c0', url),
      cav1: numberCell(row, 'cav1', url),
      cav2: numberCell(row, 'cav2', url),
      c1: numberCell(row, 'c1', url),
      c2: numberCell(row, 'c2', url),
      c3: numberCell(row, 'c3', url),
    };
    return [pollutant, fn] as const;
  });
  return Object.fromEntries(entries) as Record<HbefaPollutant, HbefaFunction>;
}
