// Unit tests of single stages with injected clock, shard map and client.
import { describe, expect, it } from 'vitest';
import { ShardAggregator, keyEntry } from '../../producer/aggregator.js';
import { Collector } from '../../producer/collector.js';
import { Retrier } from '../../producer/retrier.js';
import { classifyCode, classifyRequestError } from '../../common/aws-errors.js';
import { ShardMap } from '../../producer/shard-map.js';
import { BufferBudget } from '../../producer/buffer-budget.js';
import { userRecord, type WireRecord } from '../../producer/wire-record.js';
import { PutManyTally } from '../../producer/pipeline.js';

/** Where the records of these unit tests settle: nobody looks. */
const nowhere = new PutManyTally(Infinity, () => {});
import { writeDigest, type SealedAggregate } from '../../producer/codec.js';
import { decodeAggregated, hashKeyOf } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

function pending(partitionKey: string, data: Uint8Array, seq = 1, now = 0): WireRecord<unknown> {
  return userRecord(partitionKey, undefined, hashKeyOf(partitionKey), data, Buffer.byteLength(partitionKey), nowhere, seq, now, now + 30_000, undefined);
}

/** An aggregator whose finished records (MD5 written) land in `out`. */
function aggregator(maxBytes: number, enabled: boolean, out: WireRecord<unknown>[]): ShardAggregator<unknown> {
  return new ShardAggregator<unknown>('shard-0', maxBytes, enabled, 30_000, (r: WireRecord<unknown>, sealed: SealedAggregate | undefined) => {
    if (sealed !== undefined) writeDigest(sealed);
    out.push(r);
  });
}

/** Adds one user record as the producer does. */
function add(agg: ShardAggregator<unknown>, partitionKey: string, data: Uint8Array, seq = 1): void {
  const hashKey = hashKeyOf(partitionKey);
  agg.add(keyEntry(Buffer.byteLength(partitionKey), hashKey), partitionKey, undefined, hashKey, data, data.byteLength, false, nowhere, seq, 0, undefined);
}

describe('ShardMap', () => {
  it('reads every ListShards page, keeps only open shards and predicts by hash key range', async () => {
    const time = new ManualTime();
    const shards = evenShards(4);
    const client = new ScriptedKinesis([{ shardId: 'shardId-old', start: 0n, end: shards[3].end, closed: true }, ...shards], 2);
    const map = new ShardMap({ client, streamName: 's', clock: time, scheduler: time });
    await map.ready();
    expect(client.listShardsCalls).toBe(3);
    expect(map.shards().map((s) => s.shardId)).toEqual(shards.map((s) => s.shardId));
    for (const key of ['a', 'vehicle-17', 'ü🚗', 'zzz']) {
      const p = map.predict(key);
      expect(p.hashKey).toBe(hashKeyOf(key));
      expect(p.shard !== undefined && p.hashKey >= p.shard.startingHashKey && p.hashKey <= p.shard.endingHashKey).toBe(true);
    }
    expect(map.shardFor(0n)?.shardId).toBe(shards[0].shardId);
    expect(map.shardFor((1n << 128n) - 1n)?.shardId).toBe(shards[3].shardId);
  });

  it('reloads sooner when the map is known to be stale (a record landed on a shard it does not list)', async () => {
    const time = new ManualTime();
    const client = new ScriptedKinesis(evenShards(1));
    const map = new ShardMap({ client, streamName: 's', clock: time, scheduler: time, minRefreshIntervalMs: 1000 });
    await map.ready();
    map.invalidate(); // an ordinary hint: a reload in 1 s
    map.invalidate(true); // known stale: the pending reload moves up to 100 ms after the last
    await time.advance(99);
    expect(client.listShardsCalls).toBe(1);
    await time.advance(2);
    expect(client.listShardsCalls).toBe(2);
    await time.advance(2_000);
    expect(client.listShardsCalls).toBe(2); // the moved reload replaced the 1 s one
  });

  it('follows a reshard after invalidate(), at most once per interval, and re-predicts cached keys', async () => {
    const time = new ManualTime();
    const client = new ScriptedKinesis(evenShards(1));
    const map = new ShardMap({ client, streamName: 's', clock: time, scheduler: time, minRefreshIntervalMs: 1000 });
    await map.ready();
    const before = map.predict('vehicle-1').shard?.shardId;
    client.shards = [{ ...client.shards[0], closed: true }, ...evenShards(2).map((s, i) => ({ ...s, shardId: `shardId-child-${i}` }))];
    map.invalidate();
    map.invalidate();
    await time.advance(999);
    expect(client.listShardsCalls).toBe(1);
    await time.advance(2);
    expect(client.listShardsCalls).toBe(2);
    const after = map.predict('vehicle-1').shard?.shardId;
    expect(before).toBe('shardId-000000000000');
    expect(after).toMatch(/^shardId-child-/);
  });
});

