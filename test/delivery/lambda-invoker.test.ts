import { randomUUID } from 'node:crypto';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../pipeline/delivery/checkpoint-tracker.js';
import { LambdaInvoker, recordIdOf, type TransformHandler } from '../../pipeline/delivery/lambda-invoker.js';
import type { SourceRecord } from '../../pipeline/delivery/source-record.js';
import { createFirehoseHandler, failureReason } from '../../pipeline/transform/firehose-handler.js';
import { silentLogger } from '../../common/logger.js';

const tracker = new CheckpointTracker();
const batch = tracker.open('shardId-000000000000', '1', 0, false);

function source(i: number, data: string | Uint8Array = event(i)): SourceRecord {
  return {
    shardId: 'shardId-000000000000',
    sequenceNumber: `4960000000000000000000000000000000000000000000000000${String(1000 + i)}`,
    subsequenceNumber: i % 3,
    partitionKey: `veh-${i}`,
    arrivalMs: 1_767_600_000_000 + i,
    data: typeof data === 'string' ? Buffer.from(data) : data,
    batch,
  };
}

function event(i: number): string {
  return JSON.stringify({ event_uuid: randomUUID(), event_name: 'vehicle:telemetry', created_at: 1_767_600_000 + i, vehicle_id: `veh-${i}`, seq: i + 1 });
}

function invoker(handler: TransformHandler, retries = 3) {
  const sleeps: number[] = [];
  const calls: FirehoseTransformationEvent[] = [];
  const inv = new LambdaInvoker({
    handler: async (e) => {
      calls.push(e);
      return handler(e);
    },
    failureReason,
    deliveryStreamArn: 'arn:aws:firehose:us-west-2:000000000000:deliverystream/d',
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-west-2:000000000000:stream/s',
    region: 'us-west-2',
    retries,
    scheduler: { setTimeout: (resume: () => void, ms: number) => (sleeps.push(ms), resume()), clearTimeout: () => undefined },
    clock: { now: () => 42 },
  });
  return { inv, calls, sleeps };
}

const echo: TransformHandler = async (e) => ({ records: e.records.map((r) => ({ recordId: r.recordId, result: 'Ok' as const, data: r.data })) });

