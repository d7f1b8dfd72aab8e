// reuseBuffers: new aggregates are written into the buffers of acknowledged ones. What was sent
// must never change under a client that copied it (as the AWS SDK serializes a request), and with
// any other client (which may keep the bytes) buffers are not reused by default.
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { KinesisProducer, deaggregate } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

/** Copies each record's bytes when a request is sent, as the SDK's serializer does. */
class CopyingKinesis extends ScriptedKinesis {
  sent: { data: Buffer; partitionKey: string }[] = [];
  /** The Data views of every request, to see whether a buffer came back. */
  views: Uint8Array[] = [];
  override async send(command: object): Promise<unknown> {
    if (command instanceof PutRecordsCommand) {
      const call = this.calls.length;
      for (const [i, r] of (command.input.Records ?? []).entries()) {
        const view = r.Data as Uint8Array;
        this.views.push(view);
        // Only what is accepted counts as sent (the first call's throttled records go again).
        if (!(call === 0 && i % 2 === 0)) this.sent.push({ data: Buffer.from(view), partitionKey: r.PartitionKey as string });
      }
    }
    return super.send(command);
  }
}

function userRecordsOf(sent: { data: Buffer; partitionKey: string }[]): string[] {
  return sent.flatMap((s) => deaggregate(s.data, s.partitionKey).map((u) => `${u.partitionKey} ${Buffer.from(u.data).toString()}`)).sort();
}

async function putRounds(producer: KinesisProducer, time: ManualTime, rounds: number, perRound: number): Promise<string[]> {
  const expected: string[] = [];
  for (let round = 0; round < rounds; round++) {
    const records = Array.from({ length: perRound }, (_, i) => {
      const partitionKey = `vehicle-${i % 29}`;
      const data = JSON.stringify({ round, i, pad: 'x'.repeat(150 + (i % 50)) });
      expected.push(`${partitionKey} ${data}`);
      return { partitionKey, data };
    });
    let result: { acked: number } | undefined;
    void producer.putMany(records).then((r) => (result = r));
    await time.runUntil(() => result !== undefined, 60_000);
    expect(result?.acked).toBe(perRound);
  }
  return expected.sort();
}

describe('KinesisProducer buffer reuse', () => {
  it('writes new aggregates into acknowledged ones’ buffers without changing a byte that was sent, retries included', async () => {
    const time = new ManualTime();
    const client = new CopyingKinesis(evenShards(2));
    client.perRecord = (_e, call, i) => (call === 0 && i % 2 === 0 ? 'ProvisionedThroughputExceededException' : undefined);
    const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0, reuseBuffers: true });
    const expected = await putRounds(producer, time, 4, 2_000);
    await producer.close();
    expect(userRecordsOf(client.sent)).toEqual(expected);
    // A buffer came back: some later aggregate was written where an earlier one had been.
    const regions = new Set<string>();
    let reused = 0;
    for (const v of client.views) {
      const region = `${v.buffer.byteLength}:${v.byteOffset}`;
      if (regions.has(region)) reused++;
      regions.add(region);
    }
    expect(reused).toBeGreaterThan(0);
  });

  it('does not reuse by default with a client other than KinesisClient, which may keep the bytes it was sent', async () => {
    const time = new ManualTime();
    const client = new ScriptedKinesis(evenShards(2));
    const producer = new KinesisProducer({ client, streamName: 'test', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0 });
    const expected = await putRounds(producer, time, 4, 2_000);
    await producer.close();
    // The client kept references to every request's Data; read them only now.
    const kept = client.calls.flatMap((c) => (c.Records ?? []).map((r) => ({ data: Buffer.from(r.Data as Uint8Array), partitionKey: r.PartitionKey as string })));
    expect(userRecordsOf(kept)).toEqual(expected);
  });
});
