import { numberCell, readCsvTable } from './emissions/csv-table.js';

/** The EPA dynamometer cycles bundled in `simulator/data/cycles` (1 Hz, US government data). */
export const CYCLE_NAMES = ['udds', 'hwfet', 'us06'] as const;
export type CycleName = (typeof CYCLE_NAMES)[number];

export interface DrivingCycle {
  readonly name: CycleName;
  /** Seconds between samples (1 for every bundled cycle). */
  readonly dtS: number;
  readonly speedsMps: Float64Array;
}

const cache = new Map<CycleName, DrivingCycle>();

export function loadCycle(name: CycleName): DrivingCycle {
  const cached = cache.get(name);
  if (cached) return cached;
  const url = new URL(`./data/cycles/${name}.csv`, import.meta.url);
  const rows = readCsvTable(url);
  const times = rows.map((row) => numberCell(row, 't_s', url));
  const speedsMps = Float64Array.from(rows, (row) => numberCell(row, 'speed_mps', url));
  const dtS = times.length > 1 ? times[1] - times[0] : 1;
  // Accelerations are differences of neighbouring samples, so a gap in the trace would skew them.
  const gap = times.findIndex((t, i) => i > 0 && Math.abs(t - times[i - 1] - dtS) > 1e-9);
  if (!(dtS > 0) || gap > 0) throw new Error(`${url.pathname}: t_s must rise in equal steps (line ${gap > 0 ? gap + 2 : 3} breaks them)`);
  const cycle: DrivingCycle = { name, dtS, speedsMps };
  cache.set(name, cycle);
  return cycle;
}
