// put() returns a lazy handle (producer/put-handle.ts): it must behave as a native promise would.
// Same value whenever it is awaited, Promise.all/allSettled, results that follow a record through a
// reshard split, and a failure nobody awaited surfacing as an unhandled rejection.
import { describe, expect, it } from 'vitest';
import { KinesisProducer, ProducerError, hashKeyOf, type PutHandle, type PutResult } from '../../producer/index.js';
import { ManualTime, settle } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';
import { splittingStream } from './splitting-stream.js';

function setup(shards = 2) {
  const time = new ManualTime();
  const client = new ScriptedKinesis(evenShards(shards));
  const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0 });
  return { time, client, producer };
}

/** Runs `body` with the process's unhandled-rejection listeners replaced by one that collects. */
async function collectUnhandled(body: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const saved = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  const collect = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', collect);
  try {
    await body();
    // Node reports unhandled rejections after the microtask queue drains: give it a few turns.
    for (let i = 0; i < 5; i++) await settle();
  } finally {
    process.off('unhandledRejection', collect);
    for (const l of saved) process.on('unhandledRejection', l);
  }
  return seen;
}

describe('put() handle', () => {
  it('settles to the same result whether awaited before or after settlement, and works with Promise.all and allSettled', async () => {
    const { producer } = setup();
    const early = Array.from({ length: 50 }, (_, i) => producer.put({ partitionKey: `k-${i}`, data: `early ${i}` }));
    const late = Array.from({ length: 50 }, (_, i) => producer.put({ partitionKey: `k-${i}`, data: `late ${i}` }));
    const awaitedEarly = Promise.all(early);
    await producer.flush(); // every record settled; nobody has asked `late` yet
    const [a, b] = await Promise.all([awaitedEarly, Promise.all(late)]);
    expect(a).toHaveLength(50);
    expect(b).toHaveLength(50);
    for (const r of [...a, ...b]) expect(r).toMatchObject({ shardId: expect.stringMatching(/^shardId-/), sequenceNumber: expect.any(String), attempts: 1 });
    // Records of one aggregate share its sequence number and differ by their position in it.
    const inOne = b.filter((r) => r.sequenceNumber === b[0].sequenceNumber && r.shardId === b[0].shardId);
    expect(new Set(inOne.map((r) => r.subSequenceNumber)).size).toBe(inOne.length);
    // Asked again: the same values.
    expect(await late[7]).toEqual(b[7]);
    expect(await late[7].then((r) => r.subSequenceNumber)).toBe(b[7].subSequenceNumber);
    const settled = await Promise.allSettled(late.slice(0, 3));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    let finallyRan = 0;
    await late[0].finally(() => finallyRan++);
    expect(finallyRan).toBe(1);
    // Promise-compatible, not a native promise.
    expect(late[0]).not.toBeInstanceOf(Promise);
    await expect(late[0]).resolves.toEqual(b[0]);
    await producer.close();
  });

  it('follows a record through a reshard split: a handle awaited only afterwards gets the shard that stored it and every try', async () => {
    const { time, client, producer, split } = await splittingStream();
    const handles = Array.from({ length: 60 }, (_, i) => producer.put({ partitionKey: `vehicle-${i}`, data: `r ${i}` }));
    // Half are awaited while pending (they move with their record), half only once all settled.
    const early = handles.slice(0, 30).map((h) => h.then((r) => r));
    await split();
    await time.runUntil(() => producer.metrics().stream.UserRecordsPending === 0, 10_000);
    const results: PutResult[] = [...(await Promise.all(early)), ...(await Promise.all(handles.slice(30)))];
    for (let i = 0; i < 60; i++) {
      const owner = client.shards.find((s) => !s.closed && hashKeyOf(`vehicle-${i}`) >= s.start && hashKeyOf(`vehicle-${i}`) <= s.end);
      expect(results[i].shardId).toBe(owner?.shardId);
    }
    expect(results.some((r) => r.attempts === 1)).toBe(true);
    expect(results.some((r) => r.attempts >= 2)).toBe(true);
    await producer.close();
  });

  it('counts each try once when a re-sent user record goes out alone (its aggregate of one is sent raw)', async () => {
    const { time, producer, split, children } = await splittingStream();
    const [lower, upper] = children;
    const low = Array.from({ length: 100 }, (_, i) => `v-${i}`).find((k) => hashKeyOf(k) <= lower.end) as string;
    const high = Array.from({ length: 100 }, (_, i) => `v-${i}`).find((k) => hashKeyOf(k) >= upper.start) as string;
    const a = producer.put({ partitionKey: low, data: 'low' });
    const b = producer.put({ partitionKey: high, data: 'high' });
    await split();
    await time.runUntil(() => producer.metrics().stream.UserRecordsPending === 0, 10_000);
    // The aggregate lands on child-0 (its first record's hash key): `low` is kept there, `high` re-sent alone.
    expect(await a).toMatchObject({ shardId: 'shardId-child-0', attempts: 1 });
    expect(await b).toMatchObject({ shardId: 'shardId-child-1', attempts: 2 });
    expect((await b).subSequenceNumber).toBeUndefined();
    await producer.close();
  });

  it('a failed put nobody awaited surfaces as an unhandled rejection, once; an awaited one does not', async () => {
    const { time, client, producer } = setup();
    client.perRecord = () => 'AccessDeniedException';
    const caught: unknown[] = [];
    const unhandled = await collectUnhandled(async () => {
      void producer.put({ partitionKey: 'lost', data: 'nobody listens' });
      void producer.put({ partitionKey: 'lost', data: 'nobody listens either' });
      producer.put({ partitionKey: 'kept', data: 'awaited' }).catch((e: unknown) => caught.push(e));
      await time.runUntil(() => producer.metrics().stream.UserRecordsPending === 0, 5_000);
    });
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBeInstanceOf(ProducerError);
    expect(unhandled).toHaveLength(2);
    expect(unhandled.every((e) => e instanceof ProducerError && e.code === 'AccessDeniedException')).toBe(true);
    expect(unhandled.map((e) => new TextDecoder().decode((e as ProducerError).record.data)).sort()).toEqual(['nobody listens', 'nobody listens either']);
    await producer.close();
  });

  it('a handle awaited after its put failed rejects with the same error (like a native promise that was handled late)', async () => {
    const { time, client, producer } = setup();
    client.perRecord = () => 'AccessDeniedException';
    let handle: Promise<PutResult> | undefined;
    const unhandled = await collectUnhandled(async () => {
      handle = producer.put({ partitionKey: 'late', data: 'x' });
      await time.runUntil(() => producer.metrics().stream.UserRecordsPending === 0, 5_000);
    });
    expect(unhandled).toHaveLength(1);
    const error = await (handle as Promise<PutResult>).catch((e: unknown) => e);
    expect(error).toBe(unhandled[0]);
    expect(await (handle as Promise<PutResult>).catch((e: unknown) => e)).toBe(error);
    await producer.close();
  });

  it('is declared as what it is: a PutHandle, usable where a Promise is expected; a put after close() is one too, already rejected', async () => {
    const { producer } = setup();
    const handle: PutHandle<PutResult> = producer.put({ partitionKey: 'k', data: 'x' });
    const asPromise: Promise<PutResult> = handle; // code typed against Promise keeps compiling
    expect(Object.prototype.toString.call(handle)).toBe('[object PutHandle]');
    await producer.close();
    expect(await asPromise).toMatchObject({ attempts: 1 });
    const late: PutHandle<PutResult> = producer.put({ partitionKey: 'k', data: 'late' });
    expect(late).not.toBeInstanceOf(Promise);
    expect(Object.prototype.toString.call(late)).toBe('[object PutHandle]');
    await expect(late).rejects.toMatchObject({ code: 'Closed' });
    await expect(late.catch((e: ProducerError) => e.code)).resolves.toBe('Closed');
  });
});
