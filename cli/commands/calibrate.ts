import { Option, type Command } from 'commander';
import {
  ACCELERATION_METHODS,
  CALIBRATION_REFERENCE,
  calibrate,
  type AccelerationMethod,
  type CycleResult,
} from '../../simulator/emissions/index.js';

/** `sdfleet calibrate`: every vehicle class over the bundled EPA cycles, checked against the UDDS reference. */
export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description('run every vehicle class over the EPA cycles (UDDS, HWFET, US06) and print g/km, fuel and energy per km')
    .addOption(new Option('--accel <method>', 'acceleration from the 1 Hz speed trace').choices(ACCELERATION_METHODS).default('central'))
    .option('--json', 'machine-readable output')
    .action((opts: { accel: AccelerationMethod; json?: boolean }) => {
      const results = calibrate(opts.accel);
      const check = referenceCheck(results);
      if (opts.json) {
        console.log(JSON.stringify({ accelerationMethod: opts.accel, reference: check, results }, null, 2));
      } else {
        console.log(formatTable(results));
        console.log(
          `\nreference: car on UDDS ${check.actual_co2_g_per_km.toFixed(1)} g CO2/km vs ${check.co2_g_per_km} ±${check.tolerance * 100} % ` +
            `(${signedPct(check.deviation)}): ${check.withinTolerance ? 'ok' : 'OUT OF TOLERANCE'}; acceleration: ${opts.accel} difference`,
        );
      }
      if (!check.withinTolerance) process.exitCode = 1;
    });
}

function referenceCheck(results: readonly CycleResult[]) {
  const ref = CALIBRATION_REFERENCE;
  const row = results.find((r) => r.vehicleClass === ref.vehicleClass && r.cycle === ref.cycle);
  if (!row) throw new Error(`calibration produced no ${ref.vehicleClass}/${ref.cycle} row`);
  const deviation = row.co2_g_per_km / ref.co2_g_per_km - 1;
  return { ...ref, actual_co2_g_per_km: row.co2_g_per_km, deviation, withinTolerance: Math.abs(deviation) <= ref.tolerance };
}

const COLUMNS: readonly { title: string; cell: (r: CycleResult) => string }[] = [
  { title: 'class', cell: (r) => r.vehicleClass },
  { title: 'model', cell: (r) => r.model },
  { title: 'cycle', cell: (r) => r.cycle.toUpperCase() },
  { title: 'km', cell: (r) => r.distanceKm.toFixed(2) },
  { title: 'CO2 g/km', cell: (r) => r.co2_g_per_km.toFixed(1) },
  { title: 'NOx g/km', cell: (r) => r.nox_g_per_km.toFixed(3) },
  { title: 'PM2.5 mg/km', cell: (r) => (r.pm25_g_per_km * 1000).toFixed(2) },
  { title: 'CO g/km', cell: (r) => r.co_g_per_km.toFixed(3) },
  { title: 'HC g/km', cell: (r) => r.hc_g_per_km.toFixed(4) },
  { title: 'fuel g/km', cell: (r) => r.fuel_g_per_km.toFixed(1) },
  { title: 'L/100km', cell: (r) => r.fuel_l_per_100km.toFixed(2) },
  { title: 'Wh/km', cell: (r) => r.energy_wh_per_km.toFixed(1) },
];

function formatTable(results: readonly CycleResult[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...results.map((r) => COLUMNS.map((c) => c.cell(r)))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  // Text columns (class, model, cycle) align left, numbers right.
  const line = (row: string[]) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

function signedPct(fraction: number): string {
  return `${fraction >= 0 ? '+' : ''}${(fraction * 100).toFixed(1)} %`;
}