describe('ShardAggregator', () => {
  it('emits aggregated records within the size limit, a lone record raw, and keeps order', () => {
    const out: WireRecord<unknown>[] = [];
    const agg = aggregator(2_000, true, out);
    for (let i = 0; i < 30; i++) add(agg, `k${i % 3}`, new Uint8Array(200).fill(i), i);
    agg.flush();
    expect(out.length).toBeGreaterThan(2);
    for (const r of out) expect(r.bytes).toBeLessThanOrEqual(2_000);
    const users = out.flatMap((r) => (r.aggregated ? decodeAggregated(r.data) : [{ partitionKey: r.partitionKey, data: r.data }]));
    expect(users.map((u) => u.data[0])).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const aggregated = out.filter((r) => r.aggregated);
    for (const r of aggregated) {
      expect(r.partitionKey).toBe('a');
      expect(r.explicitHashKey).toBe(hashKeyOf(decodeAggregated(r.data)[0].partitionKey).toString());
    }
    const lone: WireRecord<unknown>[] = [];
    const single = aggregator(2_000, true, lone);
    add(single, 'solo', Buffer.from('x'));
    single.flush();
    expect(lone).toHaveLength(1);
    expect(lone[0].aggregated).toBe(false);
    expect(lone[0].partitionKey).toBe('solo');
    expect(Buffer.from(lone[0].data).toString()).toBe('x');
  });

  it('sends a record too big to aggregate raw, and every record raw when aggregation is off', () => {
    const out: WireRecord<unknown>[] = [];
    const agg = aggregator(1_000, true, out);
    add(agg, 'a1', new Uint8Array(10));
    add(agg, 'big', new Uint8Array(5_000));
    agg.flush();
    // The buffered record goes first (order kept), then the oversize one on its own.
    expect(out.map((r) => [r.aggregated, r.data.byteLength])).toEqual([
      [false, 10],
      [false, 5_000],
    ]);
    const off: WireRecord<unknown>[] = [];
    const raw = aggregator(50_000, false, off);
    add(raw, 'a', new Uint8Array(1));
    add(raw, 'b', new Uint8Array(1));
    expect(off.map((r) => r.aggregated)).toEqual([false, false]);
  });
});

describe('Collector', () => {
  it('stops at 500 records or the byte limit and reports the oldest record', () => {
    const c = new Collector<{ bytes: number; receivedAt: number; seq: number }>({ maxCount: 500, maxBytes: 5 * 1024 * 1024 });
    let n = 0;
    while (c.offer({ bytes: 10, receivedAt: 100 - n, seq: n })) n++;
    expect(n).toBe(500);
    expect(c.full).toBe(true);
    expect(c.oldestReceivedAt).toBe(-399);
    expect(c.take()).toHaveLength(500);
    expect(c.count).toBe(0);
    expect(c.offer({ bytes: 3 * 1024 * 1024, receivedAt: 0, seq: 1 })).toBe(true);
    expect(c.full).toBe(false);
    expect(c.offer({ bytes: 3 * 1024 * 1024, receivedAt: 0, seq: 2 })).toBe(false);
    expect(c.full).toBe(true); // what did not fit waits for this batch to go
    c.take();
    expect(c.full).toBe(false);
  });
});

