import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import { createLocalFirehoseClient } from '../../pipeline/firehose/local-client.js';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { waitFor } from '../lake/wait-for.js';

const cli = ['--import', 'tsx', 'cli/sdfleet.ts', 'stack'];

describe('sdfleet stack', () => {
  it('serves a metered local Kinesis, reports it as JSON, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [...cli, '--json', '--memory', '--port', '0', '--shards', '3', '--stream', 'cli-stream', '--records-per-second', '5'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const iterator = lines[Symbol.asyncIterator]();
      const started = JSON.parse((await iterator.next()).value as string) as { event: string; endpoint: string; streamName: string; shardCount: number };
      expect(started).toMatchObject({ event: 'started', streamName: 'cli-stream', shardCount: 3 });
      expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const client = createLocalKinesisClient({ endpoint: started.endpoint });
      expect((await client.send(new ListShardsCommand({ StreamName: 'cli-stream' }))).Shards).toHaveLength(3);
      const out = await client.send(
        new PutRecordsCommand({ StreamName: 'cli-stream', Records: Array.from({ length: 20 }, () => ({ PartitionKey: 'one-shard', Data: Buffer.from('x') })) }),
      );
      client.destroy();
      expect(out.FailedRecordCount).toBe(15); // --records-per-second 5 with a 1 s burst

      child.kill('SIGINT');
      const stopped = JSON.parse((await iterator.next()).value as string) as { event: string; totals: { acceptedRecords: number; throttledRecords: number } };
      expect(stopped).toMatchObject({ event: 'stopped', totals: { acceptedRecords: 5, throttledRecords: 15 } });
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('with --delivery, writes what producers put into the lake before it stops', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-stack-'));
    const child = spawn(process.execPath, [...cli, '--json', '--port', '0', '--stream', 'lake-stream', '--delivery', '--data-dir', join(dir, 'data'), '--lake', join(dir, 'lake'), '--checkpoint-dir', join(dir, 'cp'), '--buffer-seconds', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const started = JSON.parse((await iterator.next()).value as string) as { endpoint: string; lake: string };
      expect(started.lake).toBe(join(dir, 'lake'));
      const client = createLocalKinesisClient({ endpoint: started.endpoint });
      const events = Array.from({ length: 50 }, (_, i) => ({
        event_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        event_name: 'vehicle:telemetry',
        created_at: 1_780_000_000 + i,
        vehicle_id: 'veh-1',
        seq: i + 1,
      }));
      const out = await client.send(new PutRecordsCommand({ StreamName: 'lake-stream', Records: events.map((e) => ({ PartitionKey: e.vehicle_id, Data: Buffer.from(JSON.stringify(e)) })) }));
      client.destroy();
      expect(out.FailedRecordCount).toBe(0);

      await waitFor(async () => (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.json.gz')).length > 0, 'the first lake object', 30_000);
      child.kill('SIGTERM');
      const stopped = JSON.parse((await iterator.next()).value as string) as { delivery: { read: number; recordsWritten: number } };
      expect(stopped.delivery).toMatchObject({ read: 50, recordsWritten: 50 });
      const report = await verifyLake(join(dir, 'lake'));
      expect(report).toMatchObject({ delivered: 50, duplicates: 0, missing: 0 });
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('with --firehose, serves a local Firehose API whose records reach the lake', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-stack-fh-'));
    const child = spawn(
      process.execPath,
      [...cli, '--json', '--memory', '--port', '0', '--firehose', 'fh', '--firehose-port', '0', '--lake', join(dir, 'lake'), '--buffer-seconds', '1'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const started = JSON.parse((await iterator.next()).value as string) as { firehose: { endpoint: string; deliveryStreamName: string }; lake: string };
      expect(started.firehose.deliveryStreamName).toBe('fh');
      expect(started.lake).toBe(join(dir, 'lake'));
      const client = createLocalFirehoseClient({ endpoint: started.firehose.endpoint });
      const events = Array.from({ length: 20 }, (_, i) => ({
        event_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        event_name: 'trip:started',
        created_at: 1_780_000_000 + i,
        vehicle_id: 'veh-2',
        seq: i + 1,
      }));
      const out = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'fh', Records: events.map((e) => ({ Data: Buffer.from(`${JSON.stringify(e)}\n`) })) }));
      client.destroy();
      expect(out.FailedPutCount).toBe(0);
      child.kill('SIGTERM');
      const stopped = JSON.parse((await iterator.next()).value as string) as { firehose: { acceptedRecords: number; delivery: { recordsWritten: number } } };
      expect(stopped.firehose).toMatchObject({ acceptedRecords: 20, delivery: { recordsWritten: 20 } });
      expect(await verifyLake(join(dir, 'lake'))).toMatchObject({ delivered: 20, duplicates: 0, missing: 0 });
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad flag values, paths and checkpoints with one line naming the flag or file', async () => {
    const run = promisify(execFile);
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-stack-bad-'));
    const file = join(dir, 'a-file');
    await writeFile(file, 'not a folder');
    const corrupt = join(dir, 'cp', 'sdfleet-delivery', 'shardId-000000000000.json');
    await mkdir(dirname(corrupt), { recursive: true });
    await writeFile(corrupt, '{"shardId":"shardId-0000');
    const cases = [
      [['--shards', '0'], '--shards'],
      [['--shards', '100000'], '--shards'],
      [['--hang-rate', '1.5'], '--hang-rate'],
      [['--latency', 'sometimes'], '--latency'],
      [['--format', 'csv'], '--format'],
      [['--firehose', 'no spaces'], '--firehose'],
      [['--buffer-seconds', '1e9'], '--buffer-seconds'],
      [['--port', '0', '--error-500-rate', '0.7', '--error-503-rate', '0.7'], '--error-500-rate'],
      [['--port', '0', '--memory', '--delivery', '--checkpoint-dir', file], '--checkpoint-dir'],
      [['--port', '0', '--data-dir', file], '--data-dir'],
      [['--port', '0', '--memory', '--delivery', '--lake', join(dir, 'lake'), '--checkpoint-dir', join(dir, 'cp')], corrupt],
    ] as const;
    const errors = await Promise.all(
      cases.map(([args]) =>
        run(process.execPath, [...cli, ...args]).then(
          () => undefined,
          (e: { code: number; stderr: string }) => e,
        ),
      ),
    );
    await rm(dir, { recursive: true, force: true });
    cases.forEach(([args, flag], i) => {
      expect(errors[i]?.code, args.join(' ')).toBe(2);
      // Besides pino's JSON logs: one line (commander's usage text after its own is cli/sdfleet.ts's business).
      const lines = (errors[i]?.stderr ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('{'));
      expect(lines.join('\n'), args.join(' ')).not.toMatch(/^\s+at |internal error|s3Buffer/m);
      expect(lines[0], args.join(' ')).toContain(flag);
      if (args[0] === '--port') expect(lines, args.join(' ')).toHaveLength(1);
    });
  }, 180_000); // eleven CLI processes at once: slow on a loaded machine, seconds on an idle one
});
