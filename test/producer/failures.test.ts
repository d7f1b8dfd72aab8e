// Failure scenarios with a scripted client and manual time: every put settles exactly once,
// counts reconcile, expired records carry their attempts, fatal errors fail fast.
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../producer/index.js';
import { KinesisProducer, ProducerError, ShardMap, deaggregate, hashKeyOf, isAggregated, type KinesisProducerOptions, type PutResult } from '../../producer/index.js';
import { ManualTime, settle } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';
import { splittingStream } from './splitting-stream.js';

const THROTTLED = 'ProvisionedThroughputExceededException';

function setup(options: Partial<KinesisProducerOptions> = {}, shards = 2) {
  const time = new ManualTime();
  const client = new ScriptedKinesis(evenShards(shards));
  let seed = 1;
  const producer = new KinesisProducer({
    client,
    streamName: 'test',
    clock: time,
    scheduler: time,
    random: () => ((seed = (seed * 16807) % 2147483647) / 2147483647),
    metricsIntervalMs: 0,
    ...options,
  });
  return { time, client, producer };
}

/** Puts n records and tracks how each settles (and that none settles twice). */
function putMany(producer: KinesisProducer, n: number, key = (i: number) => `vehicle-${i % 13}`) {
  const outcomes: { ok?: PutResult; error?: ProducerError; settledTimes: number }[] = [];
  for (let i = 0; i < n; i++) {
    const o: { ok?: PutResult; error?: ProducerError; settledTimes: number } = { settledTimes: 0 };
    outcomes.push(o);
    producer.put({ partitionKey: key(i), data: JSON.stringify({ i }) }).then(
      (r) => {
        o.ok = r;
        o.settledTimes++;
      },
      (e: ProducerError) => {
        o.error = e;
        o.settledTimes++;
      },
    );
  }
  return outcomes;
}

function reconcile(producer: KinesisProducer, n: number) {
  const m = producer.metrics().stream;
  expect(m.UserRecordsReceived).toBe(n);
  expect(m.UserRecordsPut + m.UserRecordsFailed + m.UserRecordsDropped).toBe(n);
  expect(m.UserRecordsPending).toBe(0);
  return m;
}

