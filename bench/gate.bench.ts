// The shard gate's benchmark, side by side in one run (medians of repetitions):
//  (a) one producer offered 3× the capacity of 2 shards: byte-limit utilization and throttled
//      requests, for the producer's defaults (adaptive, 100 %) and the KPL's (150 %, fixed);
//  (b) 20 independent producers sharing 2 shards (the gateway fleet), same two configurations;
//  (c) the gate's own cost: raw-SDK PutRecords throughput through the gate (limits off) against
//      kinesalite directly, same load, same process.
import { loadavg } from 'node:os';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { KinesisProducer, createLocalKinesisClient, type LimiterOptions } from '../producer/index.js';
import { startLocalStream, type LocalStream } from '../pipeline/stream/local-stream.js';
import type { GateAccounting } from '../pipeline/stream/accounting.js';
import { offer } from '../test/stream/support/offer.js';

const MiB = 1024 * 1024;
const SHARDS = 2;
const RECORD_BYTES = 1024;
const WARMUP_MS = 3000;
const DURATION_MS = 10_000;
// The fleet runs longer: its start (20 producers discovering a shard's share together) is a
// transient, and 10 s would weigh it as much as the steady state a gateway fleet lives in.
const FLEET_DURATION_MS = 20_000;

interface Config {
  name: string;
  rateLimitPercent?: number;
  adaptive?: boolean;
}
const OURS: Config = { name: 'sdfleet defaults (adaptive, 100 %)' };
const KPL: Config = { name: 'KPL defaults (150 %, not adaptive)', rateLimitPercent: 150, adaptive: false };

interface Result {
  utilization: number;
  throttledRequests: number;
  throttledRecords: number;
  admittedMiBps: number;
  failures: Record<string, number>;
  /** Jain's fairness index of acknowledged user bytes per producer (1 = equal shares), whole run (start-up and final flush included). */
  fairness: number;
  /** Jain's index of the user records each producer got acknowledged in the steady window (the offer's second half). */
  steadyFairness: number;
  /** Throttled requests over all requests in the steady window. */
  steadyThrottledRequests: number;
  /** 1-minute load average when the run started. */
  load: number;
}

/** The offer's second half: the fleet's start-up transient is over, the final flush not begun. */
const steadyWindow = (durationMs: number) => ({ from: Math.ceil(durationMs / 2000), to: Math.floor(durationMs / 1000) });

interface Outcome {
  offered: number;
  failures: Record<string, number>;
  acked: number;
  /** Acknowledged user records per wall-clock second (as the gate counts them) since the fleet's start. */
  ackedPerSecond: number[];
  /** Sum of the producer's shard paces (fractions of a shard's cap), sampled each second. */
  paces: number[];
  requestMs: { p50: number; p99: number };
  stats: string;
}

