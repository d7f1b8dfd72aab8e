// Integration: the producer against real kinesalite on loopback; read back and decode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, SplitShardCommand, DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { once } from 'node:events';
import { KinesisProducer, createPutStream, deaggregate, hashKeyOf, isAggregated, type PutResult } from '../../producer/index.js';
import { startKinesalite, type LocalKinesis } from './kinesalite-fixture.js';

let kinesis: LocalKinesis;

beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis.stop();
});

interface ReadRecord {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
  kinesisPartitionKey: string;
  explicitHashKey?: string;
  aggregated: boolean;
  user: { partitionKey: string; explicitHashKey?: string; data: string }[];
}

/** Reads every shard from TRIM_HORIZON to the end and de-aggregates what it finds. */
async function readAll(stream: string): Promise<ReadRecord[]> {
  const out: ReadRecord[] = [];
  const shards = (await kinesis.client.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  for (const shard of shards) {
    let iterator = (
      await kinesis.client.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
    ).ShardIterator;
    for (;;) {
      const page = await kinesis.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        const data = r.Data as Uint8Array;
        out.push({
          shardId: shard.ShardId as string,
          startingHashKey: BigInt(shard.HashKeyRange?.StartingHashKey as string),
          endingHashKey: BigInt(shard.HashKeyRange?.EndingHashKey as string),
          kinesisPartitionKey: r.PartitionKey as string,
          aggregated: isAggregated(data),
          user: deaggregate(data, r.PartitionKey as string).map((u) => ({
            partitionKey: u.partitionKey,
            explicitHashKey: u.explicitHashKey,
            data: Buffer.from(u.data).toString('utf8'),
          })),
        });
      }
      if ((page.Records ?? []).length === 0 || page.MillisBehindLatest === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

describe('KinesisProducer against kinesalite', () => {
  it('acknowledges N puts and the stream holds exactly those N user records, in per-key order, on their shards', async () => {
    await kinesis.createStream('telemetry', 4);
    // One request at a time: Kinesis (and kinesalite) order concurrent requests to one shard as they
    // like, so per-key order holds only then (producer README); aggregates now go out as they finish.
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'telemetry', maxBufferedTimeMs: 20, maxInFlight: 1 });
    const n = 3000;
    const puts: Promise<PutResult>[] = [];
    for (let i = 0; i < n; i++) {
      const vehicle = `vehicle-${i % 37}`;
      puts.push(producer.put({ partitionKey: vehicle, data: JSON.stringify({ vehicle_id: vehicle, seq: Math.floor(i / 37) + 1, i }) }));
    }
    const acks = await Promise.all(puts);
    await producer.close();
    expect(acks).toHaveLength(n);
    expect(acks.every((a) => a.shardId.startsWith('shardId-') && a.sequenceNumber.length > 0 && a.attempts === 1)).toBe(true);

    const m = producer.metrics().stream;
    expect(m.UserRecordsReceived).toBe(n);
    expect(m.UserRecordsPut).toBe(n);
    expect(m.UserRecordsPending).toBe(0);
    expect(m.UserRecordsFailed + m.UserRecordsDropped).toBe(0);

    const read = await readAll('telemetry');
    const user = read.flatMap((r) => r.user.map((u) => JSON.parse(u.data) as { vehicle_id: string; seq: number; i: number }));
    expect(user).toHaveLength(n);
    expect(new Set(user.map((u) => u.i)).size).toBe(n);
    expect(read.some((r) => r.aggregated)).toBe(true);
    expect(m.KinesisRecordsPut).toBe(read.length);

    // Per partition key the stream order is the put order (no retries happened, one request at a time).
    const byKey = new Map<string, number[]>();
    for (const u of user) byKey.set(u.vehicle_id, [...(byKey.get(u.vehicle_id) ?? []), u.seq]);
    for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    for (const r of read) {
      // Every user record's own hash key lies in the shard it was read from (KCL would drop others).
      for (const u of r.user) {
        const h = hashKeyOf(u.partitionKey);
        expect(h >= r.startingHashKey && h <= r.endingHashKey).toBe(true);
      }
      if (r.aggregated) expect(r.kinesisPartitionKey).toBe('a');
    }
  });

  it('putMany() and the Writable on top of it deliver every record once, and report refused ones with their reason', async () => {
    await kinesis.createStream('batches', 1); // kinesalite allows 10 shards per account across this file
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'batches', maxBufferedTimeMs: 20, metricsIntervalMs: 0 });
    const records = Array.from({ length: 2000 }, (_, i) => ({ partitionKey: `vehicle-${i % 41}`, data: JSON.stringify({ i }) }));
    const many = await producer.putMany([...records.slice(0, 1000), { partitionKey: '', data: 'refused' }]);
    expect(many.acked).toBe(1000);
    expect(many.failed).toHaveLength(1);
    expect(many.failed[0]).toMatchObject({ reason: 'InvalidArgument', attempts: [] });
    expect(new TextDecoder().decode(many.failed[0].record.data)).toBe('refused');

    const stream = createPutStream(producer);
    for (const r of records.slice(1000)) if (!stream.write(r)) await once(stream, 'drain');
    stream.end();
    await once(stream, 'finish');
    expect(stream.result).toEqual({ acked: 1000, failed: [] });
    await producer.close();

    const user = (await readAll('batches')).flatMap((r) => r.user.map((u) => (JSON.parse(u.data) as { i: number }).i));
    expect(user.sort((a, b) => a - b)).toEqual(records.map((_, i) => i));
    const m = producer.metrics().stream;
    expect(m.UserRecordsReceived).toBe(2000);
    expect(m.UserRecordsPut).toBe(2000);
    expect(m.UserRecordsPending).toBe(0);
  });

  it('gives aggregated records an ExplicitHashKey inside their shard and honours user explicit hash keys', async () => {
    await kinesis.createStream('ehk', 2);
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'ehk', maxBufferedTimeMs: 10 });
    const low = '1';
    const high = ((1n << 128n) - 2n).toString();
    const acks = await Promise.all([
      ...Array.from({ length: 50 }, (_, i) => producer.put({ partitionKey: `k${i}`, explicitHashKey: low, data: `low-${i}` })),
      ...Array.from({ length: 50 }, (_, i) => producer.put({ partitionKey: `k${i}`, explicitHashKey: high, data: `high-${i}` })),
    ]);
    await producer.close();
    const shards = (await kinesis.client.send(new ListShardsCommand({ StreamName: 'ehk' }))).Shards ?? [];
    expect(new Set(acks.slice(0, 50).map((a) => a.shardId))).toEqual(new Set([shards[0].ShardId]));
    expect(new Set(acks.slice(50).map((a) => a.shardId))).toEqual(new Set([shards[1].ShardId]));
    const read = await readAll('ehk');
    const user = read.flatMap((r) => r.user);
    expect(user.filter((u) => u.data.startsWith('low-')).every((u) => u.explicitHashKey === low)).toBe(true);
    expect(user.filter((u) => u.data.startsWith('high-')).every((u) => u.explicitHashKey === high)).toBe(true);
    expect(user).toHaveLength(100);
  });

  it('sends raw records when aggregation is off', async () => {
    await kinesis.createStream('raw', 1);
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'raw', aggregation: false, maxBufferedTimeMs: 10 });
    const acks = await Promise.all(Array.from({ length: 20 }, (_, i) => producer.put({ partitionKey: `p${i}`, data: new Uint8Array([i]) })));
    await producer.close();
    expect(acks.every((a) => a.subSequenceNumber === undefined)).toBe(true);
    const read = await readAll('raw');
    expect(read).toHaveLength(20);
    expect(read.every((r) => !r.aggregated)).toBe(true);
  });

  it('fails fast with a clear message when the stream does not exist', async () => {
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'no-such-stream', maxBufferedTimeMs: 10 });
    await expect(producer.put({ partitionKey: 'k', data: 'x' })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
      message: expect.stringMatching(/stream does not exist/),
    });
    await producer.close();
  });

  it('follows a shard split while producing: every record acknowledged, read back once, inside its shard', async () => {
    await kinesis.createStream('split', 1);
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'split', maxBufferedTimeMs: 10 });
    const put = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, k) => producer.put({ partitionKey: `veh-${(from + k) % 50}`, data: JSON.stringify({ i: from + k }) })));
    const first = await put(0, 400);
    const parent = first[0].shardId;
    await kinesis.client.send(new SplitShardCommand({ StreamName: 'split', ShardToSplit: parent, NewStartingHashKey: (1n << 127n).toString() }));
    for (;;) {
      const s = await kinesis.client.send(new DescribeStreamSummaryCommand({ StreamName: 'split' }));
      if (s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const second = await put(400, 800);
    await producer.close();
    expect(new Set(second.map((a) => a.shardId)).has(parent)).toBe(false);
    expect(new Set(second.map((a) => a.shardId)).size).toBe(2);
    // A KCL consumer keeps a user record only when its hash key lies in the shard it was read
    // from. Aggregates that raced the split landed on a child holding other keys; the producer
    // re-sent those records, so every record has a copy a consumer keeps.
    const read = await readAll('split');
    const kept = new Set<number>();
    let dropped = 0;
    for (const r of read) {
      for (const u of r.user) {
        const h = hashKeyOf(u.partitionKey);
        if (h >= r.startingHashKey && h <= r.endingHashKey) kept.add((JSON.parse(u.data) as { i: number }).i);
        else dropped++;
      }
    }
    expect(kept.size).toBe(800);
    const m0 = producer.metrics().stream;
    if (dropped > 0) expect(m0.ErrorsByCode.WrongShard).toBeGreaterThan(0);
    const m = producer.metrics().stream;
    expect(m.UserRecordsPut).toBe(800);
    expect(m.UserRecordsPending).toBe(0);
  });
});