describe('KinesisProducer failure handling', () => {
  it('retries per-record throttles and InternalFailure until every record is acknowledged', async () => {
    const { time, client, producer } = setup({ aggregation: false });
    client.perRecord = (_e, call, i) => (call === 0 ? (i % 2 === 0 ? THROTTLED : i % 3 === 0 ? 'InternalFailure' : undefined) : undefined);
    const outcomes = putMany(producer, 60);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0));
    expect(outcomes.every((o) => o.settledTimes === 1 && o.ok !== undefined)).toBe(true);
    expect(outcomes.some((o) => o.ok?.attempts === 2)).toBe(true);
    const m = reconcile(producer, 60);
    expect(m.UserRecordsPut).toBe(60);
    expect(m.ErrorsByCode[THROTTLED]).toBeGreaterThan(0);
    expect(m.ErrorsByCode.InternalFailure).toBeGreaterThan(0);
    expect(m.ThrottledRecords).toBe(m.ErrorsByCode[THROTTLED]);
  });

  it('retries whole-request 500s', async () => {
    const { time, client, producer } = setup();
    client.beforeCall = (call) => {
      if (call < 2) throw Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    };
    const outcomes = putMany(producer, 100);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0));
    expect(outcomes.every((o) => o.ok !== undefined && o.settledTimes === 1)).toBe(true);
    expect(Math.max(...outcomes.map((o) => o.ok?.attempts ?? 0))).toBeGreaterThan(1);
    expect(reconcile(producer, 100).ErrorsByCode.InternalFailure).toBeGreaterThan(0);
  });

  it('abandons a request that never answers after requestTimeoutMs and retries it', async () => {
    const { time, client, producer } = setup({ requestTimeoutMs: 500 });
    client.beforeCall = (call) => (call === 0 ? new Promise<void>(() => {}) : undefined);
    const outcomes = putMany(producer, 10);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0));
    expect(outcomes.every((o) => o.ok !== undefined)).toBe(true);
    expect(reconcile(producer, 10).ErrorsByCode.RequestTimeout).toBeGreaterThan(0);
  });

  it('fails fast on a non-retryable error with a message a user can act on', async () => {
    const { time, client, producer } = setup();
    client.beforeCall = () => {
      throw Object.assign(new Error('User: arn:aws:iam::1:user/x is not authorized to perform: kinesis:PutRecords'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      });
    };
    const outcomes = putMany(producer, 20);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0), 1_000);
    expect(outcomes.every((o) => o.error instanceof ProducerError)).toBe(true);
    const e = outcomes[0].error as ProducerError;
    expect(e.code).toBe('AccessDeniedException');
    expect(e.message).toMatch(/access denied: check the IAM permissions/);
    expect(e.message).toMatch(/not authorized to perform/);
    expect(e.retryable).toBe(false);
    expect(e.attempts).toHaveLength(1);
    expect(e.record.partitionKey).toBe('vehicle-0');
    expect(client.calls.length).toBeLessThanOrEqual(2); // one request per shard batch, no retries
    reconcile(producer, 20);
  });

  it('expires records after recordTtlMs with the record, the last error and every attempt', async () => {
    const { time, client, producer } = setup({ recordTtlMs: 5_000 });
    client.perRecord = () => THROTTLED;
    const started = time.now();
    const outcomes = putMany(producer, 30);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0), 20_000, 50);
    expect(outcomes.every((o) => o.settledTimes === 1 && o.error?.code === 'UserRecordExpired')).toBe(true);
    const e = outcomes[5].error as ProducerError;
    expect(e.message).toMatch(/expired after \d+ attempt\(s\).*ProvisionedThroughputExceededException/);
    expect(new TextDecoder().decode(e.record.data)).toBe('{"i":5}');
    expect(e.attempts.length).toBeGreaterThan(1);
    expect(e.attempts.every((a) => a.code === THROTTLED && a.at >= started && a.at < started + 5_000)).toBe(true);
    expect(e.attempts.map((a) => a.at)).toEqual([...e.attempts.map((a) => a.at)].sort((a, b) => a - b));
    const m = reconcile(producer, 30);
    expect(m.UserRecordExpired).toBe(30);
    expect(time.now() - started).toBeLessThan(6_000);
    // The adaptive limiter cut the shards' pace in reaction.
    expect(Math.min(...Object.values(producer.metrics().rateFactors))).toBeLessThan(1);
  });

  it('re-sends the user records of an aggregated record that landed on an unexpected shard and reloads the map', async () => {
    const { time, client, producer } = setup({}, 2);
    let wrong = true;
    client.landOn = () => (wrong ? 'shardId-000000000099' : undefined);
    client.beforeCall = (call) => {
      if (call >= 1) wrong = false;
    };
    const outcomes = putMany(producer, 40, (i) => `k-${i}`);
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0));
    expect(outcomes.every((o) => o.ok !== undefined)).toBe(true);
    expect(outcomes.some((o) => (o.ok?.attempts ?? 0) >= 2)).toBe(true);
    await time.advance(1_500); // the map reload is rate-limited to one per second
    expect(client.listShardsCalls).toBeGreaterThan(1);
    expect(reconcile(producer, 40).ErrorsByCode.WrongShard).toBeGreaterThan(0);
  });

  it('after a reshard, acknowledges the members of a misplaced aggregate that the landing shard owns and re-sends only the rest', async () => {
    // The first PutRecords waits while the stream splits its one shard and the map learns the children.
    const { time, client, producer, split } = await splittingStream();
    const outcomes = putMany(producer, 60, (i) => `vehicle-${i}`);
    await split();
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0), 10_000);

    expect(outcomes.every((o) => o.settledTimes === 1 && o.ok !== undefined)).toBe(true);
    // Every acknowledgement names a shard that owns the record's hash key (what a KCL consumer keeps).
    for (let i = 0; i < 60; i++) {
      const owner = client.shards.find((s) => !s.closed && hashKeyOf(`vehicle-${i}`) >= s.start && hashKeyOf(`vehicle-${i}`) <= s.end);
      expect(outcomes[i].ok?.shardId).toBe(owner?.shardId);
    }
    const kept = outcomes.filter((o) => o.ok?.attempts === 1).length;
    const resent = outcomes.filter((o) => (o.ok?.attempts ?? 0) >= 2).length;
    expect(kept).toBeGreaterThan(0); // acknowledged where they landed: no duplicate for them
    expect(resent).toBeGreaterThan(0);
    expect(kept + resent).toBe(60);
    // Only the misplaced members went out again.
    const userRecordsSent = client.calls.flatMap((c) => c.Records ?? []).reduce((n, r) => n + (isAggregated(r.Data!) ? deaggregate(r.Data!, r.PartitionKey!).length : 1), 0);
    expect(userRecordsSent).toBe(60 + resent);
    expect(reconcile(producer, 60).ErrorsByCode.WrongShard).toBeGreaterThan(0);
  });

  it('holds ready() while a shard cut to a small share has more queued than it sends in 2 s, so nothing expires', async () => {
    // One producer, two shards: shard 1 is shared with others, so this producer gets only 20 KB/s of
    // it (a token bucket throttles the rest); shard 0 is its own. The caller honours ready() and
    // offers both shards alike. The old ready() looked at the whole buffer against the sum of the
    // shards' paces, so shard 1's records piled up past what it drains within the TTL.
    // Aggregates of at most 8 KB, so one fits the 20 KB bucket.
    const { time, client, producer } = setup({ recordTtlMs: 30_000, aggregationMaxBytes: 8_000 }, 2);
    const [, upper] = evenShards(2);
    const keys: string[][] = [[], []];
    for (let i = 0; keys[0].length < 20 || keys[1].length < 20; i++) keys[hashKeyOf(`v-${i}`) >= upper.start ? 1 : 0].push(`v-${i}`);
    const share = 20_000; // bytes per second of shard 1 for this producer
    let tokens = 0;
    let refilledAt = time.now();
    client.perRecord = (entry) => {
      if (client.shardOf(entry) !== upper.shardId) return undefined;
      tokens = Math.min(share, tokens + ((time.now() - refilledAt) * share) / 1000);
      refilledAt = time.now();
      const bytes = (entry.Data as Uint8Array).byteLength;
      if (bytes > tokens) return THROTTLED;
      tokens -= bytes;
      return undefined;
    };
    const data = 'x'.repeat(1000);
    const counts = { acked: 0, expired: 0, other: 0 };
    const end = time.now() + 60_000;
    for (let i = 0; time.now() < end; ) {
      let ready = false;
      void producer.ready().then(() => (ready = true));
      await time.runUntil(() => ready, 60_000, 10);
      for (let j = 0; j < 50; j++, i++) {
        producer.put({ partitionKey: keys[i % 2][i % 20], data }).then(
          () => counts.acked++,
          (e: ProducerError) => (e.code === 'UserRecordExpired' ? counts.expired++ : counts.other++),
        );
      }
      await time.advance(20);
    }
    let closed = false;
    void producer.close().then(() => (closed = true));
    await time.runUntil(() => closed, 120_000, 50);
    expect(closed).toBe(true);
    expect(counts).toMatchObject({ expired: 0, other: 0 });
    // Shard 1 delivered most of its share; the caller, offering both alike, was held to about that pace.
    expect(producer.metrics().shards[upper.shardId].UserRecordsDataPut).toBeGreaterThan(0.6 * 60 * share);
    reconcile(producer, counts.acked);
  });

  it('fails the unsettled records of a batch whose response handling throws, so flush() and close() resolve', async () => {
    const { time, client, producer } = setup();
    // A malformed answer (null entries) makes reading the response throw.
    const send = client.send.bind(client);
    client.send = async (command: object) => {
      const output = (await send(command)) as { Records?: unknown[] };
      return command instanceof PutRecordsCommand ? { ...output, Records: output.Records?.map(() => null) } : output;
    };
    const outcomes = putMany(producer, 30);
    let closed = false;
    void producer.close().then(() => (closed = true));
    await time.runUntil(() => closed, 5_000);
    expect(closed).toBe(true);
    expect(outcomes.every((o) => o.settledTimes === 1 && o.error?.code === 'ResponseHandlingFailed')).toBe(true);
    expect(outcomes[0].error?.message).toMatch(/unexpected error while handling the response/);
    expect(outcomes[0].error?.attempts).toHaveLength(1);
    expect(reconcile(producer, 30).UserRecordsFailed).toBe(30);
  });

  it('lets a bug in shard lookup surface from put() instead of retrying it as WrongShard', () => {
    const { client } = setup();
    const map = new ShardMap({ client, streamName: 'test', clock: new ManualTime(), scheduler: new ManualTime() });
    const producer = new KinesisProducer({ client, streamName: 'test', metricsIntervalMs: 0, shardMap: map });
    Object.assign(map, { loaded: true, predict: () => { throw new TypeError('bug in predict'); } });
    expect(() => producer.put({ partitionKey: 'k', data: 'x' })).toThrow(/bug in predict/);
  });

  it('retries a record whose hash key falls in a gap of the shard map (mid-reshard) as WrongShard after a reload', async () => {
    // The first map has a gap over the top half of the key space; the reload closes it.
    const full = evenShards(2);
    const client = new ScriptedKinesis([full[0]]);
    const { time, producer } = setup({ client });
    const outcome = putMany(producer, 1, () => 'k')[0];
    const top = (1n << 127n).toString();
    let r: PutResult | undefined;
    void producer.put({ partitionKey: 'k', data: 'x', explicitHashKey: top }).then((result) => (r = result));
    await time.advance(10);
    client.shards = full;
    await time.runUntil(() => outcome.settledTimes > 0 && r !== undefined, 10_000);
    if (r === undefined) throw new Error('the record in the gap never settled');
    expect(r.shardId).toBe(full[1].shardId);
    expect(r.attempts).toBeGreaterThanOrEqual(2);
    expect(producer.metrics().stream.UserRecordsPut).toBe(2);
    expect(producer.metrics().stream.ErrorsByCode.WrongShard).toBeUndefined(); // a local re-route, not an answer
  });

  it('copies the bytes of put(), so a caller reusing its buffer does not change what is sent (raw and aggregated)', async () => {
    for (const aggregation of [false, true]) {
      const { time, client, producer } = setup({ aggregation }, 1);
      const buffer = Buffer.alloc(8);
      const results: Promise<PutResult>[] = [];
      for (let i = 0; i < 5; i++) {
        buffer.write(`record-${i}`);
        results.push(producer.put({ partitionKey: 'k', data: buffer }));
      }
      buffer.fill(0);
      let done = false;
      void Promise.all(results).then(() => (done = true));
      await time.runUntil(() => done, 5_000);
      const sent = client.calls
        .flatMap((c) => c.Records ?? [])
        .flatMap((r) => deaggregate(r.Data as Uint8Array, r.PartitionKey as string).map((u) => Buffer.from(u.data).toString()));
      expect(client.calls.some((c) => c.Records?.some((r) => isAggregated(r.Data as Uint8Array)))).toBe(aggregation);
      expect(sent).toEqual(['record-0', 'record-1', 'record-2', 'record-3', 'record-4']);
    }
  });

  it('sends the caller\'s own bytes with zeroCopy (the documented contract: do not change them until the put settles)', async () => {
    const { time, client, producer } = setup({ aggregation: false, zeroCopy: true }, 1);
    const buffer = Buffer.from('original');
    const put = producer.put({ partitionKey: 'k', data: buffer });
    buffer.write('modified');
    let done = false;
    void put.then(() => (done = true));
    await time.runUntil(() => done, 5_000);
    expect(Buffer.from(client.calls[0].Records?.[0].Data as Uint8Array).toString()).toBe('modified');
  });

  it('close() resolves within recordTtlMs + requestTimeoutMs when ListShards never answers', async () => {
    const scripted = new ScriptedKinesis(evenShards(2));
    const client = { send: (command: object) => (command instanceof ListShardsCommand ? new Promise<never>(() => {}) : scripted.send(command)) };
    const { time, producer } = setup({ client, recordTtlMs: 2_000, requestTimeoutMs: 500 });
    const outcomes = putMany(producer, 10);
    const started = time.now();
    let closedAt: number | undefined;
    void producer.close().then(() => (closedAt = time.now()));
    await time.runUntil(() => closedAt !== undefined, 10_000);
    expect(closedAt).toBeDefined();
    expect((closedAt ?? Infinity) - started).toBeLessThanOrEqual(2_000 + 500);
    expect(outcomes.every((o) => o.settledTimes === 1 && o.error?.code === 'UserRecordExpired')).toBe(true);
    expect(outcomes[0].error?.message).toMatch(/ListShards failed: .*no response within 500 ms/);
  });

  it('ready() does not wait on a full buffer once the producer is closed', async () => {
    const { time, client, producer } = setup({ maxBufferedRecords: 4, recordTtlMs: 60_000 });
    client.beforeCall = () => new Promise<void>(() => {}); // never answered: the buffer cannot drain
    putMany(producer, 4);
    let ready = false;
    void producer.ready().then(() => (ready = true));
    await time.advance(100);
    expect(ready).toBe(false);
    void producer.close();
    await settle();
    expect(ready).toBe(true);
    await producer.ready(); // and any later call resolves at once
  });

  it('validation errors name the field and value and enqueue nothing', async () => {
    const { time, client, producer } = setup();
    expect(() => producer.put({ partitionKey: '', data: 'x' })).toThrow(InvalidArgumentError);
    expect(() => producer.put({ partitionKey: '', data: 'x' })).toThrow(/partitionKey: must be 1-256 Unicode characters, has 0 \(got ""\)/);
    expect(() => producer.put({ partitionKey: 'x'.repeat(257), data: 'x' })).toThrow(/partitionKey: .*has 257/);
    expect(() => producer.put({ partitionKey: '🚗'.repeat(256), data: 'x' })).not.toThrow(); // 256 characters, 512 UTF-16 units
    expect(() => producer.put({ partitionKey: 'k', data: new Uint8Array(1024 * 1024) })).toThrow(/data: data plus partition key is 1048577 bytes, over the record limit of 1048576 bytes/);
    expect(() => producer.put({ partitionKey: 'k', data: 'x', explicitHashKey: '-1' })).toThrow(/explicitHashKey: must be a decimal integer in 0\.\.2\^128-1.*\(got "-1"\)/);
    expect(() => producer.put({ partitionKey: 'k', data: 'x', explicitHashKey: (1n << 128n).toString() })).toThrow(/explicitHashKey/);
    expect(() => producer.put({ partitionKey: 'k', data: 42 as unknown as string })).toThrow(/data: must be a Uint8Array or a string \(got 42\)/);
    expect(() => new KinesisProducer({ client, streamName: 's', maxRecordBytes: 11 * 1024 * 1024 })).toThrow(/maxRecordBytes: must be an integer from 1 to 10485760/);
    let flushed = false;
    void producer.flush().then(() => (flushed = true));
    await time.runUntil(() => flushed);
    expect(producer.metrics().stream.UserRecordsReceived).toBe(1);
    expect(client.recordsSeen).toBe(1);
  });
});

