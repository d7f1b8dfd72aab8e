// The bundled scenario library and scenario-file rules shared with the transform.
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TIME_MAX_S, EVENT_TIME_MIN_S } from '../../common/event-time.js';
import { UserError } from '../../common/user-error.js';
import { runOptionsFrom, type RunFlags } from '../../cli/commands/run.js';
import { validateEvent } from '../../pipeline/transform/validate-event.js';
import { bundledScenarios, loadScenario } from '../../simulator/index.js';
import { lines, REPO, sdfleet } from './support.js';

const LIBRARY = ['demo', 'rush-hour', 'datalake-1m-per-hour', 'shard-saturation', 'throttle-storm', 'reshard-under-load', 'multi-producer', 'replay'];
const files = readdirSync(`${REPO}scenarios`).filter((f) => f.endsWith('.yaml'));

function problem(input: object): string | undefined {
  try {
    loadScenario({ name: 'x', fleet: { vehicles: 1 }, ...input });
    return undefined;
  } catch (err) {
    if (err instanceof UserError) return err.message;
    throw err;
  }
}

describe('the scenario library', () => {
  it('has every scenario the docs promise', () => {
    expect(bundledScenarios().map((b) => b.name)).toEqual(expect.arrayContaining(LIBRARY));
  });

  it.each(files)('%s starts with a comment saying what it shows, and validates', (file) => {
    const text = readFileSync(`${REPO}scenarios/${file}`, 'utf8');
    expect(text).toMatch(/^# \S.{20,}/);
    const sc = loadScenario(`${REPO}scenarios/${file}`);
    expect(sc.name).toBe(file.replace(/\.yaml$/, ''));
  });

  it('validates against the committed scenarios/schema.json too', async () => {
    const { parse } = await import('yaml');
    const ajv = new Ajv2020({ strict: false });
    const check = ajv.compile(JSON.parse(readFileSync(`${REPO}scenarios/schema.json`, 'utf8')) as object);
    for (const file of files) {
      const ok = check(parse(readFileSync(`${REPO}scenarios/${file}`, 'utf8')));
      expect(ok, `${file}: ${ajv.errorsText(check.errors)}`).toBe(true);
    }
  });

  it('load blocks follow the runner contract', () => {
    for (const b of bundledScenarios()) {
      const load = loadScenario(b.path).load as Record<string, unknown> | undefined;
      if (!load) continue;
      if (load.shape === 'constant') expect(load.rate, b.name).toBeGreaterThan(0);
      if (load.shape === 'daily') {
        expect(load.base, b.name).toBeGreaterThan(0);
        expect(load.hourly, b.name).toHaveLength(24);
      }
    }
  });

  it('the load-test scenarios configure what they claim', () => {
    const byName = (name: string) => loadScenario(name);
    expect(byName('datalake-1m-per-hour').stop.durationS).toBe(3600);
    expect(byName('shard-saturation').stack?.shards).toBe(1);
    expect(byName('throttle-storm').stack?.faults).toMatchObject({ internalFailureRate: expect.any(Number), error503Rate: expect.any(Number) });
    const reshard = byName('reshard-under-load');
    expect(reshard.stack?.shards).toBe(2);
    expect(reshard.reshard).toEqual([{ afterS: reshard.stop.durationS! / 2, shards: 4 }]);
    expect(byName('multi-producer').producers).toBeGreaterThan(1);
    expect(byName('replay').stop.maxRecords).toBeGreaterThan(0);
  });
});

describe('the stack block drives run --target local', () => {
  const flags = (extra: Partial<RunFlags>): RunFlags => ({ target: 'local', out: '-', onBadLine: 'stop', internalFailureRate: 0, lakeWait: 120, dir: tmpdir(), ...extra });
  const localTarget = async (extra: Partial<RunFlags>) => (await runOptionsFrom(flags(extra))).target as { kind: 'local'; shardCount: number; faults?: Record<string, unknown> };

  it('takes shards and gate faults from the scenario, and flags override them', async () => {
    expect(await localTarget({ scenario: 'shard-saturation' })).toMatchObject({ shardCount: 1, faults: undefined });
    expect((await localTarget({ scenario: 'throttle-storm' })).faults).toEqual(loadScenario('throttle-storm').stack?.faults);
    expect(await localTarget({ scenario: 'shard-saturation', shards: 3 })).toMatchObject({ shardCount: 3 });
    expect((await localTarget({ scenario: 'throttle-storm', internalFailureRate: 0.5 })).faults).toEqual({ seed: 13, internalFailureRate: 0.5 });
    expect(await localTarget({ scenario: 'demo' })).toMatchObject({ shardCount: 2, faults: undefined });
  });
});

describe('sdfleet scenarios and --scenario NAME', () => {
  let elsewhere: string;
  beforeAll(async () => {
    elsewhere = await mkdtemp(join(tmpdir(), 'sdfleet-elsewhere-'));
  });
  afterAll(async () => {
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('lists one line per bundled scenario', async () => {
    const r = await sdfleet(['scenarios']);
    expect(r.code, r.stderr).toBe(0);
    const out = lines(r.stdout);
    expect(out).toHaveLength(files.length);
    for (const name of LIBRARY) expect(out.some((l) => l.startsWith(`${name} `))).toBe(true);
  });

  it('resolves a bundled name from the package, whatever the working directory', async () => {
    const r = await sdfleet(['simulate', '--scenario', 'rush-hour', '--max-records', '5'], { cwd: elsewhere });
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toHaveLength(5);
    const unknown = await sdfleet(['simulate', '--scenario', 'no-such-scenario'], { cwd: elsewhere });
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)).toEqual([expect.stringMatching(/^sdfleet: scenario: .*bundled: .*rush-hour.*\(got "no-such-scenario"\)/)]);
  });
});

describe('scenario start', () => {
  it('refuses dates that do not exist instead of rolling them over', () => {
    expect(problem({ start: '2026-02-30T07:00:00' })).toMatch(/^start: day must exist/);
    expect(problem({ start: '2026-13-03T25:61:00' })).toMatch(/^start: month/);
    expect(problem({ start: '2026-03-03T25:00:00' })).toMatch(/^start: time/);
    expect(problem({ start: '2026-03-03T07:61' })).toMatch(/^start: time/);
    expect(problem({ start: '2024-02-29T07:00' })).toBeUndefined();
    expect(problem({ start: '2026-02-29T07:00' })).toMatch(/^start: day must exist/);
  });

  it('allows exactly the event times the transform accepts', () => {
    for (const year of ['0001', '1999', '2100', '9999']) expect(problem({ start: `${year}-06-01T12:00` }), year).toMatch(/^start: must be between 2000-01-01 and 2100-01-01/);
    // Local Los Angeles time: 2000-01-01T00:00Z is 1999-12-31T16:00 there.
    expect(problem({ start: '1999-12-31T16:00' })).toBeUndefined();
    expect(problem({ start: '1999-12-31T15:59' })).toMatch(/^start: must be between/);
    const event = (created_at: number) => validateEvent({ event_uuid: '3d519d5e-f489-41cf-8299-8403aea36bef', event_name: 'a:b', created_at }).ok;
    expect(event(EVENT_TIME_MIN_S)).toBe(true);
    expect(event(EVENT_TIME_MIN_S - 1)).toBe(false);
    expect(event(EVENT_TIME_MAX_S - 1)).toBe(true);
    expect(event(EVENT_TIME_MAX_S)).toBe(false);
    // The whole run must stay in range, not only its start.
    expect(problem({ start: '2099-12-31T15:00', stop: { durationS: 7200 } })).toMatch(/^stop\.durationS: the run would end after 2100-01-01/);
  });
});
