import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { createLocalS3Client, S3Bucket } from '../../pipeline/lake/s3-bucket.js';

let dir: string;
let s3rver: S3rver;
let s3Endpoint: string;

const uuid = (vehicle: number, seq: number) => `00000000-0000-4000-8000-${String(vehicle * 1000 + seq).padStart(12, '0')}`;
const event = (vehicle: number, seq: number) => ({ event_uuid: uuid(vehicle, seq), event_name: 'trip:started', vehicle_id: `veh-${vehicle}`, seq, created_at: 1_767_600_000 });
const ndjson = (rows: object[]) => gzipSync(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
const EVENTS_KEY = 'events/event_type=trip/year=2026/month=01/day=05/hour=08/x.json.gz';
const ERRORS_KEY = 'errors/processing-failed/year=2026/month=01/day=05/hour=08/e.json.gz';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-lake-cli-'));
  await new FilesystemBucket(join(dir, 'lake')).put(EVENTS_KEY, ndjson([1, 2, 4].map((seq) => event(1, seq))));
  const ledger = new AckLedger();
  for (const seq of [1, 2, 4, 5]) ledger.acked('veh-1', seq);
  ledger.failed('veh-1', 3, 'UserRecordExpired');
  await ledger.save(join(dir, 'acks.json'));

  // Two workers' lake: veh-1 seq 1..3 delivered and 4 a processing failure; veh-2 seq 1..2 delivered.
  const workers = new FilesystemBucket(join(dir, 'workers'));
  await workers.put(EVENTS_KEY, ndjson([event(1, 1), event(1, 2), event(1, 3), event(2, 1), event(2, 2)]));
  const failed = { attemptsMade: 1, arrivalTimestamp: 1, errorCode: 'InvalidField', errorMessage: 'x', attemptEndingTimestamp: 2, rawData: Buffer.from(JSON.stringify(event(1, 4))).toString('base64'), lambdaArn: 'arn' };
  await workers.put(ERRORS_KEY, ndjson([failed]));
  for (const [name, vehicle, last] of [['worker-0.json', 'veh-1', 4], ['worker-1.json', 'veh-2', 2]] as const) {
    const worker = new AckLedger();
    for (let seq = 1; seq <= last; seq++) worker.acked(vehicle, seq);
    await worker.save(join(dir, name));
  }
  // The same lake with one truncated object added.
  const corrupt = new FilesystemBucket(join(dir, 'corrupt'));
  for (const key of [EVENTS_KEY, ERRORS_KEY]) await corrupt.put(key, await workers.get(key));
  const truncated = ndjson([event(3, 1)]);
  await corrupt.put('events/event_type=trip/year=2026/month=01/day=05/hour=09/bad.json.gz', truncated.subarray(0, truncated.length - 8));

  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3rver'), configureBuckets: [{ name: 'lake' }] });
  const { port } = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${port}`;
  const client = createLocalS3Client({ endpoint: s3Endpoint });
  const s3 = new S3Bucket(client, 'lake');
  for (const key of [EVENTS_KEY, ERRORS_KEY]) await s3.put(`runs/r1/${key}`, await workers.get(key));
  client.destroy();
});
afterAll(async () => {
  await s3rver.close();
  await rm(dir, { recursive: true, force: true });
});

/** The real CLI, spawned asynchronously so that s3rver in this process keeps answering. */
async function sdfleet(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  // The SDK's default provider chain and endpoint configuration, as a user would set them for a local S3.
  const env = { ...process.env, SDFLEET_LOG_LEVEL: 'silent', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL_S3: s3Endpoint };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'cli/sdfleet.ts', ...args], { encoding: 'utf8', env });
    return { status: 0, stdout, stderr };
  } catch (err) {
    const { code, stdout, stderr } = err as { code: number; stdout: string; stderr: string };
    return { status: code, stdout, stderr };
  }
}

// Each run starts the whole CLI under tsx: seconds each, and far more on a loaded machine, hence the
// generous timeout; the runs of one test go in parallel.
describe('sdfleet lake', { timeout: 180_000 }, () => {
  it('verify exits 1 and names what is missing, reconciled with the ledger', async () => {
    const run = await sdfleet('lake', 'verify', '--lake', join(dir, 'lake'), '--acks', join(dir, 'acks.json'));
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/delivered\s+3 records/);
    expect(run.stdout).toMatch(/MISSING\s+1\n\s+veh-1: seq 5\n/);
    expect(run.stdout).toMatch(/failed by producer: UserRecordExpired: 1/);
    expect(run.stdout).toMatch(/FAILED: 1 record is missing$/m);
  });

  it('query with bad SQL names the SQL and exits 2', async () => {
    const bad = await sdfleet('lake', 'query', 'SELECT nope FROM events', '--lake', join(dir, 'lake'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^sdfleet: sql: .*nope.*\(got "SELECT nope FROM events"\)/m);
  });

  it('refuses a lake that does not exist in one line, exit 2', async () => {
    const missing = join(dir, 'no-such-lake');
    expect(await sdfleet('lake', 'verify', '--lake', missing)).toEqual({ status: 2, stdout: '', stderr: `sdfleet: lake: does not exist (got ${JSON.stringify(missing)})\n` });
  });

  it('reconciles several ledgers together, and fails on processing failures unless --allow-failures', async () => {
    const lake = join(dir, 'workers');
    const [repeated, listed] = await Promise.all([
      sdfleet('lake', 'verify', '--lake', lake, '--acks', join(dir, 'worker-0.json'), '--acks', join(dir, 'worker-1.json')),
      sdfleet('lake', 'verify', '--lake', lake, '--json', '--allow-failures', '--acks', join(dir, 'worker-0.json'), join(dir, 'worker-1.json')),
    ]);
    expect(repeated.status).toBe(1);
    expect(repeated.stdout).toMatch(/producer ledger\s+6 acked \(6 accounted for in the lake\)/);
    expect(repeated.stdout).toMatch(/FAILED: 1 record ended in the error output \(processing failures; --allow-failures accepts them\)$/m);
    expect(listed.status).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject({ delivered: 5, missing: 0, processingFailed: 1, unreadable: 0, ok: true, producer: { acked: 6, ackedPresent: 6 } });
  });

  it('names, skips and counts an unreadable object: verify exits 1, query answers and names it in one line', async () => {
    const lake = join(dir, 'corrupt');
    const [verify, query] = await Promise.all([
      sdfleet('lake', 'verify', '--lake', lake, '--allow-failures'),
      sdfleet('lake', 'query', 'SELECT count(*) AS n FROM events', '--lake', lake, '--json'),
    ]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toMatch(/unreadable objects\s+1\n\s+events\/event_type=trip\/year=2026\/month=01\/day=05\/hour=09\/bad\.json\.gz: gzip: unexpected end of file\n/);
    expect(verify.stdout).toMatch(/FAILED: 1 lake object is unreadable, so its records were not counted$/m);
    expect(query.status).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([{ n: 5 }]); // a number, not the string "5"
    expect(query.stderr).toBe(`sdfleet: skipped unreadable lake object ${lake}/events/event_type=trip/year=2026/month=01/day=05/hour=09/bad.json.gz: gzip: unexpected end of file\n`);
  });

  it('verifies an S3 lake (s3://bucket/prefix) through the bucket interface, and names an unreachable one', async () => {
    const acks = ['--acks', join(dir, 'worker-0.json'), '--acks', join(dir, 'worker-1.json')];
    const [ok, noBucket] = await Promise.all([
      sdfleet('lake', 'verify', '--lake', 's3://lake/runs/r1', '--allow-failures', ...acks),
      sdfleet('lake', 'verify', '--lake', 's3://no-such-bucket/runs/r1'),
    ]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^lake\s+s3:\/\/lake\/runs\/r1\ndelivered\s+5 records/);
    expect(ok.stdout).toMatch(/processing failures 1\n/);
    expect(noBucket.status).toBe(2);
    expect(noBucket.stderr).toMatch(/^sdfleet: lake: cannot be read: NoSuchBucket: .*\(got "s3:\/\/no-such-bucket\/runs\/r1"\)$/m);
  });
});
