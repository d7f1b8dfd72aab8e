import { ListShardsCommand, PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import type { ShardAccounting } from '../../pipeline/stream/accounting.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { createStream } from '../../pipeline/stream/streams.js';
import { drive, type SentBatch } from './support/drive.js';
import { keysInRange } from './support/keys.js';
import { readBack } from './support/read-back.js';

const MiB = 1024 * 1024;
const ACCOUNT = '000000000000'; // kinesalite's account, as in its stream ARNs

describe('shard gate enforcement at 3× the AWS limits on 2 shards (raw SDK)', () => {
  let stack: LocalStream;
  let client: KinesisClient;
  let upstream: KinesisClient;

  // The gate's clock is the test's: on a loaded machine the raw SDK cannot offer 3× the limit in
  // real time, and then nothing is throttled. Ticks are exact on this clock, whatever the speed.
  let now = Date.UTC(2026, 0, 5, 8, 0, 0);
  const advance = (ms: number) => {
    now += ms;
  };

  beforeAll(async () => {
    stack = await startLocalStream({ streamName: 'enforce-bytes', shardCount: 2, gate: { clock: { now: () => now } } });
    client = createLocalKinesisClient({ endpoint: stack.endpoint });
    upstream = createLocalKinesisClient({ endpoint: stack.upstreamEndpoint });
  });
  afterAll(async () => {
    client?.destroy();
    upstream?.destroy();
    await stack?.close();
  });

  /** Two shards' ids and keys that hash into each. */
  async function shardsOf(streamName: string): Promise<Array<{ shardId: string; keys: string[] }>> {
    const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
    return shards.map((s) => ({
      shardId: s.ShardId ?? '',
      keys: keysInRange(streamName, BigInt(s.HashKeyRange?.StartingHashKey ?? '0'), BigInt(s.HashKeyRange?.EndingHashKey ?? '0'), 20),
    }));
  }

  /** Checks everything a caller and a reader can observe, and returns the gate's per-shard accounting. */
  async function checkRun(streamName: string, shards: Array<{ shardId: string; keys: string[] }>, batches: SentBatch[]): Promise<ShardAccounting[]> {
    const sentPerShard = new Map<string, number>();
    const okPerShard = new Map<string, number>();
    const expectedStored = new Map<string, Buffer>(); // shardId/sequence → data
    let failed = 0;
    for (const batch of batches) {
      expect(batch.results).toHaveLength(batch.records.length);
      const shard = shards.find((s) => s.keys.includes(batch.records[0].partitionKey));
      expect(shard).toBeDefined();
      const shardId = shard?.shardId ?? '';
      sentPerShard.set(shardId, (sentPerShard.get(shardId) ?? 0) + batch.records.length);
      batch.results.forEach((result, i) => {
        if (result.ErrorCode) {
          failed++;
          expect(result).toEqual({
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${ACCOUNT}.`,
          });
        } else {
          expect(result.ShardId).toBe(shardId);
          okPerShard.set(shardId, (okPerShard.get(shardId) ?? 0) + 1);
          expectedStored.set(`${result.ShardId}/${result.SequenceNumber}`, batch.records[i].data);
        }
      });
      expect(batch.failedRecordCount).toBe(batch.results.filter((r) => r.ErrorCode).length);
    }
    expect(failed).toBeGreaterThan(0);

    // Only accepted records reached kinesalite, each at the position its result named.
    const stored = await readBack(upstream, streamName);
    expect(stored).toHaveLength(expectedStored.size);
    for (const record of stored) {
      expect(expectedStored.get(`${record.shardId}/${record.sequenceNumber}`)?.equals(record.data)).toBe(true);
    }

    const accounting = stack.accounting().shards.filter((s) => s.streamName === streamName);
    for (const { shardId } of shards) {
      const shard = accounting.find((s) => s.shardId === shardId);
      expect(shard?.totals.acceptedRecords).toBe(okPerShard.get(shardId));
      expect((shard?.totals.acceptedRecords ?? 0) + (shard?.totals.throttledRecords ?? 0)).toBe(sentPerShard.get(shardId));
    }
    return accounting;
  }

  /**
   * The token-bucket guarantee, which holds whatever the machine's speed: any run of consecutive
   * wall-clock seconds takes at most its length of the limit plus the 1 s burst. (A per-second cap
   * alone would not hold: after an event-loop stall the bucket has refilled, as after idle time.)
   * And under sustained 3× load the typical second, once the burst is spent, sits at the limit.
   */
  function expectWithinLimit(shard: ShardAccounting, field: 'acceptedBytes' | 'acceptedRecords', limit: number, oneRecord: number): void {
    const seconds = shard.seconds;
    for (let i = 0; i < seconds.length; i++) {
      let sum = 0;
      for (let j = i; j < seconds.length; j++) {
        sum += seconds[j][field];
        const span = seconds[j].second - seconds[i].second + 1;
        expect(sum, `${shard.shardId} seconds ${seconds[i].second}..${seconds[j].second}`).toBeLessThanOrEqual(limit * (span + 1) + oneRecord);
      }
    }
    const firstThrottled = seconds.findIndex((s) => s.throttledRecords > 0);
    expect(firstThrottled).toBeGreaterThanOrEqual(0);
    const sustained = seconds.slice(firstThrottled + 1, -1).map((s) => s[field]).sort((a, b) => a - b);
    expect(sustained.length).toBeGreaterThan(0);
    const median = sustained[Math.floor(sustained.length / 2)];
    expect(median / limit, `${shard.shardId} median accepted per second`).toBeGreaterThan(0.9);
    expect(median / limit, `${shard.shardId} median accepted per second`).toBeLessThanOrEqual(1.1);
  }

  it('holds 1 MiB/s per shard: exact throttle errors, FailedRecordCount and order, only accepted records stored', async () => {
    const shards = await shardsOf('enforce-bytes');
    // 10 KiB records: 3 MiB/s offered per shard, 31 records per 100 ms tick.
    const batches = await drive({
      client,
      streamName: 'enforce-bytes',
      keysPerShard: shards.map((s) => s.keys),
      recordsPerTick: 31,
      recordBytes: 10 * 1024,
      tickMs: 100,
      durationMs: 5000,
      advance,
    });
    const accounting = await checkRun('enforce-bytes', shards, batches);
    for (const shard of accounting) expectWithinLimit(shard, 'acceptedBytes', MiB, 10 * 1024);
  });

  it('holds 1000 records/s per shard', async () => {
    await createStream(client, 'enforce-records', 2);
    const shards = await shardsOf('enforce-records');
    // 100-byte records: 3000 records/s offered per shard.
    const batches = await drive({
      client,
      streamName: 'enforce-records',
      keysPerShard: shards.map((s) => s.keys),
      recordsPerTick: 300,
      recordBytes: 100,
      tickMs: 100,
      durationMs: 4000,
      advance,
    });
    const accounting = await checkRun('enforce-records', shards, batches);
    for (const shard of accounting) expectWithinLimit(shard, 'acceptedRecords', 1000, 1);
  });
});

describe('PutRecord over the limit', () => {
  it('throws ProvisionedThroughputExceededException with the AWS message', async () => {
    // One record per 50 s: the second put is throttled whatever the machine's speed.
    const stack = await startLocalStream({ streamName: 'single', shardCount: 2, gate: { limits: { recordsPerSecond: 0.02, burstSeconds: 50 } } });
    const client = createLocalKinesisClient({ endpoint: stack.endpoint });
    try {
      const put = () => client.send(new PutRecordCommand({ StreamName: 'single', PartitionKey: 'vehicle-7', Data: Buffer.from('{"seq":1}') }));
      const first = await put();
      const err = await put().then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.name).toBe('ProvisionedThroughputExceededException');
      expect(err?.message).toBe(`Rate exceeded for shard ${first.ShardId} in stream single under account ${ACCOUNT}.`);
      const stored = await readBack(createLocalKinesisClient({ endpoint: stack.upstreamEndpoint }), 'single');
      expect(stored.map((r) => r.data.toString())).toEqual(['{"seq":1}']);
    } finally {
      client.destroy();
      await stack.close();
    }
  });
});
