// Gateway benchmark: spool append throughput per fsync policy (against raw writeSync of the same
// bytes), RSS and CPU of the lean gateway package at 100 readings/s, recovery time with 1M
// spooled readings, and backlog drain rate while live readings flow. `npm run bench -- gateway`.
import { spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { silentLogger } from '../common/logger.js';
import { Drain } from '../gateway/drain.js';
import { createKinesisTransport } from '../gateway/kinesis-transport.js';
import { Spool, type FsyncPolicy } from '../gateway/spool.js';
import { EntryType, encodeEntry, encodeReading } from '../gateway/spool-segment.js';
import { buildGatewayPackage, EXTERNAL } from '../packages/gateway/build.js';
import { dependencyClosureSize } from '../packages/gateway/install-size.js';
import { startKinesalite } from '../pipeline/stream/kinesalite.js';
import { KinesisProducer, createLocalKinesisClient } from '../producer/index.js';

const quick = process.env.BENCH_QUICK === '1';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sdfleet-gw-bench-'));
const out: string[] = ['## Gateway (`sdfleet gateway`)', ''];

// ---- workload: 400-byte telemetry readings from 50 vehicles ----------------------------------
function reading(i: number): { vehicleId: string; seq: number; json: string } {
  const vehicleId = `SD${String(i % 50).padStart(6, '0')}`;
  const seq = Math.floor(i / 50) + 1;
  const e = { event_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, event_name: 'vehicle:telemetry', created_at: 1772552700 + i / 100, vehicle_id: vehicleId, seq, lat: 32.7157, lon: -117.1611, heading_deg: 181.5, speed_kmh: 42.5, accel_mps2: 0.31, odometer_km: 10234.112, co2_g: 1.234, nox_mg: 2.1, pm25_mg: 0.03, co_mg: 11.2, hc_mg: 0.9, fuel_ml: 0.52 };
  return { vehicleId, seq, json: JSON.stringify({ ...e, pad: 'x'.repeat(Math.max(0, 400 - JSON.stringify(e).length - 10)) }) };
}
const POOL = Array.from({ length: 10_000 }, (_, i) => reading(i));

// ---- 1. append throughput per fsync policy ---------------------------------------------------
function appendRate(policy: FsyncPolicy, n: number): number {
  const dir = mkdtempSync(join(work, 'append-'));
  const spool = Spool.open({ dir, fsync: policy, maxBytes: 4 * 1024 ** 3, whenFull: 'block' });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = POOL[i % POOL.length];
    void spool.append(r.vehicleId, r.seq + Math.floor(i / POOL.length) * 200, r.json);
  }
  const s = (performance.now() - t0) / 1000;
  spool.close();
  rmSync(dir, { recursive: true, force: true });
  return n / s;
}
function rawRate(sync: boolean, n: number): number {
  const path = join(work, `raw-${sync}`);
  const entries = POOL.map((r, i) => encodeEntry(EntryType.Reading, i, encodeReading(r.vehicleId, r.seq, r.json)));
  const fd = openSync(path, 'a');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    writeSync(fd, entries[i % entries.length]);
    if (sync) fdatasyncSync(fd);
  }
  const s = (performance.now() - t0) / 1000;
  closeSync(fd);
  rmSync(path, { force: true });
  return n / s;
}
const N = quick ? 20_000 : 200_000;
const NSYNC = quick ? 300 : 2_000;
const runs = quick ? 1 : 3;
const rows: string[] = [];
const rawNoSync = median(Array.from({ length: runs }, () => rawRate(false, N)));
const rawSync = median(Array.from({ length: runs }, () => rawRate(true, NSYNC)));
for (const [label, policy, n, ref, refLabel] of [
  ['never', 'never', N, rawNoSync, 'writeSync'],
  ['500 ms', 500, N, rawNoSync, 'writeSync'],
  ['always', 'always', NSYNC, rawSync, 'writeSync + fdatasync'],
] as const) {
  const rate = median(Array.from({ length: runs }, () => appendRate(policy, n)));
  rows.push(`| \`--fsync ${label}\` | ${fmt(rate)} | ${fmt(ref)} (${refLabel}) | ${fmt(rate / ref, 2)} |`);
}
out.push(
  '### Spool append throughput',
  '',
  `${fmt(N)} readings of 400 bytes appended one at a time (\`always\`: ${fmt(NSYNC)}), median of ${runs}; reference: \`fs.writeSync\` of the same encoded entries to one file in the same run.`,
  '',
  '| fsync policy | readings/s | reference/s | ratio |',
  '|---|---:|---:|---:|',
  ...rows,
  '',
);

