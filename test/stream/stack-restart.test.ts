import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { waitFor } from '../lake/wait-for.js';

const cli = ['--import', 'tsx', 'cli/sdfleet.ts', 'stack', '--json', '--port', '0', '--stream', 'restart', '--delivery', '--buffer-seconds', '1'];

interface Started {
  endpoint: string;
  resumed: boolean;
  lake: string;
}
interface Stopped {
  delivery: { read: number; recordsWritten: number };
}

/** Runs `sdfleet stack` until `body` is done, then stops it with SIGTERM and returns its stopped line. */
async function withStack(args: string[], body: (started: Started) => Promise<void>): Promise<{ started: Started; stopped: Stopped }> {
  const child = spawn(process.execPath, [...cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const started = JSON.parse((await lines.next()).value as string) as Started;
    await body(started);
    child.kill('SIGTERM');
    const stopped = JSON.parse((await lines.next()).value as string) as Stopped;
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    return { started, stopped };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Puts events `from`..`to` (seq) of one vehicle and waits until the lake holds `to` records. */
async function putEvents(started: Started, from: number, to: number): Promise<void> {
  const client = createLocalKinesisClient({ endpoint: started.endpoint });
  const events = Array.from({ length: to - from + 1 }, (_, i) => ({
    event_uuid: `00000000-0000-4000-8000-${String(from + i).padStart(12, '0')}`,
    event_name: 'vehicle:telemetry',
    created_at: 1_780_000_000 + from + i,
    vehicle_id: 'veh-1',
    seq: from + i,
  }));
  try {
    const out = await client.send(new PutRecordsCommand({ StreamName: 'restart', Records: events.map((e) => ({ PartitionKey: e.vehicle_id, Data: Buffer.from(JSON.stringify(e)) })) }));
    expect(out.FailedRecordCount).toBe(0);
  } finally {
    client.destroy();
  }
  await waitFor(async () => (await lakeRecords(started.lake)) >= to, `${to} records in the lake`, 30_000);
}

/** Records in the lake's event objects (one per line). */
async function lakeRecords(lake: string): Promise<number> {
  const files = (await readdir(lake, { recursive: true }).catch(() => [])).filter((f) => f.startsWith('events') && f.endsWith('.json.gz'));
  let lines = 0;
  for (const f of files) lines += gunzipSync(await readFile(join(lake, f))).toString('utf8').split('\n').filter(Boolean).length;
  return lines;
}

describe('sdfleet stack --delivery across a restart', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-restart-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes the stream and its checkpoints from the data folder: nothing put after the restart is lost', async () => {
    const args = ['--data-dir', join(dir, 'data')];
    const first = await withStack(args, (started) => putEvents(started, 1, 30));
    expect(first.started.resumed).toBe(false);
    expect(first.stopped.delivery).toMatchObject({ read: 30, recordsWritten: 30 });

    const second = await withStack(args, (started) => putEvents(started, 31, 60));
    expect(second.started.resumed).toBe(true);
    // Only the new records are read: the checkpoints belong to this very stream.
    expect(second.stopped.delivery).toMatchObject({ read: 30, recordsWritten: 30 });
    expect(await verifyLake(first.started.lake)).toMatchObject({ delivered: 60, duplicates: 0, missing: 0 });

    // --fresh starts over: a new, empty stream and no checkpoints (the lake is the user's).
    const fresh = await withStack([...args, '--fresh'], (started) => putEvents(started, 61, 70));
    expect(fresh.started.resumed).toBe(false);
    expect(fresh.stopped.delivery).toMatchObject({ read: 10, recordsWritten: 10 });
  }, 180_000); // three stacks one after the other: seconds on an idle machine, a minute on a loaded one

  it('refuses checkpoints of another stream with one line and exit 2, and --fresh clears them', async () => {
    const args = ['--memory', '--checkpoint-dir', join(dir, 'cp'), '--lake', join(dir, 'lake2')];
    await withStack(args, (started) => putEvents(started, 1, 5));

    // An in-memory stream is a new stream on every start: its checkpoints must not be applied to it.
    const run = promisify(execFile);
    const refused = await run(process.execPath, [...cli, ...args], { timeout: 30_000 }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused?.code).toBe(2);
    const lines = (refused?.stderr ?? '').split('\n').filter((l) => l !== '' && !l.startsWith('{'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sdfleet: --checkpoint-dir: the checkpoints in .* belong to arn:aws:kinesis:.*:stream\/restart created .*--fresh/);

    const fresh = await withStack([...args, '--fresh'], (started) => putEvents(started, 6, 10));
    expect(fresh.stopped.delivery).toMatchObject({ read: 5, recordsWritten: 5 });
  }, 180_000);
});
