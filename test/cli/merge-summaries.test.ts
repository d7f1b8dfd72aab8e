// `report merge`: worker summaries reconciled into one verdict (pure merge, then the real CLI).
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeSummaries, parseSummary, type RunSummary } from '../../runner/merge-summaries.js';
import { validateSummary } from '../runner/summary-schema.js';
import { lines, REPO, sdfleet } from './support.js';

const FIXTURES = `${REPO}test/cli/fixtures/`;
const fixture = (name: string): RunSummary => parseSummary(name, JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')));
const w0 = fixture('summary-worker-0-of-2.json');
const w1 = fixture('summary-worker-1-of-2.json');
const w1failed = fixture('summary-worker-1-of-2-failed.json');

describe('mergeSummaries', () => {
  it('reads fixtures that are valid run summaries, and writes one', () => {
    for (const summary of [w0, w1, w1failed, mergeSummaries([w0, w1]), mergeSummaries([w0, w1failed])]) {
      expect(validateSummary(summary), JSON.stringify(validateSummary.errors)).toBe(true);
    }
  });

  it('merges replay workers, whose seed is null', () => {
    expect(mergeSummaries([{ ...w0, seed: null }, { ...w1, seed: null }]).verdict).toBe('ok');
  });

  it('adds up two OK workers into one OK verdict', () => {
    const m = mergeSummaries([w0, w1]);
    expect(m.verdict).toBe('ok');
    expect(m.verdict_reasons).toEqual([]);
    expect(m.worker).toBeNull();
    expect(m.records).toMatchObject({ generated: 238_000, attempted: 238_000, acked: 238_000, failed: 0 });
    expect(m.lake).toMatchObject({ delivered: 238_000, missing: 0 });
    expect(m.throttled_attempts).toBe(241);
    expect(m.rate.target).toBe(4000);
    expect(m.started_at).toBe('2026-11-30T06:00:00.000Z');
    expect(m.ended_at).toBe('2026-11-30T06:01:03.000Z');
    expect(m.duration_s).toBe(63);
    // Shards merge by id; both workers wrote to both shards at the same time.
    expect(m.shards).toEqual([
      { id: 'shardId-000000000000', records: 119_000, bytes: 35_700_000, utilization: expect.closeTo(0.78, 6) },
      { id: 'shardId-000000000001', records: 119_000, bytes: 35_700_000, utilization: expect.closeTo(0.68, 6) },
    ]);
    // Percentiles of different workers cannot be merged exactly: the worst is an upper bound; max is exact.
    expect(m.latency_ms).toEqual({ p50: 14, p90: 30, p99: 95, max: 210 });
  });

  it("fails when any worker failed, keeping that worker's reasons and counts", () => {
    const m = mergeSummaries([w0, w1failed]);
    expect(m.verdict).toBe('failed');
    expect(m.verdict_reasons).toEqual(['worker 1/2: 10 records missing from the lake', 'worker 1/2: 7 records failed, 3 expired']);
    expect(m.failed_by_reason).toEqual({ InternalFailure: 7 });
    expect(m.lake?.missing).toBe(10);
  });

  it('fails when a worker slice is missing or given twice', () => {
    expect(mergeSummaries([w0]).verdict_reasons).toEqual(['worker 1/2 is missing: its vehicles were not sent']);
    expect(mergeSummaries([w0, w1, w1]).verdict_reasons).toEqual(['worker 1/2 is given 2 times']);
    expect(mergeSummaries([w0, { ...w1, worker: { index: 1, count: 3 } }]).verdict_reasons[0]).toMatch(/split different ways/);
  });

  it('fails when the summaries come from different runs or targets', () => {
    expect(mergeSummaries([w0, { ...w1, seed: 20 }]).verdict_reasons).toEqual(['summaries are from different runs: seed 19 vs 20']);
    expect(mergeSummaries([w0, { ...w1, target: { ...w1.target, stream: 'other' } }]).verdict_reasons[0]).toMatch(/different targets/);
  });

  it('names the file, the field and the value of a malformed summary', () => {
    expect(() => parseSummary('a.json', { ...w0, records: { ...w0.records, acked: -1 } })).toThrow(/^a\.json: records\.acked: .*\(got -1\)/);
    expect(() => parseSummary('b.json', { schema: 'other/1' })).toThrow(/^b\.json: schema/);
  });
});

describe('sdfleet report merge', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-merge-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one reconciled verdict: exit 0 when OK, 1 when not', async () => {
    const [ok, bad] = await Promise.all([
      sdfleet(['report', 'merge', `${FIXTURES}summary-worker-0-of-2.json`, `${FIXTURES}summary-worker-1-of-2.json`]),
      sdfleet(['report', 'merge', `${FIXTURES}summary-worker-0-of-2.json`, `${FIXTURES}summary-worker-1-of-2-failed.json`]),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('238000 acknowledged');
    expect(ok.stdout).toContain('Verdict: OK');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('Verdict: NOT OK');
    expect(bad.stdout).toContain('worker 1/2: 10 records missing from the lake');
  });

  it('--json prints the run-summary shape; a run folder stands for its summary.json', async () => {
    const run = join(dir, 'worker-1');
    await rm(run, { recursive: true, force: true });
    await mkdir(run);
    await writeFile(join(run, 'summary.json'), readFileSync(`${FIXTURES}summary-worker-1-of-2.json`));
    const r = await sdfleet(['report', 'merge', '--json', `${FIXTURES}summary-worker-0-of-2.json`, run]);
    expect(r.code, r.stderr).toBe(0);
    expect(validateSummary(JSON.parse(r.stdout)), JSON.stringify(validateSummary.errors)).toBe(true);
    const merged = parseSummary('stdout', JSON.parse(r.stdout));
    expect(merged).toMatchObject({ verdict: 'ok', worker: null, records: { acked: 238_000 } });
  });

  it('a missing or malformed summary is one line and exit 2', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"schema": "sdfleet-run-summary/1"');
    const [missing, malformed] = await Promise.all([sdfleet(['report', 'merge', join(dir, 'nope.json')]), sdfleet(['report', 'merge', broken])]);
    for (const r of [missing, malformed]) {
      expect(r.code).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
    }
    expect(missing.stderr).toMatch(/summary: cannot read file \(ENOENT\)/);
    expect(malformed.stderr).toMatch(/summary: not JSON/);
  });
});
