// FirehoseProducer with a scripted PutRecordBatch client and manual time.
import { describe, expect, it } from 'vitest';
import { PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { FirehoseProducer, ProducerError, type FirehosePutResult, type PutManyResult } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';

class ScriptedFirehose {
  calls: PutRecordBatchCommandInput[] = [];
  failFirstTry = new Set<number>();
  received: string[] = [];
  private id = 0;
  async send(command: object): Promise<unknown> {
    if (!(command instanceof PutRecordBatchCommand)) throw new Error('unexpected command');
    const call = this.calls.length;
    this.calls.push(command.input);
    const responses = (command.input.Records ?? []).map((r, i) => {
      const text = Buffer.from(r.Data as Uint8Array).toString();
      if (call === 0 && this.failFirstTry.has(i)) return { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' };
      this.received.push(text);
      return { RecordId: `rec-${++this.id}` };
    });
    return { FailedPutCount: responses.filter((r) => 'ErrorCode' in r).length, RequestResponses: responses };
  }
}

function setup() {
  const time = new ManualTime();
  const client = new ScriptedFirehose();
  const producer = new FirehoseProducer({ client, deliveryStreamName: 'lake', clock: time, scheduler: time, random: () => 0.5, metricsIntervalMs: 0 });
  return { time, client, producer };
}

describe('FirehoseProducer', () => {
  it('copies the bytes of put(), so a caller reusing its buffer does not change what is sent', async () => {
    const { time, client, producer } = setup();
    const buffer = Buffer.from('{"v":1}\n');
    const withoutDelimiter = Buffer.from('{"v":2}');
    const puts = [producer.put({ data: buffer }), producer.put({ data: withoutDelimiter })];
    buffer.write('{"v":9}\n');
    withoutDelimiter.write('{"v":8}');
    let done = false;
    void Promise.all(puts).then(() => (done = true));
    await time.runUntil(() => done, 5_000);
    expect(client.received).toEqual(['{"v":1}\n', '{"v":2}\n']);
  });

  it('sends newline-delimited records in batches of at most 500 and retries what FailedPutCount reports', async () => {
    const { time, client, producer } = setup();
    client.failFirstTry = new Set([0, 7, 499]);
    const results: FirehosePutResult[] = [];
    const puts = Array.from({ length: 1_200 }, (_, i) => producer.put({ data: JSON.stringify({ i }) }).then((r) => results.push(r)));
    await time.runUntil(() => results.length === 1_200, 10_000);
    await Promise.all(puts);
    expect(client.calls.every((c) => (c.Records ?? []).length <= 500)).toBe(true);
    expect(client.received).toHaveLength(1_200);
    expect(client.received.every((t) => t.endsWith('}\n') && !t.endsWith('\n\n'))).toBe(true);
    expect(new Set(client.received.map((t) => (JSON.parse(t) as { i: number }).i)).size).toBe(1_200);
    expect(results.filter((r) => r.attempts === 2)).toHaveLength(3);
    const m = producer.metrics().stream;
    expect(m.UserRecordsPut).toBe(1_200);
    expect(m.ErrorsByCode.ServiceUnavailableException).toBe(3);
    expect(m.UserRecordsPending).toBe(0);
  });

  it('keeps batches within 4 MiB and does not double a trailing newline', async () => {
    const { time, client, producer } = setup();
    const big = 'x'.repeat(900 * 1024);
    const puts = Array.from({ length: 10 }, () => producer.put({ data: `${big}\n` }));
    let done = false;
    void Promise.all(puts).then(() => (done = true));
    await time.runUntil(() => done, 5_000);
    expect(done).toBe(true);
    for (const c of client.calls) {
      expect((c.Records ?? []).reduce((n, r) => n + (r.Data as Uint8Array).byteLength, 0)).toBeLessThanOrEqual(4 * 1024 * 1024);
    }
    expect(client.received.every((t) => t.length === big.length + 1)).toBe(true);
  });

  it('rejects a record over 1000 KiB (with its newline) at put(), naming the field', () => {
    const { producer } = setup();
    expect(() => producer.put({ data: new Uint8Array(1000 * 1024) })).toThrow(/data: record with its delimiter is 1024001 bytes, over Firehose's limit of 1024000 bytes/);
    expect(producer.metrics().stream.UserRecordsReceived).toBe(0);
  });

  it('fails every record fast when the delivery stream does not exist', async () => {
    const time = new ManualTime();
    const client = {
      send: async () => {
        throw Object.assign(new Error('Firehose lake under account 1 not found.'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } });
      },
    };
    const producer = new FirehoseProducer({ client, deliveryStreamName: 'lake', clock: time, scheduler: time, metricsIntervalMs: 0 });
    const errors: ProducerError[] = [];
    for (let i = 0; i < 5; i++) producer.put({ data: 'x' }).catch((e: ProducerError) => errors.push(e));
    await time.runUntil(() => errors.length === 5, 1_000);
    expect(errors.map((e) => e.code)).toEqual(Array(5).fill('ResourceNotFoundException'));
    expect(errors[0].message).toMatch(/does not exist.*not found/);
    expect(new TextDecoder().decode(errors[0].record.data)).toBe('x\n');
  });

  it('cuts its pace when Firehose throttles (ServiceUnavailableException) and still delivers everything', async () => {
    const { time, client, producer } = setup();
    let throttledCalls = 0;
    const send = client.send.bind(client);
    client.send = async (command: object) => {
      if (throttledCalls < 3 && command instanceof PutRecordBatchCommand) {
        throttledCalls++;
        const n = command.input.Records?.length ?? 0;
        client.calls.push(command.input);
        return { FailedPutCount: n, RequestResponses: Array.from({ length: n }, () => ({ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' })) };
      }
      return send(command);
    };
    const results = await settleAll(time, Array.from({ length: 300 }, (_, i) => producer.put({ data: `{"i":${i}}` })));
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const m = producer.metrics();
    expect(m.stream.ThrottledRecords).toBeGreaterThan(0);
    expect(m.rateFactors.lake).toBeLessThan(1);
    expect(new Set(client.received).size).toBe(300);
  });

  it('putMany() resolves once to the count acknowledged and each failure with its record, reason and attempts', async () => {
    const { time, producer } = setup();
    let result: PutManyResult | undefined;
    void producer.putMany([{ data: 'a' }, { data: 'x'.repeat(1000 * 1024) }, { data: 'b' }]).then((r) => (result = r));
    await time.runUntil(() => result !== undefined, 5_000);
    expect(result?.acked).toBe(2);
    expect(result?.failed).toHaveLength(1);
    expect(result?.failed[0]).toMatchObject({ reason: 'InvalidArgument', attempts: [] });
    expect(result?.failed[0].message).toMatch(/over Firehose's limit/);
  });
});

async function settleAll<T>(time: ManualTime, puts: Promise<T>[]): Promise<PromiseSettledResult<T>[]> {
  let out: PromiseSettledResult<T>[] | undefined;
  void Promise.allSettled(puts).then((r) => (out = r));
  await time.runUntil(() => out !== undefined, 30_000);
  if (out === undefined) throw new Error('puts did not settle');
  return out;
}
