// The producer benchmark's workload (200-byte telemetry records) and its overload scenario: a
// fake 2-shard stream that throttles like Kinesis, offered more than it takes. The scenario runs
// in a child process of plain JavaScript (bench/producer.bench.ts bundles it), so its RSS is the
// producer's and the workload's, not the TypeScript loader's.
import { ListShardsCommand, type PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { KinesisProducer, MAX_HASH_KEY, hashKeyOf, type CommandSender } from '../producer/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- workload: 200-byte JSON telemetry records from 1000 vehicles ------------------------------
export const VEHICLES = 1000;
function telemetry(i: number): { partitionKey: string; data: Buffer } {
  const v = i % VEHICLES;
  const base = {
    event_uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    event_name: 'vehicle:telemetry',
    created_at: 1_763_769_600 + i / 1000,
    vehicle_id: `veh-${String(v).padStart(5, '0')}`,
    seq: Math.floor(i / VEHICLES) + 1,
    lat: 32.7157,
    lon: -117.1611,
    speed_kmh: 42.5,
    co2_g: 1.234,
  };
  let json = JSON.stringify(base);
  json = JSON.stringify({ ...base, pad: 'x'.repeat(Math.max(0, 200 - json.length - 10)) });
  return { partitionKey: base.vehicle_id, data: Buffer.from(json) };
}
export const POOL = Array.from({ length: 20_000 }, (_, i) => telemetry(i));

export function evenShardList(n: number) {
  const width = (MAX_HASH_KEY + 1n) / BigInt(n);
  return Array.from({ length: n }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: { StartingHashKey: (width * BigInt(i)).toString(), EndingHashKey: (i === n - 1 ? MAX_HASH_KEY : width * BigInt(i + 1) - 1n).toString() },
    SequenceNumberRange: { StartingSequenceNumber: '1' },
  }));
}

// ---- shard-like buckets: throttles like Kinesis (per shard, 1 MiB/s and 1000 records/s) -------
class BucketKinesis implements CommandSender {
  private readonly shards = evenShardList(2);
  private readonly buckets = new Map<string, { bytes: number; records: number; at: number }>();
  accepted = { bytes: 0, records: 0 };
  throttled = 0;
  attempts = 0;
  requests = 0;
  throttledRequests = 0;
  constructor(private readonly latencyMs: number) {}
  async send(command: object): Promise<unknown> {
    if (command instanceof ListShardsCommand) return { Shards: this.shards };
    await sleep(this.latencyMs);
    this.requests++;
    let throttledHere = false;
    const now = performance.now();
    const records = (command as PutRecordsCommand).input.Records ?? [];
    const out = records.map((r) => {
      this.attempts++;
      const h = r.ExplicitHashKey !== undefined ? BigInt(r.ExplicitHashKey) : hashKeyOf(r.PartitionKey as string);
      const shard = this.shards.find((s) => h <= BigInt(s.HashKeyRange.EndingHashKey))?.ShardId as string;
      let b = this.buckets.get(shard);
      if (b === undefined) this.buckets.set(shard, (b = { bytes: 0, records: 0, at: now })); // empty at start: utilization never counts a free burst
      const dt = (now - b.at) / 1000;
      b.at = now;
      b.bytes = Math.min(1024 * 1024, b.bytes + dt * 1024 * 1024);
      b.records = Math.min(1000, b.records + dt * 1000);
      const size = (r.Data as Uint8Array).byteLength + Buffer.byteLength(r.PartitionKey as string);
      if (b.bytes < size || b.records < 1) {
        this.throttled++;
        throttledHere = true;
        return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: `Rate exceeded for shard ${shard} in stream bench under account 000000000000.` };
      }
      b.bytes -= size;
      b.records -= 1;
      this.accepted.bytes += size;
      this.accepted.records++;
      return { ShardId: shard, SequenceNumber: '1' };
    });
    if (throttledHere) this.throttledRequests++;
    return { FailedRecordCount: out.filter((o) => o.ErrorCode).length, Records: out };
  }
}

/** Offers `load` x the 2-shard byte capacity for `seconds` through `producers` producers. */
export type OverloadResult = Awaited<ReturnType<typeof overload>>;

export async function overload(options: { producers: number; load: number; seconds: number; sampleEveryS: number; bufferBytes: number; adaptive?: boolean; rateLimitPercent?: number }) {
  const client = new BucketKinesis(15);
  const producers = Array.from(
    { length: options.producers },
    () =>
      new KinesisProducer({
        client,
        streamName: 'bench',
        metricsIntervalMs: 0,
        maxBufferedBytes: options.bufferBytes,
        recordTtlMs: 30_000,
        adaptive: options.adaptive,
        rateLimitPercent: options.rateLimitPercent,
        reuseBuffers: true, // as with a KinesisClient: the fake keeps no reference to the Data it is sent
      }),
  );
  const capacity = 2 * 1024 * 1024; // bytes/s of two shards
  const perProducer = (capacity * options.load) / options.producers;
  const rss: number[] = [];
  let failed = 0;
  let put = 0;
  const started = performance.now();
  let stop = false;
  const sampler = (async () => {
    while (!stop) {
      globalThis.gc?.();
      rss.push(process.memoryUsage().rss / 2 ** 20);
      if (process.env.BENCH_MEM) console.error(JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 2 ** 20)]))));
      await sleep(options.sampleEveryS * 1000);
    }
  })();
  await Promise.all(
    producers.map(async (producer, p) => {
      let sent = 0;
      let i = p * 7919;
      const end = started + options.seconds * 1000;
      while (performance.now() < end) {
        const due = ((performance.now() - started) / 1000) * perProducer;
        // Under overload ready() holds this loop back; stop offering at the end of the run.
        while (sent < due && performance.now() < end) {
          await producer.ready();
          const r = POOL[i++ % POOL.length];
          sent += r.data.byteLength + r.partitionKey.length;
          producer.put(r).then(
            () => put++,
            () => failed++,
          );
        }
        await sleep(5);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const acceptedBytes = client.accepted.bytes;
  stop = true;
  await sampler;
  await Promise.all(producers.map((p) => p.close()));
  return {
    utilization: acceptedBytes / (capacity * elapsed),
    throttledAttempts: client.throttled / client.attempts,
    throttledRequests: client.throttledRequests / client.requests,
    rss,
    failed,
    put,
  };
}
