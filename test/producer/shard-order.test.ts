// Per-key order with requests in flight together: Kinesis orders concurrent requests to one shard
// as it likes, so a shard's records join no new request until its last one has been answered.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisProducer, deaggregate, type PutResult } from '../../producer/index.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers after varying delays, so a later request overtakes an earlier one; stores records when it answers. */
class OvertakingKinesis extends ScriptedKinesis {
  stored: { key: string; seq: number }[] = [];
  inFlight = 0;
  mostInFlight = 0;
  private requests = 0;
  override async send(command: object): Promise<unknown> {
    if (!(command instanceof PutRecordsCommand)) return super.send(command);
    this.mostInFlight = Math.max(this.mostInFlight, ++this.inFlight);
    await sleep([40, 0, 15, 0, 5][this.requests++ % 5]);
    this.inFlight--;
    for (const r of command.input.Records ?? []) {
      for (const u of deaggregate(r.Data as Uint8Array, r.PartitionKey as string)) this.stored.push(JSON.parse(Buffer.from(u.data).toString()) as { key: string; seq: number });
    }
    return super.send(command);
  }
}

describe('KinesisProducer shard order', () => {
  it('stores each partition key’s records in put order while requests overtake each other', async () => {
    const client = new OvertakingKinesis(evenShards(4));
    const producer = new KinesisProducer({ client, streamName: 'test', maxBufferedTimeMs: 5, metricsIntervalMs: 0 });
    const puts: Promise<PutResult>[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 300; i++) {
        const key = `vehicle-${i % 37}`;
        puts.push(producer.put({ partitionKey: key, data: JSON.stringify({ key, seq: round * 300 + i, pad: 'x'.repeat(120) }) }));
      }
      await sleep(3);
    }
    const results = await Promise.all(puts);
    await producer.close();
    expect(results.every((r) => r.attempts === 1)).toBe(true);
    expect(client.mostInFlight).toBeGreaterThan(1); // requests did overlap
    expect(client.stored).toHaveLength(puts.length);
    const byKey = new Map<string, number[]>();
    for (const s of client.stored) byKey.set(s.key, [...(byKey.get(s.key) ?? []), s.seq]);
    for (const seqs of byKey.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
