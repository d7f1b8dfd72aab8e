// A deterministic fleet of producers sharing shards, on a simulated clock: each producer's real
// Limiter and BufferBudget, the gate's own per-shard meter (pipeline/stream/shard-meter.ts), and a
// model of the pipeline in between (per-shard aggregation flushed at 50 KiB or 100 ms, paced
// staging, requests answered after a latency, throttled records retried after a jittered backoff,
// records expiring after the TTL). Callers offer load through `await ready()`, like the gate bench.
import { ShardMeter } from '../../pipeline/stream/shard-meter.js';
import { seededRandom } from '../../pipeline/stream/random.js';
import { BufferBudget } from '../../producer/buffer-budget.js';
import { Limiter, type LimiterOptions, type ShardLimiter } from '../../producer/limiter.js';

const MiB = 1024 * 1024;
const AGGREGATE_BYTES = 51_200;
const MAX_BUFFERED_TIME_MS = 100;
const MAX_IN_FLIGHT = 24;
const BUFFERED_SECONDS_OF_PACE = 2; // as producer/pipeline.ts

export interface FleetOptions {
  producers: number;
  shards: number;
  /** Offered bytes as a multiple of the shards' byte capacity, split evenly over the producers. */
  load: number;
  seconds: number;
  seed?: number;
  recordBytes?: number;
  /** Request round trip; the gate meters a request halfway. Default 5–25 ms. */
  latencyMs?: (random: () => number) => number;
  /** Every this many ms (on average) the whole process stalls for `stallMs` (a CPU-starved machine). */
  stallEveryMs?: number;
  stallMs?: number;
  recordTtlMs?: number;
  /** Seconds before utilisation is counted (the bench's warm-up). Default 3. */
  warmupSeconds?: number;
  limiter?: LimiterOptions;
  /** Largest aggregated Kinesis record. Default 50 KiB, as the producer. */
  aggregateBytes?: number;
  /** When producer `index` starts offering (ms; default 0: all together). Each offers for `seconds`. */
  startMs?: (index: number) => number;
}

export interface FleetResult {
  /** Accepted bytes over the shards' capacity, from the warm-up (or a shard's first throttle) to the end of the offer. */
  utilization: number;
  /** Requests with at least one record throttled, over all requests. */
  throttledRequests: number;
  /** Jain's index of the user records each producer got acknowledged. */
  fairness: number;
  acked: number[];
  /** User records acknowledged per producer per second. */
  ackedPerSecond: number[][];
  expired: number;
  /** Kinesis records each producer sent, and how many of those attempts were throttled. */
  sentRecords: number[];
  throttledRecords: number[];
  /** Each producer's summed shard paces (fractions of a shard's cap), sampled every second. */
  paces: number[][];
  /** Accepted KiB per shard per second, for reading a run. */
  perSecond: number[][];
  throttledPerSecond: number[][];
}

interface Chunk {
  bytes: number;
  records: number;
  receivedAt: number;
  attempts: number;
}

interface Producer {
  index: number;
  start: number;
  limiter: Limiter;
  budget: BufferBudget;
  offered: number;
  acked: number;
  aggregators: Chunk[][];
  queues: Chunk[][];
  inFlight: number;
  rotate: number;
  sent: number;
  throttled: number;
  paces: number[];
}

interface Request {
  producer: Producer;
  items: Array<{ shard: number; chunk: Chunk }>;
  sentAt: number;
  /** Per item, after the gate metered it. */
  admitted?: boolean[];
}

type Event = { at: number; seq: number; run: () => void };

