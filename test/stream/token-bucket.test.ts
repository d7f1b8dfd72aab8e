import { describe, expect, it } from 'vitest';
import { Accounting } from '../../pipeline/stream/accounting.js';
import { ShardMeter, limitsSchema } from '../../pipeline/stream/shard-meter.js';
import { TokenBucket } from '../../pipeline/stream/token-bucket.js';

function manualClock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenBucket', () => {
  it('starts full, refills at its rate, never above capacity', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(100, 100, clock);
    expect(bucket.tryTake(100)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
    clock.advance(250);
    expect(bucket.tryTake(25)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
    clock.advance(60_000);
    expect(bucket.tryTake(100)).toBe(true);
    expect(bucket.tryTake(1)).toBe(false);
  });

  it('lets an item larger than the capacity through only when full, leaving a debt', () => {
    const clock = manualClock();
    const bucket = new TokenBucket(100, 100, clock);
    expect(bucket.tryTake(1)).toBe(true);
    expect(bucket.tryTake(150)).toBe(false); // not full
    clock.advance(10);
    expect(bucket.tryTake(150)).toBe(true); // full again: passes, 50 in debt
    clock.advance(1000);
    expect(bucket.tryTake(51)).toBe(false); // the debt is repaid first
    expect(bucket.tryTake(50)).toBe(true);
  });
});

describe('ShardMeter', () => {
  it('admits a record only when both the byte and the record bucket have room, per shard', () => {
    const clock = manualClock();
    const meter = new ShardMeter(limitsSchema.parse({ bytesPerSecond: 1000, recordsPerSecond: 3 }), clock);
    expect([1, 2, 3, 4].map(() => meter.admit('s', 'shard-0', 10))).toEqual([true, true, true, false]); // records bind
    expect(meter.admit('s', 'shard-1', 990)).toBe(true);
    expect(meter.admit('s', 'shard-1', 20)).toBe(false); // bytes bind
    expect(meter.admit('other-stream', 'shard-1', 20)).toBe(true); // buckets are per stream and shard
  });

  it('defaults to the AWS limits', () => {
    expect(limitsSchema.parse({})).toEqual({ bytesPerSecond: 1024 * 1024, recordsPerSecond: 1000, burstSeconds: 1 });
  });
});

describe('Accounting', () => {
  it('lists seconds in time order even when an acceptance is booked late into an earlier second', () => {
    let now = 10_500;
    const accounting = new Accounting({ now: () => now });
    accounting.shard('s', 'shard-0', 'throttledRecords'); // second 10
    now = 11_200;
    accounting.shard('s', 'shard-0', 'throttledRecords'); // second 11
    accounting.shard('s', 'shard-1', 'acceptedRecords', 5, 11_100);
    accounting.shard('s', 'shard-1', 'acceptedRecords', 3, 9_900); // decided in second 9, upstream answered later
    const shard1 = accounting.snapshot().shards.find((s) => s.shardId === 'shard-1');
    expect(shard1?.seconds.map((s) => [s.second, s.acceptedRecords])).toEqual([
      [9, 3],
      [11, 5],
    ]);
  });
});
