// Aggregates hashed on worker threads: through the real SDK into kinesalite, read back and
// de-aggregated (the MD5 checked), every record once, in per-key order, where its result says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer, InvalidArgumentError, type PutResult } from '../../producer/index.js';
import { readBack } from '../stream/support/read-back.js';
import { userRecordsOf } from '../stream/support/user-records.js';
import { startKinesalite, type LocalKinesis } from './kinesalite-fixture.js';

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
});
