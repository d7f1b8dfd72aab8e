import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/summary.js';
import { validateSummary } from './summary-schema.js';

const CLI = ['--import', 'tsx', 'cli/sdfleet.ts'];
const ENV = { ...process.env, AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_EC2_METADATA_DISABLED: 'true', SDFLEET_LOG_LEVEL: 'error' };

describe('sdfleet run --target firehose (spawned, against the local Firehose API)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-run-firehose-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('PutRecordBatch into the local delivery stream; the lake it writes reconciles with the run', async () => {
    const lake = join(dir, 'lake');
    const stack = spawn(process.execPath, [...CLI, 'stack', '--json', '--memory', '--port', '0', '--firehose', 'fh', '--firehose-port', '0', '--lake', lake, '--buffer-seconds', '1'], {
      env: ENV,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const started = JSON.parse((await createInterface({ input: stack.stdout })[Symbol.asyncIterator]().next()).value as string) as { firehose: { endpoint: string } };
      const run = spawn(process.execPath, [...CLI, 'run', '--target', 'firehose', '--stream', 'fh', '--endpoint', started.firehose.endpoint, '--rate', '1000', '--max-records', '1000', '--lake', lake, '--lake-wait', '60', '--json', '--dir', join(dir, 'run')], {
        env: ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      run.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      run.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
      expect(code, stderr).toBe(0);
      const summary = JSON.parse(stdout) as RunSummary;
      expect(validateSummary(summary), JSON.stringify(validateSummary.errors)).toBe(true);
      expect(summary).toMatchObject({
        target: { kind: 'firehose', stream: 'fh', endpoint: started.firehose.endpoint },
        records: { generated: 1000, attempted: 1000, acked: 1000, failed: 0, expired: 0 },
        shards: [],
        lake: { delivered: 1000, missing: 0, duplicates: 0, processing_failed: 0 },
        verdict: 'ok',
      });
    } finally {
      stack.kill('SIGINT');
    }
  }, 120_000);
});
