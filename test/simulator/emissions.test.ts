import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLASS_PROFILES, EV_PARAMETERS, VEHICLE_CLASSES, createEmissionModel, type IntervalEmissions } from '../../simulator/emissions/index.js';
import { numberCell, readCsvTable } from '../../simulator/emissions/csv-table.js';
import { MPH_PER_MPS, operatingMode } from '../../simulator/emissions/operating-mode.js';

const mph = (v: number) => v / MPH_PER_MPS; // mph → m/s, and mph/s → m/s²
const copy = (e: Readonly<IntervalEmissions>): IntervalEmissions => ({ ...e });

describe('MOVES operating-mode bins', () => {
  const cruise = (speedMph: number, vsp: number) => operatingMode(mph(speedMph), 0, vsp, 0, 0);

  it('brakes at a deceleration of 2 mph/s or more, not just under it', () => {
    expect(operatingMode(mph(30), mph(-2.01), -5, 0, 0)).toBe(0);
    expect(operatingMode(mph(30), mph(-1.99), -5, 0, 0)).toBe(21);
  });

  it('brakes when the two previous seconds both decelerated faster than 1 mph/s, whatever this second does', () => {
    expect(operatingMode(mph(30), mph(0.5), 4, mph(-1.1), mph(-1.1))).toBe(0);
    expect(operatingMode(mph(30), mph(0.5), 4, mph(-1.1), mph(-0.9))).toBe(23);
    expect(operatingMode(mph(30), mph(0.5), 4, mph(-0.9), mph(-1.1))).toBe(23);
  });

  it('idles below 1 mph and runs from 1 mph', () => {
    expect(cruise(0, 0)).toBe(1);
    expect(cruise(0.99, 1)).toBe(1);
    expect(cruise(1.01, 1)).toBe(12);
  });

  it('puts each speed band edge in the upper band', () => {
    expect(cruise(24.99, 1)).toBe(12);
    expect(cruise(25.01, 1)).toBe(22);
    expect(cruise(49.99, 1)).toBe(22);
    expect(cruise(50.01, 1)).toBe(33);
  });

  it.each([
    // [speed mph, VSP kW/t, mode]: every mode, with VSP exactly on the lower edge where there is one
    [10, -0.01, 11], [10, 0, 12], [10, 3, 13], [10, 6, 14], [10, 9, 15], [10, 12, 16], [10, 50, 16],
    [35, -0.01, 21], [35, 0, 22], [35, 3, 23], [35, 6, 24], [35, 9, 25], [35, 12, 27], [35, 18, 28], [35, 24, 29], [35, 30, 30],
    [60, -3, 33], [60, 5.99, 33], [60, 6, 35], [60, 12, 37], [60, 18, 38], [60, 24, 39], [60, 30, 40],
  ])('%f mph at VSP %f kW/t is mode %i', (speedMph, vsp, mode) => {
    expect(cruise(speedMph, vsp)).toBe(mode);
  });
});

describe('MOVES car model', () => {
  it('turns the idle rate (g/h) into grams for the interval and derives fuel by carbon balance', () => {
    const car = createEmissionModel('car');
    const oneSecond = copy(car.step(0, 0, 0, 1));
    expect(oneSecond.co2_g).toBeCloseTo(3183.808967 / 3600, 9); // moves_opmode_rates.csv, car, mode 1
    expect(oneSecond.nox_g).toBeCloseTo(0.0294708 / 3600, 12);
    expect(oneSecond.pm25_g).toBeCloseTo((0.00450976 + 0.0206844) / 3600, 12);
    expect(oneSecond.fuel_g).toBeCloseTo((oneSecond.co2_g * 13.78) / 44, 9);
    expect(oneSecond.energy_wh).toBe(0);
    expect(car.step(0, 0, 0, 2).co2_g).toBeCloseTo(2 * oneSecond.co2_g, 9);
  });

  it('remembers two seconds of deceleration for the braking mode, and forgets them on reset', () => {
    const car = createEmissionModel('car');
    const cruiseCo2 = createEmissionModel('car').step(mph(30), 0, 0, 1).co2_g;
    car.step(mph(32), mph(-1.5), 0, 1);
    car.step(mph(31), mph(-1.5), 0, 1);
    expect(car.step(mph(30), 0, 0, 1).co2_g).toBeCloseTo(3441.528367 / 3600, 9); // mode 0
    car.step(mph(32), mph(-1.5), 0, 1);
    car.step(mph(31), mph(-1.5), 0, 1);
    car.reset();
    expect(car.step(mph(30), 0, 0, 1).co2_g).toBe(cruiseCo2);
  });

  it('reuses one output object, so callers copy what they keep', () => {
    const car = createEmissionModel('car');
    expect(car.step(0, 0, 0, 1)).toBe(car.step(mph(40), 0.5, 0, 1));
  });
});

