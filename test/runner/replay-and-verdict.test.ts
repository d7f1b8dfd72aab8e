import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaySource } from '../../runner/replay-source.js';
import { prepareRunFolder, RUN_MARKER } from '../../runner/run-folder.js';
import { buildSummary, type SummaryInput } from '../../runner/summary.js';
import { validateSummary as validate } from './summary-schema.js';

const line = (vehicle: string, seq: number) => JSON.stringify({ event_uuid: `u-${vehicle}-${seq}`, event_name: 'x', created_at: 1_780_000_000 + seq, vehicle_id: vehicle, seq });

describe('replay source', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-replay-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  async function collect(path: string, onBadLine: 'skip' | 'stop') {
    const got: string[] = [];
    const source = await replaySource(path, onBadLine);
    const stats = await source.run((v, s, json) => void got.push(`${v}/${s}:${json === line(v, s)}`), { signal: new AbortController().signal });
    return { got, stats };
  }

  it('reads gzip NDJSON as recorded, keeping seq and the exact line', async () => {
    const path = join(dir, 'rec.ndjson.gz');
    await writeFile(path, gzipSync([line('a', 1), line('b', 1), '', line('a', 2)].join('\n')));
    const { got, stats } = await collect(path, 'stop');
    expect(got).toEqual(['a/1:true', 'b/1:true', 'a/2:true']);
    expect(stats).toMatchObject({ emitted: 3, skippedBadLines: 0 });
  });

  it('a bad line names its number: skipped and counted, or the run stops', async () => {
    const path = join(dir, 'bad.ndjson');
    await writeFile(path, [line('a', 1), '{"vehicle_id":"a"}', 'not json', line('a', 2)].join('\n'));
    const skipped = await collect(path, 'skip');
    expect(skipped.stats).toMatchObject({ emitted: 2, skippedBadLines: 2 });
    await expect(collect(path, 'stop')).rejects.toThrow(/^--replay: line 2: no seq .* \(got ".*bad\.ndjson"\)$/);
  });

  it('an unreadable recording is one line naming the flag and the path', async () => {
    await expect(replaySource(join(dir, 'nope.ndjson'), 'stop')).rejects.toThrow(/^--replay: cannot be read \(ENOENT\)/);
  });
});

describe('run folder', () => {
  it('refuses a non-empty folder it did not make, and empties one it did', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-folder-'));
    try {
      await writeFile(join(dir, 'precious.txt'), 'keep me');
      await expect(prepareRunFolder(dir)).rejects.toThrow(/--dir: is not empty and was not made by an sdfleet run/);
      expect(await readFile(join(dir, 'precious.txt'), 'utf8')).toBe('keep me');
      const run = join(dir, 'run');
      await prepareRunFolder(run);
      await writeFile(join(run, 'summary.json'), '{}');
      await prepareRunFolder(run); // a later run empties an earlier one
      await expect(readFile(join(run, 'summary.json'))).rejects.toThrow(/ENOENT/);
      await expect(readFile(join(run, RUN_MARKER), 'utf8')).resolves.toContain('sdfleet');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('verdict and summary schema', () => {
  const base: SummaryInput = {
    scenario: 'demo',
    seed: 3,
    target: { kind: 'local', stream: 's', region: null, endpoint: 'http://127.0.0.1:1', path: null },
    worker: { index: 0, count: 2 },
    startedAt: new Date(0),
    endedAt: new Date(1000),
    durationS: 1,
    sendingS: 1,
    generated: 10,
    attempted: 10,
    dropped: 0,
    skippedBadLines: 0,
    outcomes: { acked: 10, failed: 0, expired: 0, retries: 1, failedByReason: {} },
    throttledAttempts: 0,
    rateTarget: null,
    shards: [{ id: 'shardId-0', records: 10, bytes: 100, utilization: 0.01 }],
    latency: { p50: 1, p90: 2, p99: 3, max: 3 },
    lake: undefined,
    interrupted: false,
    problems: [],
  };

  it('OK only when nothing is lost, failed, expired or undelivered; each reason is named', () => {
    expect(buildSummary(base)).toMatchObject({ verdict: 'ok', verdict_reasons: [] });
    const bad = buildSummary({
      ...base,
      outcomes: { acked: 7, failed: 2, expired: 1, retries: 4, failedByReason: { ResourceNotFoundException: 2, UserRecordExpired: 1 } },
    });
    expect(bad.verdict).toBe('failed');
    expect(bad.verdict_reasons).toEqual(['2 records failed (ResourceNotFoundException: 2)', '1 records expired before an acknowledgement']);
    const verify = { delivered: 10, uniqueEvents: 10, duplicates: 0, duplicateExamples: [], vehicles: 1, unkeyed: 0, processingFailed: 0, failuresByReason: [], missing: 0, missingByVehicle: [], unreadable: 0, unreadableObjects: [], reasons: [], ok: true };
    const timedOut = buildSummary({
      ...base,
      lake: { root: '/l', verify, topEventTypes: { columns: [], rows: [] }, telemetryByClass: { columns: [], rows: [] }, deliveryTimeout: 'delivery read 5 of 10 acknowledged records within 120 s' },
    });
    expect(timedOut).toMatchObject({ verdict: 'failed', verdict_reasons: ['delivery read 5 of 10 acknowledged records within 120 s'] });
    const unreadable = buildSummary({ ...base, lake: { root: '/l', verify: { ...verify, unreadable: 2 }, topEventTypes: { columns: [], rows: [] }, telemetryByClass: { columns: [], rows: [] } } });
    expect(unreadable).toMatchObject({ verdict: 'failed', verdict_reasons: ['2 lake objects unreadable'], lake: { unreadable: 2 } });
    for (const s of [buildSummary(base), bad, timedOut, unreadable]) expect(validate(s), JSON.stringify(validate.errors)).toBe(true);
  });
});
