import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KinesisProducer, createLocalKinesisClient } from '../../producer/index.js';
import { startGate, type Gate } from '../../pipeline/stream/gate.js';
import { createStream } from '../../pipeline/stream/streams.js';
import { startKinesisLocal } from './support/kinesis-local.js';
import { recordData } from './support/offer.js';
import { readBack } from './support/read-back.js';
import { userRecordsOf } from './support/user-records.js';

// kinesis-mock is a second, independent Kinesis (about 70 records/s here), so this stays tiny.
describe('conformance: the gate in front of kinesis-local', () => {
  let kinesisLocal: Awaited<ReturnType<typeof startKinesisLocal>>;
  let gate: Gate;

  beforeAll(async () => {
    kinesisLocal = await startKinesisLocal();
    gate = await startGate({ upstream: kinesisLocal.endpoint, limits: { recordsPerSecond: 10 } });
  }, 60_000);
  afterAll(async () => {
    await gate?.close();
    await kinesisLocal?.close();
  });

  it('meters with kinesis-local’s own shard map and account', async () => {
    const client = createLocalKinesisClient({ endpoint: gate.endpoint });
    await createStream(client, 'conf-raw', 2);
    const out = await client.send(
      new PutRecordsCommand({ StreamName: 'conf-raw', Records: Array.from({ length: 15 }, (_, i) => ({ PartitionKey: 'same-key', Data: Buffer.from(`r${i}`) })) }),
    );
    client.destroy();
    const results = out.Records ?? [];
    expect(out.FailedRecordCount).toBe(5); // 10 records/s with a 1 s burst
    expect(results.slice(0, 10).every((r) => r.SequenceNumber && !r.ErrorCode)).toBe(true);
    const shardId = results[0].ShardId;
    for (const r of results.slice(10)) {
      expect(r).toEqual({
        ErrorCode: 'ProvisionedThroughputExceededException',
        ErrorMessage: `Rate exceeded for shard ${shardId} in stream conf-raw under account 000000000000.`,
      });
    }
    const direct = createLocalKinesisClient({ endpoint: kinesisLocal.endpoint });
    const stored = await readBack(direct, 'conf-raw');
    direct.destroy();
    expect(stored.map((r) => r.data.toString()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i}`).sort());
  });

  it('carries a small producer run through throttling with zero loss', async () => {
    const client = createLocalKinesisClient({ endpoint: gate.endpoint });
    await createStream(client, 'conf-producer', 2);
    // Raw records (no aggregation) so the 10 records/s limit throttles and the producer must retry.
    const producer = new KinesisProducer({ client, streamName: 'conf-producer', aggregation: false, metricsIntervalMs: 0, rateLimitPercent: 300, adaptive: false });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, id) => producer.put({ partitionKey: `veh-${id % 7}`, data: recordData('conf', id, 64) })),
    );
    await producer.close();
    client.destroy();
    expect(results).toHaveLength(60);
    expect(gate.accounting().totals.throttledRecords).toBeGreaterThan(0);

    const direct = createLocalKinesisClient({ endpoint: kinesisLocal.endpoint });
    const users = userRecordsOf(await readBack(direct, 'conf-producer'));
    direct.destroy();
    expect(users.map((u) => u.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });
});