/** Jain's index: (Σx)² / (n·Σx²). */
function jain(xs: number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)} %`;

/** `producers` producers share `load`× the byte capacity of 2 shards for `durationMs`. */
async function saturate(config: Config, producers: number, load: number, durationMs: number, run: number): Promise<Result> {
  const streamName = `bench-${producers}-${run}`;
  const stack = await startLocalStream({ streamName, shardCount: SHARDS });
  const clients: KinesisClient[] = [];
  const sampled: KinesisProducer[] = [];
  const paces: number[][] = Array.from({ length: producers }, () => []);
  const sampler = setInterval(() => {
    sampled.forEach((p, i) => paces[i].push(Object.values(p.metrics().rateFactors).reduce((a, b) => a + b, 0)));
  }, 1000);
  const machineLoad = loadavg()[0];
  try {
    const start = Date.now();
    const outcomes: Outcome[] = await Promise.all(
      Array.from({ length: producers }, async (_, i): Promise<Outcome> => {
        const client = createLocalKinesisClient({ endpoint: stack.endpoint });
        clients.push(client);
        const producer = new KinesisProducer({
          client,
          streamName,
          rateLimitPercent: config.rateLimitPercent,
          adaptive: config.adaptive,
          maxBufferedBytes: Math.max(MiB, (4 * MiB) / producers),
          metricsIntervalMs: 0,
          limiter: process.env.BENCH_LIMITER === undefined ? undefined : (JSON.parse(process.env.BENCH_LIMITER) as LimiterOptions),
        });
        sampled[i] = producer;
        const ackedPerSecond: number[] = [];
        const counted = countAcks(producer, start, ackedPerSecond);
        const { settled, offered } = await offer({
          producer: counted,
          bytesPerSecond: (load * SHARDS * MiB) / producers,
          recordBytes: RECORD_BYTES,
          durationMs,
          source: `p${i}`,
        });
        await producer.close();
        const m = producer.metrics().stream;
        const requestMs = m.RequestTime;
        const stats = `throttled ${m.ThrottledRecords}/${m.KinesisRecordsPut} kr, ${m.UserRecordsPerKinesisRecord.mean} ur/kr, ${m.PutRequests} requests`;
        const failures: Record<string, number> = {};
        for (const s of settled) {
          if (s.error === undefined) continue;
          const code = (s.error as { code?: string }).code ?? 'unknown';
          failures[code] = (failures[code] ?? 0) + 1;
        }
        return { offered, failures, acked: settled.filter((x) => x.error === undefined).length, ackedPerSecond, paces: paces[i], requestMs, stats };
      }),
    );
    if (process.env.BENCH_TRACE === '1') trace(stack, start, outcomes);
    return { ...measure(stack, start, durationMs, outcomes), load: machineLoad };
  } finally {
    clearInterval(sampler);
    for (const c of clients) c.destroy();
    await stack.close();
  }
}

/**
 * Utilization per shard over the full seconds from the end of warm-up to the end of the offer,
 * starting after a throttle that shows the gate's bucket empty: the last one before warm-up, or
 * else the first one after it (before it, the bucket may still hold its 1 s burst, which would
 * count capacity that is not sustained). A shard never throttled is counted from warm-up.
 */
function measure(stack: LocalStream, start: number, durationMs: number, outcomes: Outcome[]): Omit<Result, 'load'> {
  const warm = Math.ceil((start + WARMUP_MS) / 1000);
  const last = Math.floor((start + durationMs) / 1000) - 1;
  const acc = stack.accounting();
  let bytes = 0;
  let capacity = 0;
  for (const shard of acc.shards) {
    const before = shard.seconds.findLast((s) => s.second < warm && s.throttledRecords > 0)?.second;
    const drained = before ?? shard.seconds.find((s) => s.second >= warm && s.throttledRecords > 0)?.second ?? warm - 1;
    const first = Math.max(warm, drained + 1);
    for (const s of shard.seconds) if (s.second >= first && s.second <= last) bytes += s.acceptedBytes;
    capacity += MiB * Math.max(0, last - first + 1);
  }
  const t = acc.totals;
  const failures: Record<string, number> = {};
  for (const o of outcomes) for (const [code, n] of Object.entries(o.failures)) failures[code] = (failures[code] ?? 0) + n;
  return {
    utilization: bytes / capacity,
    throttledRequests: t.throttledRequests / Math.max(1, t.putRequests),
    throttledRecords: t.throttledRecords / Math.max(1, t.throttledRecords + t.acceptedRecords),
    admittedMiBps: (outcomes.reduce((n, o) => n + o.offered, 0) * RECORD_BYTES) / MiB / (durationMs / 1000),
    failures,
    fairness: jain(outcomes.map((o) => o.acked)),
    ...steady(acc, start, durationMs, outcomes),
  };
}

/** Fairness and throttled requests over the steady window (seconds counted from the fleet's start). */
function steady(acc: GateAccounting, start: number, durationMs: number, outcomes: Outcome[]): Pick<Result, 'steadyFairness' | 'steadyThrottledRequests'> {
  const { from, to } = steadyWindow(durationMs);
  const origin = Math.floor(start / 1000);
  let requests = 0;
  let throttled = 0;
  for (const s of acc.requests.seconds) {
    const second = s.second - origin;
    if (second < from || second >= to) continue;
    requests += s.putRequests;
    throttled += s.throttledRequests;
  }
  const window = outcomes.map((o) => o.ackedPerSecond.slice(from, to).reduce((a, b) => a + (b ?? 0), 0));
  return { steadyFairness: jain(window), steadyThrottledRequests: throttled / Math.max(1, requests) };
}

/** The producer as `offer` sees it, counting each acknowledged put in its second since `start`. */
function countAcks(producer: KinesisProducer, start: number, perSecond: number[]): KinesisProducer {
  const count = () => {
    const second = Math.floor(Date.now() / 1000) - Math.floor(start / 1000); // the gate's seconds
    perSecond[second] = (perSecond[second] ?? 0) + 1;
  };
  return {
    ready: () => producer.ready(),
    flush: () => producer.flush(),
    put: (record: Parameters<KinesisProducer['put']>[0]) =>
      producer.put(record).then((result) => {
        count();
        return result;
      }),
  } as unknown as KinesisProducer;
}

/** BENCH_TRACE=1: per second from the start, each shard's accepted KiB and throttled records, and the acked records per producer. */
function trace(stack: LocalStream, start: number, outcomes: Outcome[]): void {
  const first = Math.floor(start / 1000);
  for (const shard of stack.accounting().shards) {
    const line = shard.seconds.map((s) => `${s.second - first}:${Math.round(s.acceptedBytes / 1024)}/${s.throttledRecords}`);
    console.error(`${shard.shardId} KiB/throttled per second: ${line.join(' ')}`);
  }
  console.error(`acked per producer: ${outcomes.map((o) => o.acked).join(' ')}`);
  outcomes.forEach((o, i) => {
    const acked = Array.from(o.ackedPerSecond, (n) => n ?? 0).join(' ');
    console.error(`p${i} ${o.stats} acked/s: ${acked} | pace: ${o.paces.map((f) => f.toFixed(3)).join(' ')}`);
  });
  console.error(`request ms p50/p99 per producer: ${outcomes.map((o) => `${o.requestMs.p50}/${o.requestMs.p99}`).join(' ')}`);
}

/** Raw PutRecords (500 × 1 KiB) from `concurrency` loops for `durationMs`; records/s stored. */
async function rawThroughput(endpoint: string, streamName: string, durationMs: number, concurrency: number): Promise<number> {
  const client = createLocalKinesisClient({ endpoint });
  const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `k${i}`, Data: Buffer.alloc(RECORD_BYTES - `k${i}`.length, 'x') }));
  const start = Date.now();
  let stored = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() - start < durationMs) {
        const out = await client.send(new PutRecordsCommand({ StreamName: streamName, Records: records }));
        stored += records.length - (out.FailedRecordCount ?? 0);
      }
    }),
  );
  const rate = stored / ((Date.now() - start) / 1000);
  client.destroy();
  return rate;
}

/** Medians of each side and of the per-pair cost (pairs share warm-up and machine state, so their ratio is the figure to trust). */
async function gateOverhead(reps: number): Promise<{ direct: number; gate: number; cost: number }> {
  const direct: number[] = [];
  const gated: number[] = [];
  const costs: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const stack = await startLocalStream({ streamName: 'overhead', shardCount: SHARDS, gate: { limits: { bytesPerSecond: 1e12, recordsPerSecond: 1e12 } } });
    try {
      // Alternate the order so warm-up and GC favour neither side.
      const pair =
        rep % 2 === 0
          ? [await rawThroughput(stack.upstreamEndpoint, 'overhead', 4000, 4), await rawThroughput(stack.endpoint, 'overhead', 4000, 4)]
          : [await rawThroughput(stack.endpoint, 'overhead', 4000, 4), await rawThroughput(stack.upstreamEndpoint, 'overhead', 4000, 4)].reverse();
      direct.push(pair[0]);
      gated.push(pair[1]);
      costs.push(1 - pair[1] / pair[0]);
    } finally {
      await stack.close();
    }
  }
  return { direct: median(direct), gate: median(gated), cost: median(costs) };
}

async function scenario(producers: number, load: number, durationMs: number, reps: number): Promise<Array<{ config: Config; runs: Result[] }>> {
  const out = [OURS, KPL].map((config) => ({ config, runs: [] as Result[] }));
  let run = 0;
  for (let rep = 0; rep < reps; rep++) {
    // Alternate which configuration goes first, so machine state favours neither.
    for (const entry of rep % 2 === 0 ? out : [...out].reverse()) {
      entry.runs.push(await saturate(entry.config, producers, load, durationMs, run++));
      console.error(`gate bench: ${producers} producer(s), ${entry.config.name}: ${JSON.stringify(entry.runs.at(-1))}`);
    }
  }
  return out;
}

function rows(label: string, results: Array<{ config: Config; runs: Result[] }>, goal: { utilization: number; throttled: number; fairness?: number; noExpiry?: boolean }): string[] {
  return results.map(({ config, runs }) => {
    const u = median(runs.map((r) => r.utilization));
    const tr = median(runs.map((r) => r.throttledRequests));
    const trec = median(runs.map((r) => r.throttledRecords));
    const admitted = median(runs.map((r) => r.admittedMiBps));
    const failed = new Map<string, number>();
    for (const r of runs) for (const [code, n] of Object.entries(r.failures)) failed.set(code, (failed.get(code) ?? 0) + n);
    const failedText = failed.size === 0 ? '0' : [...failed].map(([code, n]) => `${n} ${code}`).join(', ');
    const fairness = median(runs.map((r) => r.fairness));
    const steadyFairness = median(runs.map((r) => r.steadyFairness));
    const steadyThrottled = median(runs.map((r) => r.steadyThrottledRequests));
    const expired = failed.get('UserRecordExpired') ?? 0;
    const verdicts = [`${u >= goal.utilization ? 'meets' : 'misses'} ≥ ${pct(goal.utilization, 0)}`, `${tr <= goal.throttled ? 'meets' : 'misses'} ≤ ${pct(goal.throttled)}`];
    if (goal.noExpiry) verdicts.push(`${expired === 0 ? 'meets' : 'misses'} 0 expired`);
    if (goal.fairness !== undefined) verdicts.push(`${fairness >= goal.fairness ? 'meets' : 'misses'} fairness ≥ ${goal.fairness}`);
    const verdict = config === OURS ? verdicts.join('; ') : 'reference';
    return `| ${label} | ${config.name} | ${pct(u)} | ${pct(tr, 2)} / ${pct(steadyThrottled, 2)} | ${pct(trec, 2)} | ${admitted.toFixed(1)} | ${fairness.toFixed(3)} / ${steadyFairness.toFixed(3)} | ${failedText} | ${verdict} |`;
  });
}

// BENCH_ONLY=fleet runs one fleet run with the defaults and prints its figures (for iterating).
if (process.env.BENCH_ONLY === 'fleet') {
  console.log(JSON.stringify(await saturate(OURS, 20, 1.5, FLEET_DURATION_MS, 0)));
  process.exit(0);
}

const SINGLE_LOAD = 3;
const FLEET_LOAD = 1.5;
const single = await scenario(1, SINGLE_LOAD, DURATION_MS, 3);
const FLEET_REPS = 3;
const fleet = await scenario(20, FLEET_LOAD, FLEET_DURATION_MS, FLEET_REPS);
const fleetLoads = fleet[0].runs.map((r) => r.load);
const overhead = await gateOverhead(3);

console.log(`## Shard gate: producer utilization and throttling, gate overhead