// ---- shared: kinesalite with a stream --------------------------------------------------------
const kinesalite = await startKinesalite();
const admin = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
async function createStream(name: string): Promise<void> {
  await admin.send(new CreateStreamCommand({ StreamName: name, ShardCount: 2 }));
  while ((await admin.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE') await sleep(20);
}

// ---- 2. the lean package: install size, RSS and CPU at 100 readings/s, idle CPU --------------
const bundle = join(root, 'packages', 'gateway', 'dist', 'sdfleet-gateway.js');
const meta = await buildGatewayPackage(bundle);
const bundleBytes = Object.values(meta.outputs)[0].bytes;
const nodeModules = realpathSync(join(root, 'node_modules'));
const deps = dependencyClosureSize(nodeModules, EXTERNAL.filter((d) => d !== 'aws-iot-device-sdk-v2'));
const crt = dependencyClosureSize(nodeModules, ['aws-iot-device-sdk-v2']);
const full = dependencyClosureSize(nodeModules, Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies));
const heavy = Object.keys(meta.inputs).filter((p) => /duckdb|kinesalite|leveldown|faker|aws-cdk|client-s3|simulator\//.test(p));
await createStream('rss');
const procStat = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024, cpuTicks: Number(fields[11]) + Number(fields[12]) };
};
const TICK = 100; // USER_HZ
// The bin runs through its own shebang (`env -S node <flags>`), exactly as installed.
const FEED_S = quick ? 10 : 30;
const spoolDir = join(work, 'rss-spool');
const child = spawn(bundle, ['--source', '-', '--spool', spoolDir, '--endpoint', kinesalite.endpoint, '--stream', 'rss', '--fsync', '500'], { stdio: ['pipe', 'ignore', 'ignore'], env: { ...process.env, SDFLEET_LOG_LEVEL: 'warn' } });
await sleep(1500);
const rssSamples: number[] = [];
const start = procStat(child.pid!);
const t0 = performance.now();
for (let i = 0; i < FEED_S * 100; i++) {
  const r = reading(i);
  child.stdin.write(`${JSON.stringify({ ...JSON.parse(r.json), seq: undefined, event_uuid: undefined })}\n`);
  const due = t0 + (i + 1) * 10;
  const wait = due - performance.now();
  if (wait > 0) await sleep(wait);
  if (i % 100 === 0) rssSamples.push(procStat(child.pid!).rssMb);
}
const busy = procStat(child.pid!);
const busyS = (performance.now() - t0) / 1000;
await sleep(3000); // let the last readings drain
const idleStart = procStat(child.pid!);
const i0 = performance.now();
await sleep(quick ? 3000 : 10_000);
const idleEnd = procStat(child.pid!);
const idleS = (performance.now() - i0) / 1000;
child.stdin.end();
await new Promise((r) => child.once('exit', r));
const cpuBusy = (busy.cpuTicks - start.cpuTicks) / TICK / busyS;
const cpuIdle = (idleEnd.cpuTicks - idleStart.cpuTicks) / TICK / idleS;
out.push(
  '### Footprint of the lean package (`packages/gateway`, NDJSON on stdin → local Kinesis)',
  '',
  '| measure | value | goal |',
  '|---|---:|---:|',
  `| install: bundle + dependency closure (${deps.packages} packages, aws-crt excluded) | ${fmt((bundleBytes + deps.bytes) / 1e6, 1)} MB | ≤ 30 MB |`,
  `| optional aws-iot-device-sdk-v2 (aws-crt, 7 platforms' binaries), only for \`--transport mqtt\` | ${fmt(crt.bytes / 1e6, 1)} MB | |`,
  `| for comparison: the full sdfleet runtime dependency closure (native optional packages not counted) | ${fmt(full.bytes / 1e6, 1)} MB | |`,
  `| heavy modules in the bundle (DuckDB, kinesalite, faker, CDK, S3, simulator) | ${heavy.length === 0 ? 'none' : heavy.join(', ')} | none |`,
  `| RSS while shipping 100 readings/s for ${FEED_S} s: median / peak (VmHWM) | ${fmt(median(rssSamples), 1)} / ${fmt(busy.hwmMb, 1)} MB | ≤ 64 MB |`,
  `| CPU at 100 readings/s | ${fmt(cpuBusy * 100, 1)} % of a core | |`,
  `| CPU idle (input open, nothing arriving), ${fmt(idleS, 0)} s | ${fmt(cpuIdle * 100, 2)} % of a core | ≈ 0 |`,
  '',
);

