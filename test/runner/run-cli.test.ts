import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { openLake } from '../../pipeline/lake/query.js';
import { createLocalKinesisClient, deaggregate } from '../../producer/index.js';
import type { RunSummary } from '../../runner/summary.js';
import { validateSummary } from './summary-schema.js';

// The real binary, spawned as a user runs it.
const CLI = ['--import', 'tsx', 'cli/sdfleet.ts'];
// Credentials and region for local endpoints come from the SDK default chain, i.e. the environment.
const ENV = { ...process.env, AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_EC2_METADATA_DISABLED: 'true', SDFLEET_LOG_LEVEL: 'error' };

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** ms from the "• starting" line to exit. */
  afterStartMs: number;
}

function sdfleet(args: string[]): { child: ChildProcess; done: Promise<Ran>; stderrLine(match: RegExp): Promise<void> } {
  const child = spawn(process.execPath, [...CLI, ...args], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let startedAt = Date.now();
  const waiters: { match: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('• starting') && startedAt < 0) startedAt = Date.now();
    for (const w of waiters) if (w.match.test(stderr)) w.resolve();
  });
  startedAt = -1;
  const done = new Promise<Ran>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, afterStartMs: Date.now() - startedAt })));
  return { child, done, stderrLine: (match) => new Promise((resolve) => waiters.push({ match, resolve })) };
}

function summaryOf(r: Ran): RunSummary {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const summary = JSON.parse(r.stdout) as RunSummary;
  expect(validateSummary(summary), JSON.stringify(validateSummary.errors)).toBe(true);
  return summary;
}

/** Every lake row as a key-sorted JSON text, sorted: two lakes with the same events compare equal. */
async function lakeRows(root: string): Promise<string[]> {
  const lake = await openLake(root);
  try {
    const r = await lake.query('SELECT * FROM events');
    const order = r.columns.map((c, i) => [c, i] as const).sort(([a], [b]) => (a < b ? -1 : 1));
    return r.rows.map((row) => JSON.stringify(order.map(([c, i]) => [c, row[i]]))).sort();
  } finally {
    lake.close();
  }
}

