import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CYCLE_NAMES, loadCycle, type CycleName } from '../../simulator/cycles.js';
import { VEHICLE_CLASSES, calibrate, runCycle, type VehicleClass } from '../../simulator/emissions/index.js';

const run = promisify(execFile);
const cli = ['--import', 'tsx', 'cli/sdfleet.ts', 'calibrate'];

const co2 = (vehicleClass: VehicleClass, cycle: CycleName) => runCycle(vehicleClass, cycle).co2_g_per_km;

describe('EPA cycles', () => {
  it.each([
    ['udds', 1369, 11.99],
    ['hwfet', 765, 16.51],
    ['us06', 600, 12.89],
  ] as const)('%s lasts %i s and covers %f km', (name, seconds, km) => {
    const cycle = loadCycle(name);
    expect(cycle.dtS).toBe(1);
    expect(cycle.speedsMps.length - 1).toBe(seconds);
    expect(runCycle('car', name).distanceKm).toBeCloseTo(km, 2);
  });
});

describe('calibration against published figures', () => {
  it('the car emits 239 g CO2/km ± 3 % over UDDS', () => {
    expect(co2('car', 'udds')).toBeGreaterThanOrEqual(239 * 0.97);
    expect(co2('car', 'udds')).toBeLessThanOrEqual(239 * 1.03);
  });

  it('backward-difference acceleration moves the UDDS figure by only a few percent', () => {
    const backward = runCycle('car', 'udds', 'backward').co2_g_per_km;
    expect(Math.abs(backward / co2('car', 'udds') - 1)).toBeLessThan(0.03);
  });

  it.each(CYCLE_NAMES)('cars (150–300) and light trucks (200–400 g/km) are plausible on %s, light trucks above cars', (cycle) => {
    expect(co2('car', cycle)).toBeGreaterThan(150);
    expect(co2('car', cycle)).toBeLessThan(300);
    expect(co2('light_truck', cycle)).toBeGreaterThan(200);
    expect(co2('light_truck', cycle)).toBeLessThan(400);
    expect(co2('light_truck', cycle)).toBeGreaterThan(co2('car', cycle) * 1.15);
  });

  it('the bus is plausible (900–2000 g/km) on the city cycle it drives', () => {
    expect(co2('bus', 'udds')).toBeGreaterThan(900);
    expect(co2('bus', 'udds')).toBeLessThan(2000);
  });

  it.each(['udds', 'us06'] as const)('the drayage truck is plausible (700–1600 g/km) on %s', (cycle) => {
    expect(co2('drayage', cycle)).toBeGreaterThan(700);
    expect(co2('drayage', cycle)).toBeLessThan(1600);
  });

  it.each(CYCLE_NAMES)('the EV emits no CO2 and uses 120–250 Wh/km on %s', (cycle) => {
    const ev = runCycle('ev', cycle);
    expect(ev.co2_g_per_km + ev.nox_g_per_km + ev.fuel_g_per_km).toBe(0);
    expect(ev.energy_wh_per_km).toBeGreaterThan(120);
    expect(ev.energy_wh_per_km).toBeLessThan(250);
  });

  it('fuel agrees with CO2: gasoline car 7–12 L/100 km on UDDS, diesel trucks burn ≈ 1 kg fuel per 3.2 kg CO2', () => {
    expect(runCycle('car', 'udds').fuel_l_per_100km).toBeGreaterThan(7);
    expect(runCycle('car', 'udds').fuel_l_per_100km).toBeLessThan(12);
    const truck = runCycle('drayage', 'udds');
    expect(truck.co2_g_per_km / truck.fuel_g_per_km).toBeCloseTo(3.18, 1);
  });
});

describe('sdfleet calibrate', () => {
  it('--json lists every class on every cycle and passes the UDDS reference', async () => {
    const { stdout } = await run(process.execPath, [...cli, '--json']);
    const out = JSON.parse(stdout) as { accelerationMethod: string; reference: { withinTolerance: boolean; actual_co2_g_per_km: number }; results: { vehicleClass: string; cycle: string; co2_g_per_km: number }[] };
    expect(out.accelerationMethod).toBe('central');
    expect(out.results.map((r) => `${r.vehicleClass}/${r.cycle}`).sort()).toEqual(VEHICLE_CLASSES.flatMap((c) => CYCLE_NAMES.map((y) => `${c}/${y}`)).sort());
    expect(out.reference.withinTolerance).toBe(true);
    expect(out.results).toEqual(JSON.parse(JSON.stringify(calibrate('central'))));
  });

  it('prints a table with one row per class and cycle', async () => {
    const { stdout } = await run(process.execPath, cli);
    expect(stdout).toMatch(/^class\s+model\s+cycle\s+km\s+CO2 g\/km/);
    expect(stdout.match(/^(car|light_truck|ev|van|bus|drayage) /gm)).toHaveLength(VEHICLE_CLASSES.length * CYCLE_NAMES.length);
    expect(stdout).toMatch(/reference: car on UDDS 23\d\.\d g CO2\/km vs 239 ±3 % .*: ok/);
  });

  it('rejects an unknown acceleration method, naming it, with exit code 2', async () => {
    const err = await run(process.execPath, [...cli, '--accel', 'sideways']).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('sideways');
    expect(err?.stderr).toContain('central');
  });
});