kinesalite behind the shard gate at the AWS write limits (1 MiB/s and 1000 records/s per shard), 2 shards, ${RECORD_BYTES}-byte user records (aggregated by the producer), offered at ${SINGLE_LOAD}× the byte capacity by one producer and at ${FLEET_LOAD}× by a fleet of 20 (each offering 1/20), all with \`await producer.ready()\` backpressure. Utilization is the gate's accepted bytes against 1 MiB/s per shard, over the full seconds after a ${WARMUP_MS / 1000} s warm-up (and after a throttle, so the gate's 1 s burst is not counted as sustained capacity). Throttled requests: Put requests with at least one record throttled by the gate, over all Put requests; throttled records: Kinesis records throttled over records attempted. Medians of 3 runs of ${DURATION_MS / 1000} s (single producer) and ${FLEET_REPS} runs of ${FLEET_DURATION_MS / 1000} s (fleet; start-up throttles included; the two configurations alternate). "put() admitted" is the rate the producers accepted puts at; the rest of the offer was held back by backpressure. Fairness is Jain's index of the user records each producer got acknowledged (1 = equal shares; median over runs): "whole" over the run (start-up and final flush included; the goal's figure), "steady" over the acknowledgements in the offer's second half (seconds ${steadyWindow(FLEET_DURATION_MS).from}–${steadyWindow(FLEET_DURATION_MS).to} from the fleet's start), where a producer that escaped the start-up throttles shows as a lasting surplus; throttled requests likewise. Utilization counts from the last throttle before warm-up (the bucket was empty then; it may have refilled a little by the end of warm-up), or from the first one after. Failed puts are user records that settled with an error (by code), summed over runs.

| Scenario | Producer config | Byte-limit utilization | Throttled requests (whole / steady) | Throttled records | put() admitted MiB/s | Fairness, Jain (whole / steady) | Failed puts | Goal |
|---|---|---|---|---|---|---|---|---|
${rows(`1 producer, ${SINGLE_LOAD}×`, single, { utilization: 0.97, throttled: 0.005 }).join('\n')}
${rows(`20 producers, ${FLEET_LOAD}×`, fleet, { utilization: 0.97, throttled: 0.02, fairness: 0.95, noExpiry: true }).join('\n')}

Fleet runs with the sdfleet defaults (utilization, throttled requests, whole-run Jain, steady Jain): ${fleet[0].runs.map((r) => `${pct(r.utilization)}, ${pct(r.throttledRequests, 2)}, ${r.fairness.toFixed(3)}, ${r.steadyFairness.toFixed(3)}`).join('; ')}. Machine load (1-minute average over 2 cores) at the start of each fleet run: ${fleetLoads.map((l) => l.toFixed(1)).join(', ')}.

**Gate overhead** (raw SDK, 4 concurrent PutRecords of 500 × ${RECORD_BYTES} B for 4 s, gate limits off, median of 3 alternating pairs): direct kinesalite ${Math.round(overhead.direct)} records/s, through the gate ${Math.round(overhead.gate)} records/s; median per-pair cost **${pct(overhead.cost)}** (goal ≤ 20 %, ${overhead.cost <= 0.2 ? 'met' : 'missed'}). Load generator, gate and kinesalite share one process and the machine's 2 cores, so the cost includes the gate's CPU taken from kinesalite.`);
