// Producer benchmark: hot-path throughput against aws-kinesis-agg's aggregate(), byte overhead
// of aggregation, RSS under sustained 5x overload, and pacing against shard-like buckets.
// Prints one markdown section; `npm run bench -- producer`.
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { ListShardsCommand, type PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { KinesisProducer, hashKeyOf, type CommandSender } from '../producer/index.js';
import { Md5Lanes } from '../producer/md5-lanes.js';
import { POOL, VEHICLES, evenShardList, type OverloadResult } from './producer-workload.js';

const require = createRequire(import.meta.url);
const agg = require('aws-kinesis-agg') as {
  aggregate(records: unknown[], handler: (r: unknown, cb: () => void) => void, after: () => void, onError: (e: Error) => void): void;
};

const quick = process.env.BENCH_QUICK === '1';
// BENCH_ONLY=throughput skips the overload runs (for iterating on the hot path); BENCH_ONLY=single
// runs only the single producer at 5x (RSS).
const throughputOnly = process.env.BENCH_ONLY === 'throughput';
const singleOnly = process.env.BENCH_ONLY === 'single';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU time of the whole process (its GC threads and hash workers included) per record of the last
// run: unlike records/s it hardly moves with the load other processes put on the machine.
let lastCpuNs = 0;
function cpuNsSince(start: NodeJS.CpuUsage, n: number): number {
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / n;
}
const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Answers instantly: every record accepted on the shard its hash key belongs to. */
class InstantKinesis implements CommandSender {
  kinesisBytes = 0;
  kinesisRecords = 0;
  private readonly shards;
  private readonly ends: bigint[];
  constructor(shardCount: number) {
    this.shards = evenShardList(shardCount);
    this.ends = this.shards.map((s) => BigInt(s.HashKeyRange.EndingHashKey)); // parsed once: the fake should cost next to nothing
  }
  async send(command: object): Promise<unknown> {
    if (command instanceof ListShardsCommand) return { Shards: this.shards };
    const records = (command as PutRecordsCommand).input.Records ?? [];
    let seq = 0;
    return {
      FailedRecordCount: 0,
      Records: records.map((r) => {
        this.kinesisBytes += (r.Data as Uint8Array).byteLength + Buffer.byteLength(r.PartitionKey as string);
        this.kinesisRecords++;
        const h = r.ExplicitHashKey !== undefined ? BigInt(r.ExplicitHashKey) : hashKeyOf(r.PartitionKey as string);
        return { ShardId: this.shards[this.ends.findIndex((end) => h <= end)]?.ShardId, SequenceNumber: String(++seq) };
      }),
    };
  }
}

function benchProducer(hashWorkers = 0, md5Lanes = true): { client: InstantKinesis; producer: KinesisProducer } {
  const client = new InstantKinesis(64);
  const producer = new KinesisProducer({
    client,
    streamName: 'bench',
    metricsIntervalMs: 0,
    maxBufferedTimeMs: 100,
    // Pacing is measured separately below; here the limiter must not cap the hot path.
    limiter: { bytesPerSecond: 1e12, recordsPerSecond: 1e12 },
    hashWorkers,
    md5Lanes,
    // The fake keeps no reference to the Data it is sent, like the AWS SDK client (which serializes
    // a request first), so the producer runs as it does by default with a KinesisClient.
    reuseBuffers: true,
  });
  return { client, producer };
}

/**
 * put() for every record, awaiting ready() every 1024 puts, then flush(). Fire-and-forget
 * (`void producer.put(r)`: nobody asks for the result), or `observed`: every put's outcome is
 * taken with `.then(onOk, onErr)` as it is made (a native promise each, as with await).
 */
async function ourThroughput(n: number, hashWorkers = 0, observed = false): Promise<{ perSecond: number; client: InstantKinesis; producer: KinesisProducer }> {
  const { client, producer } = benchProducer(hashWorkers);
  await producer.flush();
  let ok = 0;
  const onOk = () => {
    ok++;
  };
  const onErr = () => {};
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const r = POOL[i % POOL.length];
    if (observed) producer.put(r).then(onOk, onErr);
    else void producer.put(r);
    if ((i & 1023) === 0) await producer.ready();
  }
  await producer.flush();
  const seconds = (performance.now() - started) / 1000;
  lastCpuNs = cpuNsSince(cpu, n);
  await producer.close();
  if (producer.metrics().stream.UserRecordsPut !== n || (observed && ok !== n)) throw new Error('not every record was acknowledged');
  return { perSecond: n / seconds, client, producer };
}

