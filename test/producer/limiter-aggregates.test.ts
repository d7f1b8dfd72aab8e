// Aggregates sized to a shard's pace (ShardLimiter.aggregateBytes, applied by the Kinesis
// transport): a producer held to a small share of a shard sends small Kinesis records, as a
// producer sending at will does, so a full shard's bucket does not single it out for throttles.
import { describe, expect, it } from 'vitest';
import { KinesisProducer, type KinesisProducerOptions } from '../../producer/index.js';
import { Limiter } from '../../producer/limiter.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

/** Puts `n` records of 200 bytes at once, lets them all be acknowledged, and returns the Kinesis record sizes sent. */
async function recordSizes(options: Partial<KinesisProducerOptions>, n: number): Promise<number[]> {
  const time = new ManualTime();
  const client = new ScriptedKinesis(evenShards(1));
  const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0, ...options });
  const puts = Array.from({ length: n }, (_, i) => producer.put({ partitionKey: `vehicle-${i % 7}`, data: 'x'.repeat(200 - `vehicle-${i % 7}`.length) }));
  let acked = 0;
  for (const p of puts) void p.then(() => acked++);
  await time.runUntil(() => acked === n, 60_000);
  expect(acked).toBe(n);
  await producer.close();
  return client.calls.flatMap((c) => (c.Records ?? []).map((r) => (r.Data?.byteLength ?? 0) + (r.PartitionKey?.length ?? 0)));
}

describe('Aggregates sized to the shard pace', () => {
  it('the limiter offers what the pace sends in the buffering time, at least 4 KiB; 100 ms of a whole shard pace', () => {
    const limiter = new Limiter({ random: () => 0.5 }).forShard('s', 0);
    expect(limiter.aggregateBytes(100)).toBe(4096); // slow start: 3 % of 1 MiB/s is 3 KiB in 100 ms
    const fixed = new Limiter({ adaptive: false }).forShard('s', 0);
    expect(fixed.aggregateBytes(100)).toBeCloseTo(0.1 * 1024 * 1024, 0);
  });

  it('a producer at a small pace sends a burst of puts as records of at most 4 KiB, not one 50 KB aggregate', async () => {
    const sizes = await recordSizes({}, 250);
    expect(sizes.length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4096);
  });

  it('at a whole shard pace the same burst still goes out in large aggregates', async () => {
    const sizes = await recordSizes({ adaptive: false }, 250);
    expect(sizes.length).toBeLessThanOrEqual(2);
    expect(Math.max(...sizes)).toBeGreaterThan(40_000);
  });
});
