import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOptionsFrom, type RunFlags } from '../../cli/commands/run.js';
import { silentLogger } from '../../common/logger.js';
import { startRun } from '../../runner/run.js';

const defaults: RunFlags = { target: 'local', out: '-', onBadLine: 'stop', shards: 2, internalFailureRate: 0, lakeWait: 120 };

// The CLI's own mapping of flags to a run; the spawned tests cover how errors are printed.
describe('run flags', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-flags-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('bad values and conflicting flags are one line naming the flag and the value', async () => {
    const cases: [Partial<RunFlags>, RegExp][] = [
      [{ target: 'kafka' }, /^--target: expected one of local, kinesis, firehose, file \(got "kafka"\)$/],
      [{ replay: 'x.ndjson', speed: 2, rate: '100' }, /^--rate: conflicts with --speed.*\(got "100"\)$/],
      [{ rate: '0', maxRecords: 5 }, /^--rate: expected events per second > 0, or max \(got "0"\)$/],
      [{ rate: '-3', maxRecords: 5 }, /^--rate: .*\(got "-3"\)$/],
      [{ replay: join(dir, 'missing.ndjson') }, /^--replay: cannot be read \(ENOENT\)/],
      [{ target: 'kinesis' }, /^--stream: --target kinesis needs the stream's name or ARN/],
      [{ target: 'kinesis', stream: 'arn:aws:kinesis:eu-west-1:123456789012:stream/s', region: 'us-east-1', maxRecords: 1 }, /^--region: conflicts with the region in --stream \(eu-west-1\)/],
      [{ stream: 's' }, /^--stream: only applies to --target kinesis or firehose/],
      [{ speed: 2 }, /^--speed: only applies with --replay/],
      [{ timestamps: 'later' }, /^--timestamps: expected simulated or wall \(got "later"\)$/],
      [{ scenario: join(dir, 'nope.yaml') }, /^(--)?scenario: .*\(ENOENT\)/],
    ];
    for (const [flags, message] of cases) await expect(runOptionsFrom({ ...defaults, ...flags }), JSON.stringify(flags)).rejects.toThrow(message);
  });

  it('resolves a bundled scenario, its load: block, and per-target timestamp defaults', async () => {
    const scenario = join(dir, 'loaded.yaml');
    await writeFile(scenario, 'name: loaded\nfleet: {vehicles: 2}\nload: {shape: steps, steps: [{rate: 10, for: 2}, {rate: 20, for: 3}]}\n');
    const loaded = await runOptionsFrom({ ...defaults, scenario });
    expect(loaded).toMatchObject({ pacing: { shape: { shape: 'steps' } }, durationS: 5, timestamps: 'simulated' });
    const flagged = await runOptionsFrom({ ...defaults, scenario, rate: '50', duration: 3 });
    expect(flagged).toMatchObject({ pacing: { shape: { shape: 'constant', rate: 50 } }, durationS: 3 });
    const bundled = await runOptionsFrom({ ...defaults, scenario: 'demo', target: 'kinesis', stream: 's' });
    expect(bundled).toMatchObject({ timestamps: 'wall', source: { name: 'demo', seed: 3 } });
    await writeFile(scenario, 'name: bad\nfleet: {vehicles: 2}\nload: {shape: ramp, from: 1, to: 0.5}\n');
    await expect(runOptionsFrom({ ...defaults, scenario })).rejects.toThrow(/^load\.over: /);
  });

  it('refuses a non-empty --dir it did not make, touching nothing', async () => {
    const kept = join(dir, 'kept');
    await mkdir(kept);
    await writeFile(join(kept, 'notes.txt'), 'mine');
    const options = await runOptionsFrom({ ...defaults, dir: kept, maxRecords: 10 });
    await expect(startRun({ ...options, logger: silentLogger })).rejects.toThrow(/^--dir: is not empty and was not made by an sdfleet run/);
    expect(await readFile(join(kept, 'notes.txt'), 'utf8')).toBe('mine');
  });
});