describe('KinesisProducer backpressure', () => {
  it("onBufferFull 'fail' refuses puts beyond maxBufferedRecords with a clear error and counts them dropped", async () => {
    const { time, client, producer } = setup({ maxBufferedRecords: 10, onBufferFull: 'fail' });
    let release: () => void = () => {};
    client.beforeCall = () => new Promise<void>((r) => (release = r));
    const outcomes = putMany(producer, 15);
    await settle();
    expect(outcomes.slice(10).every((o) => o.error?.code === 'BufferFull')).toBe(true);
    expect(outcomes[12].error?.message).toMatch(/buffer is full.*maxBufferedRecords=10.*await producer\.ready\(\)/);
    client.beforeCall = () => {};
    await time.advance(200);
    release();
    await time.runUntil(() => outcomes.every((o) => o.settledTimes > 0));
    const m = reconcile(producer, 15);
    expect(m.UserRecordsDropped).toBe(5);
    expect(m.UserRecordsPut).toBe(10);
  });

  it("onBufferFull 'wait' holds puts until room frees, never holding more than the bound, and ready() signals room", async () => {
    const { time, client, producer } = setup({ maxBufferedRecords: 8, onBufferFull: 'wait', aggregation: false });
    const gates: (() => void)[] = [];
    client.beforeCall = () => new Promise<void>((r) => gates.push(r));
    // 8 buffered + 8 waiting; the wait line is bounded like the buffer, so the 17th is refused.
    const outcomes = putMany(producer, 16);
    await expect(producer.put({ partitionKey: 'k', data: 'one too many' })).rejects.toMatchObject({ code: 'BufferFull' });
    let readyResolved = false;
    void producer.ready().then(() => (readyResolved = true));
    await time.advance(500);
    expect(client.recordsSeen).toBeLessThanOrEqual(8);
    expect(readyResolved).toBe(false);
    while (outcomes.some((o) => o.settledTimes === 0)) {
      gates.splice(0).forEach((g) => g());
      await time.advance(200);
      // Records handed to the client but not yet acknowledged never exceed the bound.
      const acked = outcomes.filter((o) => o.ok !== undefined).length;
      expect(client.recordsSeen - acked).toBeLessThanOrEqual(8);
    }
    expect(readyResolved).toBe(true);
    const m = reconcile(producer, 17);
    expect(m.UserRecordsPut).toBe(16);
    expect(m.UserRecordsDropped).toBe(1);
  });

  it('ready() holds a caller while the buffer holds more than the pace drains in 2 s (a third of the TTL if shorter): nothing expires', async () => {
    // A shard paced at 2,000 bytes/s with a 6 s TTL: 4,000 bytes may wait, not maxBufferedBytes (32 MiB).
    const { time, producer } = setup({ recordTtlMs: 6_000, limiter: { bytesPerSecond: 2_000, startFactor: 1, adaptive: false } }, 1);
    const settled: { error?: ProducerError }[] = [];
    let maxBuffered = 0;
    const caller = (async () => {
      for (let i = 0; i < 200; i++) {
        await producer.ready();
        const o: { error?: ProducerError } = {};
        producer.put({ partitionKey: 'k', data: 'x'.repeat(99) }).then(
          () => settled.push(o),
          (e: ProducerError) => settled.push(Object.assign(o, { error: e })),
        );
        const m = producer.metrics().stream;
        maxBuffered = Math.max(maxBuffered, m.UserRecordsReceived - m.UserRecordsPut - m.UserRecordsFailed);
      }
    })();
    await time.runUntil(() => settled.length === 200, 60_000, 50);
    await caller;
    expect(settled.filter((s) => s.error !== undefined).map((s) => s.error?.code)).toEqual([]);
    expect(maxBuffered).toBeLessThanOrEqual(41); // 4,000 bytes of 100-byte records, plus the one admitted into an emptying buffer
  });

  it('flush() resolves once everything put before it settled; close() refuses later puts', async () => {
    const { time, producer } = setup({ maxBufferedTimeMs: 60_000 });
    const outcomes = putMany(producer, 25);
    let flushed = false;
    void producer.flush().then(() => (flushed = true));
    await time.advance(5);
    await time.runUntil(() => flushed, 1_000, 5);
    expect(flushed).toBe(true);
    expect(outcomes.every((o) => o.ok !== undefined)).toBe(true);
    const closing = producer.close();
    await time.advance(10);
    await closing;
    await expect(producer.put({ partitionKey: 'k', data: 'late' })).rejects.toMatchObject({ code: 'Closed' });
  });

  it('a record re-routed when the aggregated record carrying it expires in the shard queue is still sent or expired: close() resolves', async () => {
    // One record per second keeps the aggregated record of A and B queued past A's deadline. When
    // A expires there, B goes back to its shard's aggregator, which must get a wake-up of its own.
    const { time, producer } = setup({ recordTtlMs: 300, adaptive: false, limiter: { recordsPerSecond: 1 } }, 1);
    const [a] = putMany(producer, 1, () => 'a');
    await time.advance(50);
    const [b] = putMany(producer, 1, () => 'b');
    let closed = false;
    void producer.close().then(() => (closed = true));
    await time.advance(2_000);
    expect(a.error?.code).toBe('UserRecordExpired');
    expect(b.settledTimes).toBe(1);
    expect(b.error?.code).toBe('UserRecordExpired');
    expect(closed).toBe(true);
    reconcile(producer, 2);
  });
});
