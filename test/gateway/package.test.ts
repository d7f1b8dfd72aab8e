// The lean gateway package: nothing heavy in its bundle, aws-crt only behind a dynamic import,
// and the built bin ships NDJSON from stdin to a local stream (a bad line skipped, not fatal).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildGatewayPackage } from '../../packages/gateway/build.js';
import { startKinesalite, type LocalKinesis } from '../producer/kinesalite-fixture.js';
import { readWholeStream } from './support.js';

const BIN = fileURLToPath(new URL(`../../packages/gateway/dist/test-${process.pid}.js`, import.meta.url));
let meta: Metafile;
let kinesis: LocalKinesis;
let dir: string;

beforeAll(async () => {
  meta = await buildGatewayPackage(BIN);
  kinesis = await startKinesalite();
  await kinesis.createStream('lean', 1);
  dir = mkdtempSync(join(tmpdir(), 'sdfleet-gw-pkg-'));
}, 60_000);

afterAll(async () => {
  rmSync(BIN, { force: true });
  await kinesis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('bundles neither DuckDB, kinesalite, faker, the CDK, the S3 client nor the simulator', () => {
  const inputs = Object.keys(meta.inputs);
  expect(inputs.filter((p) => /duckdb|kinesalite|leveldown|faker|aws-cdk|client-s3|simulator\/|yaml/.test(p))).toEqual([]);
  expect(inputs.some((p) => p.includes('producer/kinesis-producer.ts'))).toBe(true);
  const crtImports = Object.values(meta.inputs).flatMap((i) => i.imports).filter((i) => i.path === 'aws-iot-device-sdk-v2');
  expect(crtImports.length).toBeGreaterThan(0);
  expect(crtImports.every((i) => i.kind === 'dynamic-import')).toBe(true);
});

it('ships NDJSON from stdin, skips a bad line, and exits 0 once drained', { timeout: 60_000 }, async () => {
  const line = (v: string) => JSON.stringify({ vehicle_id: v, event_name: 'vehicle:telemetry', created_at: 1772552700.25, speed_kmh: 12 });
  // Asynchronous: kinesalite runs in this process and must keep answering.
  const child = spawn(process.execPath, [BIN, '--source', '-', '--spool', join(dir, 'spool'), '--endpoint', kinesis.endpoint, '--stream', 'lean', '--json'], {
    env: { ...process.env, SDFLEET_LOG_LEVEL: 'warn' },
  });
  const run = { stdout: '', stderr: '', status: null as number | null };
  child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
  child.stdin.end(`${line('V1')}\nnot json\n${line('V1')}\n${line('V2')}\n`);
  run.status = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(run.status, run.stderr).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ stoppedBy: 'done', acceptedThisRun: 3, rejectedLines: 1, spool: { acked: 3, pending: 0 } });
  expect(run.stderr).toContain('is not JSON');
  const events = await readWholeStream(kinesis.client, 'lean');
  expect(events.map((e) => `${e.vehicle_id}#${e.seq}`).sort()).toEqual(['V1#1', 'V1#2', 'V2#1']);
});
