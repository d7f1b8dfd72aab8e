import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-lake-cli-'));
  const rows = [1, 2, 4].map((seq) => ({ event_uuid: `00000000-0000-4000-8000-00000000000${seq}`, event_name: 'trip:started', vehicle_id: 'veh-1', seq, created_at: 1_767_600_000 }));
  await new FilesystemBucket(join(dir, 'lake')).put('events/event_type=trip/year=2026/month=01/day=05/hour=08/x.json.gz', gzipSync(rows.map((r) => `${JSON.stringify(r)}\n`).join('')));
  const ledger = new AckLedger();
  for (const seq of [1, 2, 4, 5]) ledger.acked('veh-1', seq);
  ledger.failed('veh-1', 3, 'UserRecordExpired');
  await ledger.save(join(dir, 'acks.json'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function sdfleet(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', ...args], { encoding: 'utf8', env: { ...process.env, SDFLEET_LOG_LEVEL: 'silent' } });
}

describe('sdfleet lake', () => {
  // Each run starts the whole CLI under tsx (seconds), so two runs cover exit codes and output.
  it('verify exits 1 and names what is missing, reconciled with the ledger', () => {
    const run = sdfleet('lake', 'verify', '--lake', join(dir, 'lake'), '--acks', join(dir, 'acks.json'));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/delivered\s+3 records/);
    expect(run.stdout).toMatch(/MISSING\s+1\n\s+veh-1: seq 5\n/);
    expect(run.stdout).toMatch(/failed by producer: UserRecordExpired: 1/);
    expect(run.stdout).toMatch(/FAILED: 1 record is missing$/m);
  });

  it('query with bad SQL names the SQL and exits 2', () => {
    const bad = sdfleet('lake', 'query', 'SELECT nope FROM events', '--lake', join(dir, 'lake'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^sdfleet: sql: .*nope.*\(got "SELECT nope FROM events"\)/m);
  });
});
