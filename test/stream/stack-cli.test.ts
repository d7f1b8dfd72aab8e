import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { createLocalKinesisClient } from '../../producer/local-client.js';

const cli = ['--import', 'tsx', 'cli/sdfleet.ts', 'stack'];

describe('sdfleet stack', () => {
  it('serves a metered local Kinesis, reports it as JSON, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [...cli, '--json', '--port', '0', '--shards', '3', '--stream', 'cli-stream', '--records-per-second', '5'], {
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

  it('rejects bad flag values with an error naming the flag', async () => {
    const run = promisify(execFile);
    const cases = [
      [['--shards', '0'], '--shards'],
      [['--hang-rate', '1.5'], '--hang-rate'],
      [['--latency', 'sometimes'], '--latency'],
      [['--port', '0', '--error-500-rate', '0.7', '--error-503-rate', '0.7'], '--error-500-rate'],
    ] as const;
    const errors = await Promise.all(
      cases.map(([args]) =>
        run(process.execPath, [...cli, ...args]).then(
          () => undefined,
          (e: { code: number; stderr: string }) => e,
        ),
      ),
    );
    cases.forEach(([args, flag], i) => {
      expect(errors[i]?.code, args.join(' ')).toBe(2);
      expect(errors[i]?.stderr).toContain(flag);
      expect(errors[i]?.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
