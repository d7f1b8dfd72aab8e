import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
import { loadScenario } from '../../simulator/index.js';
import { scenarioJsonSchema } from '../../simulator/scenario-json-schema.js';
import { parseWorker } from '../../simulator/index.js';

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('scenario validation', () => {
  it('loads the bundled scenarios', () => {
    expect(loadScenario('scenarios/demo.yaml').fleet.vehicles).toBe(40);
    expect(loadScenario('scenarios/datalake-1m-per-hour.yaml').stop.durationS).toBe(3600);
  });

  it('names the field and the value that are wrong', () => {
    const e = errorOf(() => loadScenario({ name: 'x', fleet: { vehicles: 0 } }));
    expect(e.field).toBe('fleet.vehicles');
    expect(e.message).toContain('(got 0)');
    expect(errorOf(() => loadScenario({ name: 'x', fleet: { vehicles: 5, mix: { car: -1 } } })).field).toBe('fleet.mix.car');
    expect(errorOf(() => loadScenario({ name: 'x', start: '7 am', fleet: { vehicles: 5 } })).message).toMatch(/^start: .*\(got "7 am"\)/);
    expect(errorOf(() => loadScenario({ name: 'x', fleet: { vehicles: 5 }, speed: 3 } as never)).field).toBe('speed');
    expect(errorOf(() => loadScenario('does/not/exist.yaml')).field).toBe('scenario');
    expect(errorOf(() => parseWorker('2/2')).message).toContain('--worker');
  });

  it('scenarios/schema.json is generated from the zod schema and up to date', () => {
    expect(readFileSync('scenarios/schema.json', 'utf8')).toBe(scenarioJsonSchema());
  });
});