// ---- 3. recovery time with 1M spooled readings -----------------------------------------------
const M = quick ? 100_000 : 1_000_000;
const recDir = join(work, 'recovery');
{
  const spool = Spool.open({ dir: recDir, fsync: 'never', maxBytes: 8 * 1024 ** 3, whenFull: 'block' });
  for (let i = 0; i < M; i++) {
    const r = POOL[i % POOL.length];
    void spool.append(r.vehicleId, r.seq + Math.floor(i / POOL.length) * 200, r.json);
  }
  spool.close();
}
const recTimes: number[] = [];
const readTimes: number[] = [];
let spooledBytes = 0;
for (let k = 0; k < runs; k++) {
  const r0 = performance.now();
  let bytes = 0;
  for (const f of readdirSync(recDir)) bytes += readFileSync(join(recDir, f)).length;
  spooledBytes = bytes;
  readTimes.push(performance.now() - r0);
  const t = performance.now();
  const spool = Spool.open({ dir: recDir, fsync: 'never', maxBytes: 8 * 1024 ** 3, whenFull: 'block' });
  recTimes.push(performance.now() - t);
  if (spool.stats().pending !== M) throw new Error(`recovered ${spool.stats().pending} of ${M}`);
  spool.close();
}
rmSync(recDir, { recursive: true, force: true });
out.push(
  '### Recovery after a crash',
  '',
  `${fmt(M)} spooled readings (${fmt(spooledBytes / 1e6, 0)} MB in ${fmt(Math.ceil(spooledBytes / (4 * 1024 * 1024)))} segments): \`Spool.open\` reads and CRC-checks every entry and rebuilds the index. Median of ${runs}; reference: reading the same files with \`readFileSync\` in the same run.`,
  '',
  '| recovery | reference (read only) | ratio |',
  '|---:|---:|---:|',
  `| ${fmt(median(recTimes))} ms | ${fmt(median(readTimes))} ms | ${fmt(median(recTimes) / median(readTimes), 1)} |`,
  '',
);

// ---- 4. backlog drain rate while live readings flow ------------------------------------------
const BACKLOG = quick ? 10_000 : 50_000;
await createStream('drain');
await createStream('ref');
const client = createLocalKinesisClient({ endpoint: kinesalite.endpoint });
// Reference: the producer alone, the same readings from memory.
const producer = new KinesisProducer({ client, streamName: 'ref', metricsIntervalMs: 0, limiter: { startFactor: 0.1 } });
const p0 = performance.now();
await Promise.all(Array.from({ length: BACKLOG }, async (_, i) => {
  await producer.ready();
  const r = POOL[i % POOL.length];
  return producer.put({ partitionKey: r.vehicleId, data: r.json });
}));
const refRate = BACKLOG / ((performance.now() - p0) / 1000);
await producer.close();
const drainDir = join(work, 'drain');
const spool = Spool.open({ dir: drainDir, fsync: 500, maxBytes: 8 * 1024 ** 3, whenFull: 'block' });
for (let i = 0; i < BACKLOG; i++) void spool.append(POOL[i % POOL.length].vehicleId, i + 1, POOL[i % POOL.length].json);
const drain = new Drain(spool, createKinesisTransport({ client, streamName: 'drain', logger: silentLogger }), { logger: silentLogger });
const d0 = performance.now();
drain.start();
let live = 0;
const liveTimer = setInterval(() => void spool.append('LIVE', ++live, POOL[live % POOL.length].json), 10);
while (spool.stats().pending > 0 && spool.oldestPending() < BACKLOG) await sleep(20);
const drainS = (performance.now() - d0) / 1000;
const liveAckedDuring = spool.stats().acked - BACKLOG;
clearInterval(liveTimer);
await drain.drained();
await drain.stop();
spool.close();
out.push(
  '### Backlog drain with live data',
  '',
  `${fmt(BACKLOG)} spooled readings drained into a local 2-shard stream (kinesalite, no gate) while 100 live readings/s keep arriving. Reference: the same readings \`put()\` from memory by the producer alone, same run.`,
  '',
  '| backlog drained | reference (producer alone) | ratio | live readings acknowledged while the backlog drained |',
  '|---:|---:|---:|---:|',
  `| ${fmt(BACKLOG / drainS)} readings/s | ${fmt(refRate)} readings/s | ${fmt(BACKLOG / drainS / refRate, 2)} | ${fmt(Math.max(0, liveAckedDuring))} of ${fmt(live)} |`,
  '',
);

client.destroy();
admin.destroy();
await kinesalite.close();
rmSync(work, { recursive: true, force: true });
process.stdout.write(`${out.join('\n')}\n`);
