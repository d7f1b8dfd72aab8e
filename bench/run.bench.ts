// `sdfleet run` end to end: events per CPU-second for `--target file --rate max` and for
// `--target kinesis` against an instant local sink (a tiny HTTP server in a child process, so its
// CPU is not the run's), next to same-run references (a raw write loop, JSON.stringify) and the
// simulator alone, which together say where the time goes. Prints one markdown section.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { silentLogger } from '../common/logger.js';
import { startRun, type TargetSpec } from '../runner/run.js';
import { readScenario, scenarioSource } from '../runner/scenario-source.js';
import { createSimulation } from '../simulator/index.js';

const SHARDS = 64;

if (process.argv.includes('--sink')) await serveInstantSink();
else await main();

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const records = quick ? 30_000 : 150_000;
  const reps = quick ? 1 : 3;
  Object.assign(process.env, { AWS_REGION: 'us-west-2', AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench', AWS_EC2_METADATA_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
  const dir = await mkdtemp(join(tmpdir(), 'sdfleet-run-bench-'));
  const sink = await startSinkProcess();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows: Record<string, number[]> = { simulator: [], file: [], kinesis: [], stringify: [], write: [], sinkCpu: [] };
  try {
    // A first, unrecorded round warms the JIT so the first measure is not the slowest.
    await simulatorOnly(records / 3);
    await runOnce({ kind: 'file', path: '/dev/null' }, records / 3, join(dir, 'warm-file'));
    await runOnce({ kind: 'kinesis', stream: 'bench', endpoint: sink.endpoint }, records / 3, join(dir, 'warm-kinesis'));
    for (let rep = 0; rep < reps; rep++) {
      rows.simulator.push(await simulatorOnly(records));
      rows.file.push(await runOnce({ kind: 'file', path: '/dev/null' }, records, join(dir, `file-${rep}`)));
      const sinkBefore = await sink.cpu();
      rows.kinesis.push(await runOnce({ kind: 'kinesis', stream: 'bench', endpoint: sink.endpoint }, records, join(dir, `kinesis-${rep}`)));
      rows.sinkCpu.push((await sink.cpu()) - sinkBefore);
      const refs = await references(Math.min(records, 50_000));
      rows.stringify.push(refs.stringify);
      rows.write.push(refs.write);
    }
  } finally {
    sink.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)])) as Record<keyof typeof rows, number>;
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const ns = (perS: number) => fmt(1e9 / perS);
  const lines = [
    '## Run (`sdfleet run`)',
    '',
    `End to end through \`startRun\` (the CLI's path): the \`datalake-1m-per-hour\` scenario, ${fmt(records)} events per run, \`--rate max\`, ${reps} repetition(s), medians. Rates are events per CPU-second of this process (\`process.cpuUsage\`, user + system).`,
    '',
    '| Measure | events/s per CPU-s | CPU ns per event | Goal |',
    '|---|---|---|---|',
    `| \`run --target file --rate max\` (NDJSON to /dev/null, ledger included) | ${fmt(m.file)} | ${ns(m.file)} | ≥ 250,000 |`,
    `| \`run --target kinesis\` against an instant local sink (${SHARDS} shards; KPL aggregation, HTTP/1.1) | ${fmt(m.kinesis)} | ${ns(m.kinesis)} | ≥ 250,000 |`,
    `| simulator alone (no-op sink) | ${fmt(m.simulator)} | ${ns(m.simulator)} | |`,
    `| reference: \`JSON.stringify\` of the same events | ${fmt(m.stringify)} | ${ns(m.stringify)} | |`,
    `| reference: raw write loop of the same lines to /dev/null | ${fmt(m.write)} | ${ns(m.write)} | |`,
    '',
    `Ratios (same run): file target / JSON.stringify ${(m.file / m.stringify).toFixed(2)}×, file target / raw write ${(m.file / m.write).toFixed(3)}×, kinesis / file ${(m.kinesis / m.file).toFixed(2)}×. The sink process used ${(m.sinkCpu).toFixed(2)} CPU-s per kinesis run (not counted above).`,
    '',
    `Where the time goes (per event): the simulator ${ns(m.simulator)} ns; the runner and the file write on top ${fmt(1e9 / m.file - 1e9 / m.simulator)} ns (pacing check, ledger, batching, write); the producer path instead ${fmt(1e9 / m.kinesis - 1e9 / m.simulator)} ns (validation, shard prediction, KPL aggregation with MD5, one promise per put, the outcome ledger, HTTP). ` +
      `Verdict: the ≥ 250k events/s/core goal is ${m.file >= 250_000 ? 'met' : 'NOT met'} for the file target and ${m.kinesis >= 250_000 ? 'met' : 'NOT met'} for kinesis; the simulator alone bounds both until its hot-path work lands.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One run, measured from start to verdict (fleet built before). */
async function runOnce(target: TargetSpec, records: number, dir: string): Promise<number> {
  const source = scenarioSource(readScenario('datalake-1m-per-hour'), { useScenarioStop: false });
  const before = process.cpuUsage();
  const handle = await startRun({ source, target, pacing: { shape: { shape: 'max' } }, maxRecords: records, timestamps: 'simulated', dir, worker: null, logger: silentLogger });
  const { summary } = await handle.done;
  const cpu = cpuSeconds(before);
  if (summary.records.acked !== records) throw new Error(`bench run acked ${summary.records.acked} of ${records}: ${summary.verdict_reasons.join('; ')}`);
  return records / cpu;
}

async function simulatorOnly(records: number): Promise<number> {
  const sim = createSimulation(readScenario('datalake-1m-per-hour').scenario);
  const before = process.cpuUsage();
  await sim.run({ write: () => undefined, writeTelemetry: () => undefined }, { pace: 'max', maxRecords: records, durationS: Infinity });
  return records / cpuSeconds(before);
}

/** JSON.stringify of the same events, and writing their lines raw in 1024-line batches. */
async function references(records: number): Promise<{ stringify: number; write: number }> {
  const events: object[] = [];
  const sim = createSimulation(readScenario('datalake-1m-per-hour').scenario);
  await sim.run({ write: (e) => void events.push(e) }, { pace: 'max', maxRecords: records, durationS: Infinity });
  let before = process.cpuUsage();
  const lines = events.map((e) => JSON.stringify(e));
  const stringify = events.length / cpuSeconds(before);
  const fd = openSync('/dev/null', 'w');
  before = process.cpuUsage();
  for (let i = 0; i < lines.length; i += 1024) writeSync(fd, `${lines.slice(i, i + 1024).join('\n')}\n`);
  const write = lines.length / cpuSeconds(before);
  closeSync(fd);
  return { stringify, write };
}

function cpuSeconds(before: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1e6;
}

/** The sink in a child process; `cpu()` asks it for its own CPU seconds so far. */
async function startSinkProcess(): Promise<{ endpoint: string; cpu(): Promise<number>; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--sink'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const endpoint = String(first.value);
  return {
    endpoint,
    cpu: async () => Number(await (await fetch(`${endpoint}/cpu`)).text()),
    stop: () => child.kill(),
  };
}

/** Answers Kinesis like a stream with SHARDS even shards that accepts everything at once. */
async function serveInstantSink(): Promise<void> {
  const width = 2n ** 128n / BigInt(SHARDS);
  const shards = Array.from({ length: SHARDS }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: String(width * BigInt(i)), EndingHashKey: String(i === SHARDS - 1 ? 2n ** 128n - 1n : width * BigInt(i + 1) - 1n) },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
  let seq = 0;
  const shardOf = (r: { PartitionKey: string; ExplicitHashKey?: string }) => {
    const top = r.ExplicitHashKey !== undefined ? Number(BigInt(r.ExplicitHashKey) >> 122n) : parseInt(createHash('md5').update(r.PartitionKey).digest('hex').slice(0, 2), 16) >> 2;
    return shards[top].ShardId;
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/cpu') return void res.end(String(cpuSeconds({ user: 0, system: 0 })));
      const action = String(req.headers['x-amz-target'] ?? '').split('.')[1];
      const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { Records?: { PartitionKey: string; ExplicitHashKey?: string }[] };
      const answer =
        action === 'DescribeStreamSummary'
          ? { StreamDescriptionSummary: { StreamName: 'bench', StreamStatus: 'ACTIVE', OpenShardCount: SHARDS, StreamModeDetails: { StreamMode: 'PROVISIONED' } } }
          : action === 'ListShards'
            ? { Shards: shards }
            : { FailedRecordCount: 0, Records: (body.Records ?? []).map((r) => ({ ShardId: shardOf(r), SequenceNumber: String(++seq) })) };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(answer));
    });
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`http://127.0.0.1:${(server.address() as { port: number }).port}\n`));
}
