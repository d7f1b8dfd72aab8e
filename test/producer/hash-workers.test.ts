// Aggregates hashed on worker threads: through the real SDK into kinesalite, read back and
// de-aggregated (the MD5 checked), every record once, in per-key order, where its result says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer, InvalidArgumentError, type PutResult } from '../../producer/index.js';
import { readBack } from '../stream/support/read-back.js';
import { userRecordsOf } from '../stream/support/user-records.js';
import { startKinesalite, type LocalKinesis } from './kinesalite-fixture.js';
import { createHash } from 'node:crypto';
import { HashWorkers } from '../../producer/hash-workers.js';
import { leaseHashWorkers } from '../../producer/hash-worker-pool.js';
import { reuseAggregateBuffer, type SealedAggregate } from '../../producer/codec.js';

let kinesis: LocalKinesis;

beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis.stop();
});

describe('hashWorkers', () => {
  it('delivers put() and putMany() records once, in per-key order, with digests a decoder accepts', async () => {
    await kinesis.createStream('hashed', 2);
    // One request at a time: Kinesis orders concurrent requests to a shard as it likes, and what is
    // checked here is that aggregates hashed off the thread still go out in the order they were made.
    const producer = new KinesisProducer({ client: kinesis.client, streamName: 'hashed', maxBufferedTimeMs: 20, metricsIntervalMs: 0, hashWorkers: 2, maxInFlight: 1 });
    const record = (id: number) => ({ partitionKey: `vehicle-${id % 29}`, data: JSON.stringify({ source: `vehicle-${id % 29}`, id, pad: 'x'.repeat(150) }) });
    const n = 6000;
    const many = producer.putMany(Array.from({ length: n / 2 }, (_, i) => record(i)));
    const puts: Promise<PutResult>[] = [];
    for (let i = n / 2; i < n; i++) puts.push(producer.put(record(i)));
    const results = await Promise.all(puts);
    expect(await many).toEqual({ acked: n / 2, failed: [] });
    await producer.close();

    const users = userRecordsOf(await readBack(kinesis.client, 'hashed'));
    expect(users.map((u) => u.id).sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(users.every((u) => u.inShard)).toBe(true);
    const where = new Map(users.map((u) => [u.id, u.location]));
    results.forEach((r, i) => expect(where.get(n / 2 + i)).toBe(`${r.shardId}/${r.sequenceNumber}/${r.subSequenceNumber ?? '-'}`));
    const lastId = new Map<string, number>();
    for (const u of users) {
      expect(u.id).toBeGreaterThan(lastId.get(u.source) ?? -1);
      lastId.set(u.source, u.id);
    }
    expect(producer.metrics().stream.UserRecordsPut).toBe(n);
  });

  it("refuses a hashWorkers value that is neither 'auto' nor a small integer", () => {
    expect(() => new KinesisProducer({ client: kinesis.client, streamName: 's', hashWorkers: -1 })).toThrow(InvalidArgumentError);
    expect(() => new KinesisProducer({ client: kinesis.client, streamName: 's', hashWorkers: 1.5 })).toThrow(/hashWorkers: must be 'auto' or an integer from 0 to 64/);
  });

  it('writes the right digest into every aggregate, its shared copy cut fresh or reused, across more slabs than a worker keeps a view of', async () => {
    const errors: unknown[] = [];
    const workers = new HashWorkers(1, (error) => errors.push(error));
    const out: { copy: SealedAggregate; done: boolean }[] = [];
    let checked = 0;
    const check = () => {
      for (; checked < out.length && out[checked].done; checked++) {
        const { bytes, digestAt, buffer } = out[checked].copy;
        expect(bytes.subarray(digestAt).toString('hex')).toBe(createHash('md5').update(bytes.subarray(4, digestAt)).digest('hex'));
        // Checked: its buffer is reused for a later copy, as an acknowledged aggregate's is.
        if (buffer !== undefined && checked % 3 !== 0) reuseAggregateBuffer(buffer);
      }
    };
    // 60 KiB aggregates: a 1 MiB shared slab holds 16, so 800 of them (a third not reused) span more
    // than the 32 slabs a worker keeps a view of, and reused buffers come from slabs sent long before.
    for (let i = 0; i < 800; i++) {
      const size = 61_000 + (i % 7) * 13;
      const bytes = Buffer.alloc(size, i % 251);
      bytes.writeUInt32BE(i, 4);
      const job = { copy: undefined as unknown as SealedAggregate, done: false };
      const copy = workers.hash({ bytes, digestAt: size - 16, buffer: undefined }, () => (job.done = true));
      if (copy === undefined) continue;
      job.copy = copy;
      out.push(job);
      // Let the worker keep up, so it takes every aggregate (none hashed here).
      while (out.length - checked >= 32) {
        workers.collect();
        await new Promise((resolve) => setTimeout(resolve, 1));
        check();
      }
    }
    while (checked < out.length) {
      workers.collect();
      await new Promise((resolve) => setTimeout(resolve, 1));
      check();
    }
    workers.close();
    expect(errors).toEqual([]);
    expect(out.length).toBe(800);
  });

  it('shares its workers between the producers of a process, and keeps them a while for the next', async () => {
    const errors: unknown[] = [];
    const a = leaseHashWorkers(2, (error) => errors.push(error), 100);
    const b = leaseHashWorkers(2, (error) => errors.push(error), 100);
    expect(b.threadIds).toEqual(a.threadIds);
    expect(a.threadIds).toHaveLength(2);
    // Both hash through the same threads; the first closes halfway and the second goes on.
    const jobs: { copy: SealedAggregate; done: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      const lease = i < 20 ? (i % 2 === 0 ? a : b) : b;
      if (i === 20) a.close();
      const bytes = Buffer.alloc(20_000 + i, i + 1);
      const job = { copy: undefined as unknown as SealedAggregate, done: false };
      const copy = lease.hash({ bytes, digestAt: bytes.length - 16, buffer: undefined }, () => (job.done = true));
      if (copy === undefined) throw new Error('a worker declined a job with an empty backlog');
      job.copy = copy;
      jobs.push(job);
    }
    while (jobs.some((j) => !j.done)) {
      b.collect();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    for (const { copy } of jobs) expect(copy.bytes.subarray(copy.digestAt).toString('hex')).toBe(createHash('md5').update(copy.bytes.subarray(4, copy.digestAt)).digest('hex'));
    b.close();
    // Leased again before the idle stop: the same threads.
    const c = leaseHashWorkers(2, (error) => errors.push(error), 100);
    expect(c.threadIds).toEqual(a.threadIds);
    c.close();
    // Idle past the stop: a later lease starts new ones.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const d = leaseHashWorkers(2, (error) => errors.push(error), 100);
    expect(d.threadIds).not.toEqual(a.threadIds);
    d.close();
    expect(errors).toEqual([]);
  });
});
