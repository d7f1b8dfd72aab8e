// putMany(): records under partition keys the producer knows go straight to their shard's
// aggregator (the fast path); anything else (a new key, string data, an explicit hash key, an
// invalid record, no room) takes the general path. Both in one call: every record settles once,
// the counts reconcile, per-key order holds, and the buffer limits hold.
import { describe, expect, it } from 'vitest';
import { KinesisProducer, deaggregate, type KinesisProducerOptions, type PutInput } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

function setup(options: Partial<KinesisProducerOptions> = {}) {
  const time = new ManualTime();
  const client = new ScriptedKinesis(evenShards(4));
  const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0, ...options });
  return { time, client, producer };
}

/** The user records sent, in the order each shard received them: `key i` per record. */
function sentRecords(client: ScriptedKinesis): { key: string; i: number }[] {
  return client.calls.flatMap((call) =>
    (call.Records ?? []).flatMap((r) =>
      deaggregate(r.Data as Uint8Array, r.PartitionKey as string).map((u) => ({ key: u.partitionKey, i: (JSON.parse(Buffer.from(u.data).toString()) as { i: number }).i })),
    ),
  );
}

describe('putMany()', () => {
  it('mixes fast and general records in one call: all settle once, counts reconcile, per-key order holds', async () => {
    const { time, client, producer } = setup();
    const data = (i: number) => Buffer.from(JSON.stringify({ i, pad: 'p'.repeat(Math.abs(i) % 40) }));
    // The first call makes the keys known (general path); the second mixes every kind of record.
    let first: Awaited<ReturnType<KinesisProducer['putMany']>> | undefined;
    void producer.putMany(Array.from({ length: 20 }, (_, i) => ({ partitionKey: `vehicle-${i}`, data: data(-1 - i) }))).then((r) => (first = r));
    await time.runUntil(() => first !== undefined, 10_000);
    expect(first).toEqual({ acked: 20, failed: [] });
    const records: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const partitionKey = i % 50 < 20 ? `vehicle-${i % 20}` : `new-${i % 50}`;
      if (i % 97 === 0) records.push({ partitionKey: '', data: data(i) }); // invalid: empty key
      else if (i % 11 === 0) records.push({ partitionKey, data: JSON.stringify({ i }) }); // string data
      else if (i % 13 === 0) records.push({ partitionKey, data: data(i), explicitHashKey: String(BigInt(i) * 10n ** 30n) });
      else records.push({ partitionKey, data: data(i) });
    }
    let result: Awaited<ReturnType<KinesisProducer['putMany']>> | undefined;
    void producer.putMany(records as PutInput[]).then((r) => (result = r));
    await time.runUntil(() => result !== undefined, 60_000);
    const invalid = records.filter((_, i) => i % 97 === 0).length;
    expect(result?.acked).toBe(3000 - invalid);
    expect(result?.failed.map((f) => f.reason)).toEqual(Array(invalid).fill('InvalidArgument'));
    await producer.close();
    const sent = sentRecords(client).filter((r) => r.i >= 0);
    expect(sent).toHaveLength(3000 - invalid);
    expect(new Set(sent.map((r) => r.i)).size).toBe(sent.length); // none twice
    // Per partition key (without an explicit hash key, which routes elsewhere), in the order given.
    const byKey = new Map<string, number[]>();
    for (const r of sent) if (!(r.i % 13 === 0 && r.i % 11 !== 0)) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r.i]);
    for (const [key, order] of byKey) expect(order, key).toEqual([...order].sort((a, b) => a - b));
    expect(producer.metrics().stream.UserRecordsPut).toBe(20 + 3000 - invalid);
  });

  it('holds the buffer limits on the fast path: no room means BufferFull (onBufferFull: fail), counted once', async () => {
    const { time, producer } = setup({ maxBufferedRecords: 50, onBufferFull: 'fail' });
    let warm: unknown;
    void producer.putMany([{ partitionKey: 'k', data: Buffer.from('{}') }]).then((r) => (warm = r));
    await time.runUntil(() => warm !== undefined, 10_000);
    let result: Awaited<ReturnType<KinesisProducer['putMany']>> | undefined;
    void producer.putMany(Array.from({ length: 200 }, (_, i) => ({ partitionKey: 'k', data: Buffer.from(JSON.stringify({ i })) }))).then((r) => (result = r));
    await time.runUntil(() => result !== undefined, 60_000);
    expect(result?.acked).toBe(50);
    expect(result?.failed).toHaveLength(150);
    expect(new Set(result?.failed.map((f) => f.reason))).toEqual(new Set(['BufferFull']));
    // The refused ones are the last 150, in order, each with its own data.
    expect(result?.failed.map((f) => (JSON.parse(Buffer.from(f.record.data).toString()) as { i: number }).i)).toEqual(Array.from({ length: 150 }, (_, j) => 50 + j));
    await producer.close();
    expect(producer.metrics().stream.UserRecordsPut).toBe(51);
  });

  it('refuses every record once the producer is closed', async () => {
    const { time, producer } = setup();
    let warm: unknown;
    void producer.putMany([{ partitionKey: 'k', data: Buffer.from('{}') }]).then((r) => (warm = r));
    await time.runUntil(() => warm !== undefined, 10_000);
    await producer.close();
    const result = await producer.putMany([{ partitionKey: 'k', data: Buffer.from('{"a":1}') }, { partitionKey: 'k', data: Buffer.from('{"a":2}') }]);
    expect(result.acked).toBe(0);
    expect(result.failed.map((f) => f.reason)).toEqual(['Closed', 'Closed']);
  });

  it('put() takes the same fast path: results in order, buffer limits held, nothing counted twice', async () => {
    const { time, client, producer } = setup({ maxBufferedRecords: 50, onBufferFull: 'fail' });
    let warm = false;
    void producer.put({ partitionKey: 'k', data: Buffer.from(JSON.stringify({ i: -1 })) }).then(() => (warm = true));
    await time.runUntil(() => warm, 10_000);
    const outcomes: string[] = [];
    const handles = Array.from({ length: 200 }, (_, i) =>
      producer.put({ partitionKey: 'k', data: Buffer.from(JSON.stringify({ i })) }).then(
        (r) => outcomes.push(`ok ${i} ${r.subSequenceNumber ?? '-'}`),
        (e: { code: string }) => outcomes.push(`${e.code} ${i}`),
      ),
    );
    await time.runUntil(() => outcomes.length === 200, 60_000);
    await Promise.all(handles);
    expect(outcomes.filter((o) => o.startsWith('ok'))).toHaveLength(50);
    expect(outcomes.filter((o) => o.startsWith('BufferFull')).map((o) => Number(o.split(' ')[1]))).toEqual(Array.from({ length: 150 }, (_, j) => 50 + j));
    await producer.close();
    expect(sentRecords(client).filter((r) => r.i >= 0).map((r) => r.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(producer.metrics().stream.UserRecordsPut).toBe(51);
  });
});