export function jain(xs: readonly number[]): number {
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

export function simulateFleet(options: FleetOptions): FleetResult {
  const random = seededRandom(options.seed ?? 1);
  const recordBytes = options.recordBytes ?? 1024;
  const ttl = options.recordTtlMs ?? 30_000;
  const latency = options.latencyMs ?? ((r) => 5 + 20 * r());
  const endOffer = options.seconds * 1000;
  let now = 0;
  const meter = new ShardMeter({ bytesPerSecond: MiB, recordsPerSecond: 1000, burstSeconds: 1 }, { now: () => now });
  const shardIds = Array.from({ length: options.shards }, (_, i) => `shard-${i}`);
  const startMs = options.startMs ?? (() => 0);
  const lastStart = Math.max(...Array.from({ length: options.producers }, (_, i) => startMs(i)));
  const end = lastStart + endOffer + ttl + 10_000;
  const seconds = Math.ceil(end / 1000) + 1;
  const perSecond = shardIds.map(() => new Array<number>(seconds).fill(0));
  const throttledPerSecond = shardIds.map(() => new Array<number>(seconds).fill(0));
  let requests = 0;
  let throttledRequests = 0;
  let expired = 0;

  // Events (answers, retries, gate arrivals) in time order.
  const events: Event[] = [];
  let seq = 0;
  const at = (time: number, run: () => void) => {
    const e = { at: time, seq: seq++, run };
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid].at < e.at || (events[mid].at === e.at && events[mid].seq < e.seq)) lo = mid + 1;
      else hi = mid;
    }
    events.splice(lo, 0, e);
  };

  const ackedPerSecond = Array.from({ length: options.producers }, () => new Array<number>(seconds).fill(0));
  const perProducerBytesPerSecond = (options.load * options.shards * MiB) / options.producers;
  const producers: Producer[] = Array.from({ length: options.producers }, (_, index) => {
    const start = startMs(index);
    const limiter = new Limiter({ ...options.limiter, random: seededRandom((options.seed ?? 1) * 1000 + index + 1) });
    const producer: Producer = {
      index,
      start,
      limiter,
      // As the pipeline: over pace when the buffer, or any shard's queue at that shard's pace, takes too long to send.
      budget: new BufferBudget(Math.max(MiB, (4 * MiB) / options.producers), 100_000, 'wait', (bufferedBytes) => {
        const seconds = Math.min(BUFFERED_SECONDS_OF_PACE, ttl / 3000);
        if (bufferedBytes >= limiter.bytesPerSecond() * seconds) return true;
        return producer.queues.some((queue, shard) => queue.reduce((n, c) => n + c.bytes, 0) >= limiter.forShard(shardIds[shard], now).bytesPerSecond * seconds);
      }),
      offered: 0,
      acked: 0,
      aggregators: shardIds.map(() => []),
      queues: shardIds.map(() => []),
      inFlight: 0,
      rotate: 0,
      sent: 0,
      throttled: 0,
      paces: [],
    };
    return producer;
  });

  const shardLimiter = (p: Producer, shard: number): ShardLimiter => p.limiter.forShard(shardIds[shard], now);

  const flushAggregator = (p: Producer, shard: number) => {
    const agg = p.aggregators[shard];
    if (agg.length === 0) return;
    p.queues[shard].push({
      bytes: agg.reduce((n, c) => n + c.bytes, 0),
      records: agg.reduce((n, c) => n + c.records, 0),
      receivedAt: Math.min(...agg.map((c) => c.receivedAt)),
      attempts: Math.max(...agg.map((c) => c.attempts)),
    });
    p.aggregators[shard] = [];
  };

  const route = (p: Producer, shard: number, chunk: Chunk) => {
    shardLimiter(p, shard); // created on first use, as the transport does: its pace counts in ready()
    const agg = p.aggregators[shard];
    const held = agg.reduce((n, c) => n + c.bytes, 0);
    // Aggregates sized to the shard's pace, as producer/kinesis-transport.ts.
    const limit = Math.min(options.aggregateBytes ?? AGGREGATE_BYTES, shardLimiter(p, shard).aggregateBytes(MAX_BUFFERED_TIME_MS));
    if (held + chunk.bytes > limit) flushAggregator(p, shard);
    p.aggregators[shard].push(chunk);
  };

  const answer = (req: Request) => {
    const p = req.producer;
    p.inFlight--;
    const admitted = req.admitted as boolean[];
    const perShard = new Map<number, { sent: number; throttled: number }>();
    req.items.forEach(({ shard, chunk }, i) => {
      let s = perShard.get(shard);
      if (s === undefined) perShard.set(shard, (s = { sent: 0, throttled: 0 }));
      s.sent++;
      if (admitted[i]) {
        p.acked += chunk.records;
        ackedPerSecond[p.index][Math.floor(now / 1000)] += chunk.records;
        p.budget.release(chunk.bytes, chunk.records);
        return;
      }
      s.throttled++;
      p.throttled++;
      chunk.attempts++;
      // Full-jitter exponential backoff, as producer/retrier.ts.
      const delay = Math.floor(random() * Math.min(5000, 100 * 2 ** (chunk.attempts - 1)));
      if (now + delay >= chunk.receivedAt + ttl) {
        expired += chunk.records;
        p.budget.release(chunk.bytes, chunk.records);
        return;
      }
      at(now + delay, () => route(p, shard, chunk));
    });
    for (const [shard, s] of perShard) shardLimiter(p, shard).answered(s.throttled / s.sent, req.sentAt, now);
  };

  const send = (p: Producer, items: Request['items']) => {
    const req: Request = { producer: p, items, sentAt: now };
    p.inFlight++;
    p.sent += items.length;
    requests++;
    const rtt = latency(random);
    at(now + rtt / 2, () => {
      req.admitted = items.map(({ shard, chunk }) => meter.admit('s', shardIds[shard], chunk.bytes));
      const second = Math.floor(now / 1000);
      items.forEach(({ shard, chunk }, i) => {
        if (req.admitted?.[i]) perSecond[shard][second] += chunk.bytes / 1024;
        else throttledPerSecond[shard][second]++;
      });
      if (req.admitted.some((a) => !a)) throttledRequests++;
      at(now + rtt / 2, () => answer(req));
    });
  };

  const tick = (p: Producer) => {
    if (now < p.start) return;
    // The caller: offers its share, waiting on ready() (room under the pace-bounded budget).
    if (now < p.start + endOffer) {
      const due = Math.floor((((now - p.start) / 1000) * perProducerBytesPerSecond) / recordBytes);
      while (p.offered < due && (p.budget.hasRoom || p.budget.records === 0)) {
        if (!p.budget.tryAcquire(recordBytes)) break;
        route(p, Math.floor(random() * options.shards), { bytes: recordBytes, records: 1, receivedAt: now, attempts: 0 });
        p.offered++;
      }
    }
    // The pump: aggregators due by age, then paced staging per shard, round robin.
    for (let s = 0; s < options.shards; s++) {
      const agg = p.aggregators[s];
      if (agg.length > 0 && (now - Math.min(...agg.map((c) => c.receivedAt)) >= MAX_BUFFERED_TIME_MS || now >= p.start + endOffer)) flushAggregator(p, s);
    }
    if (p.inFlight >= MAX_IN_FLIGHT) return;
    const items: Request['items'] = [];
    p.rotate = (p.rotate + 1) % options.shards;
    for (let i = 0; i < options.shards; i++) {
      const shard = (p.rotate + i) % options.shards;
      const queue = p.queues[shard];
      const limiter = shardLimiter(p, shard);
      while (queue.length > 0) {
        const head = queue[0];
        if (head.receivedAt + ttl <= now) {
          queue.shift();
          expired += head.records;
          p.budget.release(head.bytes, head.records);
          continue;
        }
        if (!limiter.tryTake(head.bytes, now)) break;
        items.push({ shard, chunk: queue.shift() as Chunk });
        if (items.length >= 500) break;
      }
    }
    if (items.length > 0) send(p, items);
  };

  let stallUntil = 0;
  for (now = 0; now < end; now++) {
    if (options.stallEveryMs !== undefined && now >= stallUntil && random() < 1 / options.stallEveryMs) stallUntil = now + (options.stallMs ?? 0);
    if (now < stallUntil) continue; // nothing in the process runs; the gate's buckets still refill
    while (events.length > 0 && events[0].at <= now) (events.shift() as Event).run();
    if (now % 1000 === 0) for (const p of producers) p.paces.push(shardIds.reduce((n, id) => n + p.limiter.forShard(id, now).factor, 0));
    for (const p of producers) tick(p);
    if (events.length === 0 && producers.every((p) => now > p.start + endOffer && p.budget.records === 0)) break;
  }

  // Utilisation as the gate bench measures it.
  const warm = options.warmupSeconds ?? 3;
  const last = Math.floor(endOffer / 1000) - 1;
  let bytes = 0;
  let capacity = 0;
  for (let s = 0; s < options.shards; s++) {
    const firstThrottle = throttledPerSecond[s].findIndex((n, second) => second >= warm && n > 0);
    const first = Math.max(warm, (firstThrottle < 0 ? warm : firstThrottle) + 1);
    for (let second = first; second <= last; second++) bytes += perSecond[s][second] * 1024;
    capacity += MiB * Math.max(0, last - first + 1);
  }
  const acked = producers.map((p) => p.acked);
  return {
    utilization: bytes / capacity,
    throttledRequests: throttledRequests / Math.max(1, requests),
    fairness: jain(acked),
    acked,
    ackedPerSecond,
    expired,
    sentRecords: producers.map((p) => p.sent),
    throttledRecords: producers.map((p) => p.throttled),
    paces: producers.map((p) => p.paces),
    perSecond: perSecond.map((xs) => xs.slice(0, options.seconds + 2).map(Math.round)),
    throttledPerSecond: throttledPerSecond.map((xs) => xs.slice(0, options.seconds + 2)),
  };
}