/** putMany() in groups of 1000 records (one promise per group), awaiting ready() between groups. */
async function ourBatchThroughput(n: number, hashWorkers = 0, md5Lanes = true): Promise<number> {
  const { producer } = benchProducer(hashWorkers, md5Lanes);
  await producer.flush();
  const groups: (typeof POOL)[] = [];
  for (let i = 0; i < n; i += 1000) groups.push(Array.from({ length: Math.min(1000, n - i) }, (_, j) => POOL[(i + j) % POOL.length]));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const pending: Promise<{ acked: number }>[] = [];
  for (const group of groups) {
    await producer.ready();
    pending.push(producer.putMany(group));
  }
  // As put() above: send the last partial aggregates now instead of after maxBufferedTimeMs.
  void producer.flush();
  const acked = (await Promise.all(pending)).reduce((s, r) => s + r.acked, 0);
  const seconds = (performance.now() - started) / 1000;
  lastCpuNs = cpuNsSince(cpu, n);
  await producer.close();
  if (acked !== n) throw new Error('not every record was acknowledged');
  return n / seconds;
}

/** An aggregate's size: MD5 alone is measured over bodies of it. */
const BODY_BYTES = 51_200;

/** How many BODY_BYTES bodies the first n records of the pool fill, with their protobuf framing. */
function bodiesFor(n: number): number {
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += POOL[i % POOL.length].data.byteLength + 12; // + protobuf framing per record
  return Math.ceil(bytes / BODY_BYTES);
}

/** MD5 alone over the same bytes in 50 KiB bodies (the aggregate size): the format's own floor. */
function md5Throughput(n: number): number {
  const body = Buffer.alloc(BODY_BYTES);
  const bodies = bodiesFor(n);
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < bodies; i++) createHash('md5').update(body).digest();
  lastCpuNs = cpuNsSince(cpu, n);
  return n / ((performance.now() - started) / 1000);
}

/** The same bodies through the four SIMD lanes (md5-lanes.ts), four at a time: the floor with md5Lanes on. */
function md5LanesThroughput(n: number): number {
  const lanes = Md5Lanes.create();
  if (lanes === undefined) return NaN;
  const bodies = bodiesFor(n);
  const group = Array.from({ length: 4 }, () => ({ bytes: Buffer.alloc(4 + BODY_BYTES + 16), digestAt: 4 + BODY_BYTES, buffer: undefined }));
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < bodies; i += 4) lanes.digest(bodies - i >= 4 ? group : group.slice(0, bodies - i));
  lastCpuNs = cpuNsSince(cpu, n);
  return n / ((performance.now() - started) / 1000);
}

function theirThroughput(n: number): Promise<number> {
  const records = Array.from({ length: n }, (_, i) => POOL[i % POOL.length]);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    agg.aggregate(
      records,
      (_r, cb) => cb(),
      () => {
        lastCpuNs = cpuNsSince(cpu, n);
        resolve(n / ((performance.now() - started) / 1000));
      },
      reject,
    );
  });
}