describe('sdfleet run (spawned)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-run-cli-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('loads an external sdfleet stack over --endpoint; the stream read back independently, and its lake (--lake), hold exactly the acknowledged records', async () => {
    const lake = join(dir, 'ext-lake');
    const stack = spawn(process.execPath, [...CLI, 'stack', '--json', '--memory', '--port', '0', '--stream', 'ext', '--shards', '2', '--delivery', '--lake', lake, '--buffer-seconds', '1'], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = JSON.parse((await createInterface({ input: stack.stdout })[Symbol.asyncIterator]().next()).value as string) as { endpoint: string; upstreamEndpoint: string };
      const run = await sdfleet(['run', '--target', 'kinesis', '--stream', 'ext', '--endpoint', started.endpoint, '--rate', '1000', '--max-records', '1500', '--lake', lake, '--lake-wait', '60', '--json', '--dir', join(dir, 'ext')]).done;
      expect(run.code).toBe(0);
      const summary = summaryOf(run);
      expect(summary).toMatchObject({
        target: { kind: 'kinesis', stream: 'ext', region: 'us-west-2', endpoint: started.endpoint, path: null },
        records: { generated: 1500, attempted: 1500, acked: 1500, failed: 0, expired: 0 },
        lake: { delivered: 1500, missing: 0, duplicates: 0, processing_failed: 0, unreadable: 0 },
        verdict: 'ok',
      });
      expect(summary.rate.achieved).toBeLessThanOrEqual(1000 * 1.1); // paced, loosely (exact windows are the unit test's)
      expect(summary.shards.map((s) => s.id)).toHaveLength(2);

      const ledger = await AckLedger.load(join(dir, 'ext', 'acks.json'));
      const reader = createLocalKinesisClient({ endpoint: started.upstreamEndpoint });
      const seen = new Set<string>();
      let createdAtMin = Infinity;
      try {
        for (const shard of (await reader.send(new ListShardsCommand({ StreamName: 'ext' }))).Shards ?? []) {
          let iterator = (await reader.send(new GetShardIteratorCommand({ StreamName: 'ext', ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
          for (;;) {
            const page = await reader.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
            for (const record of page.Records ?? []) {
              for (const user of deaggregate(record.Data!, record.PartitionKey!)) {
                const event = JSON.parse(Buffer.from(user.data).toString()) as { vehicle_id: string; seq: number; created_at: number };
                expect(ledger.outcomeOf(event.vehicle_id, event.seq)).toEqual({ outcome: 'acked' });
                seen.add(`${event.vehicle_id}/${event.seq}`);
                createdAtMin = Math.min(createdAtMin, event.created_at);
              }
            }
            if ((page.Records ?? []).length === 0) break;
            iterator = page.NextShardIterator;
          }
        }
      } finally {
        reader.destroy();
      }
      expect(seen.size).toBe(1500);
      expect(createdAtMin).toBeGreaterThan(Date.now() / 1000 - 300); // --timestamps wall is the default off the local target
    } finally {
      stack.kill('SIGINT');
    }
  }, 120_000);

  it('a replay of a recording gives the same lake as the original run', async () => {
    const recording = join(dir, 'rec.ndjson.gz');
    const [original, recorded] = await Promise.all([
      sdfleet(['run', '--max-records', '1200', '--json', '--dir', join(dir, 'orig')]).done,
      sdfleet(['record', '--out', recording, '--max-records', '1200', '--json', '--dir', join(dir, 'rec')]).done,
    ]);
    expect(summaryOf(original)).toMatchObject({ verdict: 'ok', records: { acked: 1200 }, lake: { delivered: 1200, missing: 0 } });
    expect(summaryOf(recorded)).toMatchObject({ verdict: 'ok', target: { kind: 'file', path: recording }, records: { acked: 1200 } });
    const replayed = await sdfleet(['run', '--replay', recording, '--json', '--dir', join(dir, 'replay')]).done;
    expect(summaryOf(replayed)).toMatchObject({ verdict: 'ok', seed: null, records: { generated: 1200, acked: 1200 }, lake: { delivered: 1200, missing: 0 } });
    const [a, b] = await Promise.all([lakeRows(join(dir, 'orig', 'lake')), lakeRows(join(dir, 'replay', 'lake'))]);
    expect(a).toHaveLength(1200);
    expect(b).toEqual(a);
  }, 120_000);

  it('Ctrl-C stops sending, flushes, and reports a reconciled partial run marked interrupted', async () => {
    const run = sdfleet(['run', '--rate', '400', '--duration', '300', '--json', '--dir', join(dir, 'int')]);
    await run.stderrLine(/• sending/);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    run.child.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(0);
    const summary = summaryOf(r);
    expect(summary.interrupted).toBe(true);
    expect(summary.records.acked).toBeGreaterThan(0);
    expect(summary.records.acked).toBe(summary.records.attempted);
    expect(summary.records.generated).toBe(summary.records.attempted + summary.records.dropped);
    expect(summary.lake).toMatchObject({ delivered: summary.records.acked, missing: 0 });
    expect(JSON.parse(await readFile(join(dir, 'int', 'summary.json'), 'utf8'))).toEqual(summary);
  }, 120_000);

  it('a dead endpoint and an unknown target: one line naming the flag and value, exit 2 (the endpoint within 10 s)', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const cases: [string[], RegExp][] = [
      [['run', '--target', 'kinesis', '--stream', 's', '--endpoint', `http://127.0.0.1:${closedPort}`, '--dir', join(dir, 'dead')], /^sdfleet: --endpoint: no answer from kinesis/],
      [['run', '--target', 'kafka'], /^sdfleet: --target: expected one of local, kinesis, firehose, file \(got "kafka"\)$/],
    ];
    const results = await Promise.all(cases.map(([args]) => sdfleet(args).done));
    results.forEach((r, i) => {
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('sdfleet:'));
      expect(errors, r.stderr).toHaveLength(1);
      expect(errors[0]).toMatch(cases[i][1]);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(2);
    });
    expect(results[0].afterStartMs).toBeLessThan(10_000);
  }, 120_000);
});