describe('Retrier', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const time = new ManualTime();
    const r = new Retrier({ clock: time, scheduler: time, random: () => 0.999, baseBackoffMs: 100, maxBackoffMs: 1_000 }, { retry: () => {}, fail: () => {}, split: (x) => [x] });
    expect([1, 2, 3, 4, 5].map((a) => r.backoffMs(a))).toEqual([99, 199, 399, 799, 999]);
    const zero = new Retrier({ clock: time, scheduler: time, random: () => 0 }, { retry: () => {}, fail: () => {}, split: (x) => [x] });
    expect(zero.backoffMs(3)).toBe(0);
  });

  it('classifies errors: throttling, 5xx, timeouts and network errors retry; not-found, access and validation do not', () => {
    const err = (name: string, status?: number, extra: object = {}) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status }, ...extra });
    expect(classifyRequestError(err('ProvisionedThroughputExceededException', 400)).retryable).toBe(true);
    expect(classifyRequestError(err('ServiceUnavailable', 503)).retryable).toBe(true);
    expect(classifyRequestError(err('Error', 502))).toMatchObject({ code: 'Http502', retryable: true });
    expect(classifyRequestError(err('TimeoutError')).retryable).toBe(true);
    expect(classifyRequestError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toMatchObject({ code: 'ECONNRESET', retryable: true });
    expect(classifyRequestError(err('ResourceNotFoundException', 400))).toMatchObject({ retryable: false, message: expect.stringContaining('stream does not exist') });
    expect(classifyRequestError(err('AccessDeniedException', 400)).retryable).toBe(false);
    expect(classifyRequestError(err('ValidationException', 400)).retryable).toBe(false);
    expect(classifyRequestError(err('SomethingNew', 400)).retryable).toBe(false);
  });

  it('classifies throttles apart from other retryable errors, in one place for every sender', () => {
    const err = (name: string, status?: number) => Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
    expect(classifyCode('ProvisionedThroughputExceededException', 'Rate exceeded').kind).toBe('throttle');
    expect(classifyCode('ServiceUnavailableException', 'Slow down.').kind).toBe('throttle'); // Firehose's per-record throttle
    expect(classifyCode('InternalFailure', undefined).kind).toBe('retryable');
    expect(classifyCode('AccessDeniedException', undefined)).toMatchObject({ kind: 'fatal', retryable: false });
    expect(classifyRequestError(err('ThrottlingException', 400)).kind).toBe('throttle');
    expect(classifyRequestError(err('LimitExceededException', 400)).kind).toBe('throttle');
    expect(classifyRequestError(err('Error', 429))).toMatchObject({ code: 'Http429', kind: 'throttle', retryable: true });
    expect(classifyRequestError(err('Error', 502))).toMatchObject({ kind: 'retryable' });
  });

  it('expires a record whose next try would pass its deadline, with its attempts', async () => {
    const time = new ManualTime();
    const failed: string[] = [];
    const retried: unknown[] = [];
    const r = new Retrier({ clock: time, scheduler: time, random: () => 0.5 }, { retry: (x) => retried.push(...x), fail: (_rec, code) => failed.push(code), split: (x) => [x] });
    const young = pending('a', new Uint8Array(1), 1, time.now());
    const old = { ...pending('b', new Uint8Array(1), 2, time.now()), deadline: time.now() + 10 };
    r.failed([young, old], { code: 'InternalFailure', message: 'InternalFailure: x', kind: 'retryable', retryable: true });
    expect(failed).toEqual(['UserRecordExpired']);
    expect(old.attempts).toHaveLength(1);
    await time.advance(10_000);
    expect(retried).toEqual([young]);
  });
});

describe('BufferBudget', () => {
  it('admits within bounds, queues a bounded wait line, and resolves ready() when room frees', async () => {
    const b = new BufferBudget(1_000, 2, 'wait');
    expect(b.tryAcquire(400)).toBe(true);
    expect(b.tryAcquire(400)).toBe(true);
    expect(b.tryAcquire(1)).toBe(false);
    const admitted: number[] = [];
    expect(b.waitFor(100, () => admitted.push(100))).toBe(true);
    expect(b.waitFor(100, () => admitted.push(200))).toBe(true);
    expect(b.waitFor(100, () => admitted.push(300))).toBe(false); // wait line holds maxRecords
    let ready = false;
    void b.ready().then(() => (ready = true));
    b.release(400);
    expect(admitted).toEqual([100]);
    b.release(400);
    b.release(100);
    await Promise.resolve();
    expect(admitted).toEqual([100, 200]);
    expect(ready).toBe(true);
    expect(new BufferBudget(1_000, 2, 'fail').waitFor(1, () => {})).toBe(false);
  });
});