describe('Lambda invoker', () => {
  it('sends the exact Firehose event shape', async () => {
    const { inv, calls } = invoker(echo);
    const records = [source(0), source(1)];
    const out = await inv.invoke(records);
    expect(out.ok.map((o) => Buffer.from(o.data).toString())).toEqual(records.map((r) => Buffer.from(r.data).toString()));
    const [e] = calls;
    expect(Object.keys(e).sort()).toEqual(['deliveryStreamArn', 'invocationId', 'records', 'region', 'sourceKinesisStreamArn']);
    expect(e.records[1]).toEqual({
      recordId: recordIdOf(records[1]),
      approximateArrivalTimestamp: records[1].arrivalMs,
      data: Buffer.from(records[1].data).toString('base64'),
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey: 'veh-1',
        approximateArrivalTimestamp: records[1].arrivalMs,
        sequenceNumber: records[1].sequenceNumber,
        subsequenceNumber: '1',
      },
    });
  });

  it('runs the real transform: Ok with partition keys, ProcessingFailed with the handler reason, Dropped counted', async () => {
    const real = createFirehoseHandler({ logger: silentLogger });
    const dropSecond: TransformHandler = async (e) => {
      const out = await real(e);
      out.records[1] = { recordId: out.records[1].recordId, result: 'Dropped' };
      return out;
    };
    const { inv } = invoker(dropSecond);
    const out = await inv.invoke([source(0), source(1), source(2, '{"not":"an event"}'), source(3, Uint8Array.of(0xff, 0xfe))]);
    expect(out.ok).toHaveLength(1);
    expect(out.ok[0].partitionKeys).toMatchObject({ event_type: 'vehicle', year: '2026' });
    expect(JSON.parse(Buffer.from(out.ok[0].data).toString())).toMatchObject({ event_type: 'vehicle', event_subtype: 'telemetry', seq: 1 });
    expect(out.dropped).toHaveLength(1);
    expect(out.failed.map((f) => [f.errorCode, f.attemptsMade])).toEqual([
      ['MissingField', 1],
      ['InvalidUtf8', 1],
    ]);
    expect(out.failed[0].errorMessage).toMatch(/event_uuid/);
  });

  it('retries a throwing handler 3 times, then fails every record with the error', async () => {
    const { inv, calls, sleeps } = invoker(async () => {
      throw new Error('boom');
    });
    const out = await inv.invoke([source(0), source(1)]);
    expect(calls).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    expect(out.ok).toHaveLength(0);
    expect(out.failed.map((f) => [f.errorCode, f.errorMessage, f.attemptsMade, f.outputType])).toEqual([
      ['Lambda.FunctionError', 'boom', 4, 'processing-failed'],
      ['Lambda.FunctionError', 'boom', 4, 'processing-failed'],
    ]);
  });

  it('succeeds when a retry succeeds', async () => {
    let n = 0;
    const { inv, calls } = invoker(async (e) => {
      if (n++ < 2) throw new Error('flaky');
      return echo(e);
    });
    const out = await inv.invoke([source(0)]);
    expect(calls).toHaveLength(3);
    expect(out.ok).toHaveLength(1);
    expect(out.failed).toHaveLength(0);
  });

  const violations: [string, (e: FirehoseTransformationEvent) => FirehoseTransformationResult, string][] = [
    ['missing recordId', (e) => ({ records: e.records.slice(1).map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) }), 'Lambda.MissingRecordId'],
    [
      'unknown recordId',
      (e) => ({ records: [...e.records.map((r) => ({ recordId: r.recordId, result: 'Ok' as const, data: r.data })), { recordId: 'nope', result: 'Ok', data: '' }] }),
      'Lambda.UnknownRecordId',
    ],
    ['duplicated recordId', (e) => ({ records: [...e.records, e.records[0]].map((r) => ({ recordId: r.recordId, result: 'Ok', data: r.data })) }), 'Lambda.DuplicatedRecordId'],
    ['bad base64', (e) => ({ records: e.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: 'not base64!' })) }), 'Lambda.JsonProcessingException'],
    ['bad result', (e) => ({ records: e.records.map((r) => ({ recordId: r.recordId, result: 'Fine' as 'Ok', data: r.data })) }), 'Lambda.JsonProcessingException'],
    ['no records array', () => ({}) as FirehoseTransformationResult, 'Lambda.JsonProcessingException'],
    ['response above 6 MB', (e) => ({ records: e.records.map((r) => ({ recordId: r.recordId, result: 'Ok', data: 'A'.repeat(7 * 1024 * 1024) })) }), 'Lambda.ResponseSizeExceeded'],
  ];

  it.each(violations)('treats a %s as a failed invocation: retried, then all records fail', async (_name, respond, code) => {
    const { inv, calls } = invoker(async (e) => respond(e));
    const out = await inv.invoke([source(0), source(1)]);
    expect(calls).toHaveLength(4);
    expect(out.failed.map((f) => f.errorCode)).toEqual([code, code]);
    expect(out.ok.length + out.dropped.length).toBe(0);
  });

  it('splits a batch that would exceed the 6 MB request limit, and fails a single record that alone would', async () => {
    const { inv, calls } = invoker(echo, 0);
    const big = new Uint8Array(1024 * 1024).fill(65); // 1 MiB → ~1.33 MiB of base64
    const huge = new Uint8Array(5 * 1024 * 1024).fill(66);
    const out = await inv.invoke([source(0, big), source(1, big), source(2, big), source(3, big), source(4, big), source(5, huge)]);
    expect(calls.length).toBe(2);
    for (const call of calls) expect(Buffer.byteLength(JSON.stringify(call))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(out.ok).toHaveLength(5);
    expect(out.failed.map((f) => f.errorCode)).toEqual(['Lambda.RequestSizeExceeded']);
  });
});