/** The overload scenario in a child process of plain JavaScript (bundled once), so RSS is the producer's. */
async function overloadInChild(options: Parameters<typeof import('./producer-workload.js').overload>[0]): Promise<OverloadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sdfleet-bench-'));
  try {
    const script = join(dir, 'overload.mjs');
    await build({
      stdin: { contents: "import { overload } from './producer-workload.ts'; console.log(JSON.stringify(await overload(JSON.parse(process.argv[2]))));", resolveDir: import.meta.dirname, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      // Everything bundled; CommonJS parts of dependencies may still require() Node's own modules.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    const run = spawnSync(process.execPath, ['--expose-gc', script, JSON.stringify(options)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (run.status !== 0) throw new Error(`overload child failed with exit code ${run.status}`);
    return JSON.parse(run.stdout) as OverloadResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  // Overload first, so its RSS samples start from a clean heap.
  const seconds = quick ? 10 : 60;
  const fleetSeconds = quick ? 10 : 40;
  const skipped = { utilization: 0, throttledAttempts: 0, throttledRequests: 0, rss: [0], failed: 0, put: 0 };
  let single = skipped;
  let fleet = skipped;
  let kplLike = skipped;
  if (!throughputOnly) {
    console.error(`overload: 1 producer, 5x, ${seconds} s`);
    single = await overloadInChild({ producers: 1, load: 5, seconds, sampleEveryS: quick ? 2 : 5, bufferBytes: 8 * 1024 * 1024 });
    if (singleOnly) {
      console.log(`1 producer, 5x: utilization ${single.utilization.toFixed(3)}, acked ${single.put}, failed ${single.failed}, RSS MiB ${single.rss.map((x) => x.toFixed(0)).join(', ')}`);
      return;
    }
    console.error(`fleet: 20 producers, 1.5x, ${fleetSeconds} s`);
    fleet = await overloadInChild({ producers: 20, load: 1.5, seconds: fleetSeconds, sampleEveryS: 10, bufferBytes: 1024 * 1024 });
    console.error(`fleet: 20 producers, KPL-like (150 %, not adaptive), ${fleetSeconds} s`);
    kplLike = await overloadInChild({ producers: 20, load: 1.5, seconds: fleetSeconds, sampleEveryS: 10, bufferBytes: 1024 * 1024, adaptive: false, rateLimitPercent: 150 });
  }

  const n = quick ? 100_000 : 400_000;
  const reps = quick ? 3 : 5;
  // Warm-up: every path once at full size. A path's first runs in a process are slower (JIT tiers,
  // allocation sites, buffer pools), aws-kinesis-agg's too; the table compares steady states.
  await ourThroughput(n);
  await ourThroughput(n, 0, true);
  await ourThroughput(n, 1);
  await ourBatchThroughput(n);
  await ourBatchThroughput(n, 0, false);
  await ourBatchThroughput(n, 1);
  await theirThroughput(n);
  md5Throughput(n);
  md5LanesThroughput(n);
  const ours: number[] = [];
  const observedPut: number[] = [];
  const batch: number[] = [];
  const batchNoLanes: number[] = [];
  const hashed: number[] = [];
  const hashedPut: number[] = [];
  const theirs: number[] = [];
  const md5: number[] = [];
  const md5Lanes: number[] = [];
  const loads: number[] = [];
  const cpuOf = { ours: [] as number[], observedPut: [] as number[], hashedPut: [] as number[], batch: [] as number[], batchNoLanes: [] as number[], hashed: [] as number[], theirs: [] as number[], md5: [] as number[], md5Lanes: [] as number[] };
  let last: Awaited<ReturnType<typeof ourThroughput>> | undefined;
  for (let r = 0; r < reps; r++) {
    // Alternate which goes first, so neither always runs on a heap the other just filled.
    if (r % 2 === 1) {
      theirs.push(await theirThroughput(n));
      cpuOf.theirs.push(lastCpuNs);
    }
    last = await ourThroughput(n);
    ours.push(last.perSecond);
    cpuOf.ours.push(lastCpuNs);
    observedPut.push((await ourThroughput(n, 0, true)).perSecond);
    cpuOf.observedPut.push(lastCpuNs);
    hashedPut.push((await ourThroughput(n, 1)).perSecond);
    cpuOf.hashedPut.push(lastCpuNs);
    batch.push(await ourBatchThroughput(n));
    cpuOf.batch.push(lastCpuNs);
    batchNoLanes.push(await ourBatchThroughput(n, 0, false));
    cpuOf.batchNoLanes.push(lastCpuNs);
    hashed.push(await ourBatchThroughput(n, 1));
    cpuOf.hashed.push(lastCpuNs);
    if (r % 2 === 0) {
      theirs.push(await theirThroughput(n));
      cpuOf.theirs.push(lastCpuNs);
    }
    md5.push(md5Throughput(n));
    cpuOf.md5.push(lastCpuNs);
    md5Lanes.push(md5LanesThroughput(n));
    cpuOf.md5Lanes.push(lastCpuNs);
    loads.push(loadavg()[0]);
    console.error(`rep ${r + 1}: put ${fmt(ours[r])}/s, put observed ${fmt(observedPut[r])}/s, put + hash worker ${fmt(hashedPut[r])}/s, putMany ${fmt(batch[r])}/s, putMany without lanes ${fmt(batchNoLanes[r])}/s, putMany + hash worker ${fmt(hashed[r])}/s, aws-kinesis-agg ${fmt(theirs[r])}/s, MD5 alone ${fmt(md5[r])}/s, MD5 lanes alone ${fmt(md5Lanes[r])}/s`);
  }
  const recordBytes = POOL.reduce((s, r) => s + r.data.byteLength, 0) / POOL.length;
  const mib = (perSecond: number) => `${fmt((perSecond * recordBytes) / 2 ** 20, 1)} MiB/s`;
  const m = (last as NonNullable<typeof last>).producer.metrics().stream;
  const dataBytes = m.UserRecordsDataPut;
  const keyBytes = POOL.slice(0, 1).reduce((s, r) => s + r.partitionKey.length, 0) * m.UserRecordsPut;
  const sentBytes = m.KinesisRecordsDataPut;

  // Ratios by CPU time compare the work done (all threads), so a hash worker shows no gain there:
  // it moves MD5 to another core, which only records/s can show.
  const row = (name: string, xs: number[], cpu: number[], goal = ''): string =>
    `| ${name} | ${fmt(median(xs))} | ${mib(median(xs))} | **${fmt(median(xs) / median(theirs), 2)}x**${goal} | ${fmt(median(cpu))} | ${fmt(median(cpuOf.theirs) / median(cpu), 2)}x | ${xs.map((x) => fmt(x)).join(', ')} |`;
  const pct = (x: number, d = 1) => `${fmt(x * 100, d)} %`;
  const out = [
    '## Producer',
    '',
    `Full put() path (shard prediction, per-shard aggregation, collection into PutRecords, every record settled; put() returns a lazy handle that makes a native promise only when observed, so the fire-and-forget and the observed rows differ by that promise) against an instant fake client with 64 shards, vs \`aws-kinesis-agg\` \`aggregate()\` (encoding only, no shards) on the same ${fmt(n)} 200-byte JSON telemetry records from ${VEHICLES} vehicles; median of ${reps} runs, alternating which goes first. The limiter is set unlimited for this part (pacing is measured below). The producers run with \`reuseBuffers: true\`, their default with a \`KinesisClient\` (which serializes a request before sending it): the fake clients here keep no reference to the Data they are sent either, but a producer cannot tell that of a client other than the SDK's.`,
    '',
    '| Path | Records/s (median) | User data | vs aws-kinesis-agg | CPU ns/record (median) | vs aws-kinesis-agg by CPU time | Runs |',
    '|---|---:|---:|---:|---:|---:|---|',
    row('sdfleet put(), fire-and-forget (`void producer.put(r)`, then flush())', ours, cpuOf.ours, ' (goal ≥ 1.5x)'),
    row('sdfleet put(), every result observed (`producer.put(r).then(onOk, onErr)`)', observedPut, cpuOf.observedPut),
    row('sdfleet put() with `hashWorkers: 1`', hashedPut, cpuOf.hashedPut),
    row('sdfleet putMany() (groups of 1000, single-threaded; MD5 four aggregates at a time in WebAssembly SIMD lanes, the default)', batch, cpuOf.batch, ' (goal ≥ 2x single-threaded)'),
    row('sdfleet putMany() with `md5Lanes: false` (node:crypto, one aggregate at a time)', batchNoLanes, cpuOf.batchNoLanes),
    row('sdfleet putMany() with `hashWorkers: 1` (MD5 of aggregates on a worker thread while it keeps up)', hashed, cpuOf.hashed, ' (goal ≥ 3x)'),
    row('aws-kinesis-agg aggregate()', theirs, cpuOf.theirs),
    row('MD5 alone over the same bytes (50 KiB bodies), node:crypto one body at a time', md5, cpuOf.md5),
    row('MD5 alone over the same bytes, four bodies at a time in the SIMD lanes (`md5-lanes.ts`): the floor on one thread', md5Lanes, cpuOf.md5Lanes),
    '',
    `Against the floor on one thread (MD5 in the lanes alone), put() fire-and-forget reaches ${pct(median(ours) / median(md5Lanes))} of its bytes/s, observed ${pct(median(observedPut) / median(md5Lanes))}, putMany() ${pct(median(batch) / median(md5Lanes))} and putMany() with a hash worker ${pct(median(hashed) / median(md5Lanes))}; against node:crypto's MD5 alone, ${pct(median(ours) / median(md5))}, ${pct(median(observedPut) / median(md5))}, ${pct(median(batch) / median(md5))} and ${pct(median(hashed) / median(md5))}. A warm-up ran every path once at full size first. Machine load while measuring (1-minute load average over ${cpus().length} cores): ${loads.map((x) => fmt(x, 1)).join(', ')}: a hash worker helps only as far as a core is free. CPU ns/record is this process's CPU time on all its threads (GC and hash workers included) per record: it moves far less with the load of other processes than records/s does, so on a shared machine the ratio by CPU time is the steadier comparison; it cannot show what a hash worker gains (MD5 moves to another core, it does not shrink).`,
    '',
    `Byte overhead of aggregation (last run; ${fmt(m.UserRecordsPerKinesisRecord.mean, 1)} user records per Kinesis record on average): Kinesis records carried ${fmt(sentBytes)} metered bytes (data + key) for ${fmt(dataBytes)} bytes of user data and ${fmt(keyBytes)} bytes of partition keys.`,
    '',
    `| Compared with | Overhead |`,
    '|---|---:|',
    `| the same records sent raw (data + partition key, what Kinesis meters) | ${pct(sentBytes / (dataBytes + keyBytes) - 1, 2)} |`,
    `| the user data bytes alone | ${pct(sentBytes / dataBytes - 1, 2)} |`,
    '',
    `Sustained overload against a fake stream of 2 shards that throttles like Kinesis (per-shard token buckets, 1 MiB/s and 1000 records/s, 1 s capacity starting empty, 15 ms latency), producers using \`await ready()\` and \`reuseBuffers: true\` as above (maxBufferedBytes 8 MiB for the single producer, 1 MiB each in the fleets). Utilization counts accepted bytes over the whole run, start-up included; failed records are UserRecordExpired (a producer whose share stayed small could not drain its 1 MiB buffer within recordTtlMs):`,
    '',
    '| Scenario | Byte utilization | Throttled record attempts | Throttled requests | Acked / failed | RSS first → last (max), MiB |',
    '|---|---:|---:|---:|---:|---|',
    ...[
      [`1 producer, 5x offered load, ${seconds} s (defaults)`, single],
      [`20 producers, 1.5x offered load, ${fleetSeconds} s (defaults: 100 %, adaptive)`, fleet],
      [`20 producers, 1.5x, ${fleetSeconds} s, KPL-like (150 %, not adaptive)`, kplLike],
    ].map(([name, r]) => {
      const x = r as typeof single;
      return `| ${name as string} | ${pct(x.utilization)} | ${pct(x.throttledAttempts, 2)} | ${pct(x.throttledRequests, 2)} | ${fmt(x.put)} / ${fmt(x.failed)} | ${fmt(x.rss[0])} → ${fmt(x.rss.at(-1) ?? 0)} (${fmt(Math.max(...x.rss))}) |`;
    }),
    '',
    `RSS samples of the single-producer run (every ${quick ? 2 : 5} s, MiB): ${single.rss.map((x) => fmt(x)).join(', ')}.`,
  ];
  console.log((throughputOnly ? out.slice(0, out.indexOf('') + 17) : out).join('\n'));
}

await main();