describe('HBEFA3 bus and drayage models', () => {
  it.each(['bus', 'drayage'] as const)('%s emits nothing while decelerating', (vehicleClass) => {
    const model = createEmissionModel(vehicleClass);
    expect(copy(model.step(15, -0.3, 0, 1))).toEqual({ co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, energy_wh: 0 });
    expect(model.step(15, 0.3, 0, 1).co2_g).toBeGreaterThan(0);
  });

  it('idles at the c0 rate, also when stopped on a downhill', () => {
    const bus = createEmissionModel('bus');
    expect(bus.step(0, 0, 0, 1).co2_g).toBeCloseTo(19030 / 3600, 9); // hbefa3_coefficients.csv, Bus co2 c0 (mg/s ÷ 1000)
    expect(bus.step(0, 0, -6, 1).co2_g).toBeCloseTo(19030 / 3600, 9);
    expect(bus.step(0, 0, 0, 1).fuel_g).toBeCloseTo(6016 / 3600, 9);
  });

  it('counts a steady downhill where the engine does not pull as coasting', () => {
    expect(createEmissionModel('drayage').step(20, 0, -4, 1).co2_g).toBe(0);
  });
});

describe('battery EV model', () => {
  it('has no tailpipe and draws only auxiliaries when stopped', () => {
    const e = copy(createEmissionModel('ev').step(0, 0, 0, 3600));
    expect(e).toEqual({ co2_g: 0, nox_g: 0, pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, energy_wh: EV_PARAMETERS.auxiliaryW });
  });

  it('reports net energy that goes negative when regenerative braking outweighs the auxiliaries', () => {
    const ev = createEmissionModel('ev');
    expect(ev.step(20, -2, 0, 1).energy_wh).toBeLessThan(0);
    expect(ev.step(1, -2, 0, 1).energy_wh).toBeCloseTo(EV_PARAMETERS.auxiliaryW / 3600, 9); // too slow to regenerate
    expect(ev.step(20, 1, 0, 1).energy_wh).toBeGreaterThan(0);
  });
});

describe('every class', () => {
  it.each([
    ['car', 'co2_g'],
    ['light_truck', 'co2_g'],
    ['van', 'co2_g'],
    ['bus', 'co2_g'],
    ['drayage', 'co2_g'],
    ['ev', 'energy_wh'],
  ] as const)('%s: climbing a 6 %% grade costs more %s than the flat', (vehicleClass, field) => {
    const flat = createEmissionModel(vehicleClass).step(15, 0.2, 0, 1)[field];
    const uphill = createEmissionModel(vehicleClass).step(15, 0.2, 6, 1)[field];
    expect(uphill).toBeGreaterThan(flat);
  });

  it('gives finite, non-negative pollutants, zero fuel and CO2 for the EV and zero energy for engines', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VEHICLE_CLASSES),
        fc.array(fc.tuple(fc.double({ min: 0, max: 45, noNaN: true }), fc.double({ min: -8, max: 4, noNaN: true }), fc.double({ min: -12, max: 12, noNaN: true })), { minLength: 1, maxLength: 30 }),
        fc.constantFrom(0.1, 1, 5),
        (vehicleClass, steps, dtS) => {
          const model = createEmissionModel(vehicleClass);
          for (const [v, a, grade] of steps) {
            const e = model.step(v, a, grade, dtS);
            for (const field of ['co2_g', 'nox_g', 'pm25_g', 'co_g', 'hc_g', 'fuel_g'] as const) {
              expect(Number.isFinite(e[field]) && e[field] >= 0, `${vehicleClass} ${field}=${e[field]} at v=${v} a=${a} grade=${grade}`).toBe(true);
            }
            expect(Number.isFinite(e.energy_wh)).toBe(true);
            if (vehicleClass === 'ev') expect(e.co2_g + e.fuel_g).toBe(0);
            else expect(e.energy_wh).toBe(0);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it('has a physical profile; drayage tractors have 3+ axles and only buses and drayage are diesel', () => {
    expect(Object.keys(CLASS_PROFILES).sort()).toEqual([...VEHICLE_CLASSES].sort());
    for (const p of Object.values(CLASS_PROFILES)) {
      expect(p.massKg).toBeGreaterThan(1000);
      expect(p.maxAccelMps2).toBeGreaterThan(0);
      expect(p.maxDecelMps2).toBeGreaterThan(p.maxAccelMps2);
    }
    expect(CLASS_PROFILES.drayage.axles).toBeGreaterThanOrEqual(3);
    expect(VEHICLE_CLASSES.filter((c) => CLASS_PROFILES[c].isDiesel)).toEqual(['bus', 'drayage']);
  });
});

describe('bundled table reader', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'sdfleet-csv-')), 'table.csv');
    writeFileSync(path, text);
    return pathToFileURL(path);
  };

  it('names the column and the text of a cell that is not a number', () => {
    const url = file('class,c0\nBus,12O3\n');
    const [row] = readCsvTable(url);
    expect(() => numberCell(row, 'c0', url)).toThrow(/table\.csv: column c0 is not a number \(got "12O3"\)/);
    expect(() => numberCell(row, 'c1', url)).toThrow(/column c1 is not a number/);
  });

  it('names the line of a row with the wrong number of cells', () => {
    expect(() => readCsvTable(file('a,b\n1,2\n3\n'))).toThrow(/line 3 has 1 cells, expected 2/);
  });
});
