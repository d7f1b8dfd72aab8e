import agg from 'aws-kinesis-agg';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { encodeAggregated } from '../../producer/codec.js';
import { createKinesisHandler, type EnrichedBatch, type RejectedRecord } from '../../pipeline/transform/kinesis-handler.js';
import { eventWithDeepField, kinesisEvent, nestedArrays, telemetryEvent } from './fixtures.js';

const json = (value: unknown): Uint8Array => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function eventFor(vehicle: string, seq: number): Record<string, unknown> {
  return telemetryEvent({ vehicle_id: vehicle, seq, event_uuid: `00000000-0000-4000-8000-${(seq * 1000).toString(16).padStart(12, '0')}` });
}

function collectingSink() {
  const written: EnrichedBatch[] = [];
  const rejected: RejectedRecord[] = [];
  return { written, rejected, sink: { write: (batch: EnrichedBatch) => void written.push(batch), reject: (r: RejectedRecord) => void rejected.push(r) } };
}

/** Aggregates with awslabs' reference module (it ignores shards; fine for one consumer-side record). */
function referenceAggregate(records: { partitionKey: string; data: Uint8Array }[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const out: Uint8Array[] = [];
    agg.aggregate(
      records.map((r) => ({ partitionKey: r.partitionKey, data: Buffer.from(r.data) })),
      (encoded, done) => {
        out.push(encoded.data);
        done();
      },
      () => (out.length === 1 ? resolve(out[0]) : reject(new Error(`expected one aggregated record, got ${out.length}`))),
      reject,
    );
  });
}

describe('Kinesis event-source handler', () => {
  it('de-aggregates KPL records, enriches every user record and reports nothing failed', async () => {
    const { written, rejected, sink } = collectingSink();
    const ours = encodeAggregated([1, 2, 3].map((seq) => ({ partitionKey: 'SD-1', data: json(eventFor('SD-1', seq)) })));
    const reference = await referenceAggregate([4, 5].map((seq) => ({ partitionKey: 'SD-2', data: json(eventFor('SD-2', seq)) })));
    const event = kinesisEvent([
      { partitionKey: 'a', data: ours },
      { partitionKey: 'SD-3', data: json(eventFor('SD-3', 6)) }, // raw, as the KPL sends a lone record
      { partitionKey: 'a', data: reference },
    ]);

    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(rejected).toEqual([]);
    expect(written.map((b) => b.sequenceNumber)).toEqual(event.Records.map((r) => r.kinesis.sequenceNumber));
    expect(written.map((b) => b.records.map((r) => r.partitionKey))).toEqual([['SD-1', 'SD-1', 'SD-1'], ['SD-3'], ['SD-2', 'SD-2']]);

    const lines = written.flatMap((b) => b.records.map((r) => JSON.parse(r.line) as Record<string, unknown>));
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 6, 4, 5]);
    for (const line of lines) expect(line).toMatchObject({ event_type: 'vehicle', event_subtype: 'telemetry', created_datetime: '2024-06-01T12:34:56.789Z' });
    expect(written[0].records[0].partitionKeys).toEqual({ event_type: 'vehicle', year: '2024', month: '06', day: '01', hour: '12' });
  });

  it('reports each bad Kinesis record by sequence number, with its reason, and keeps the good ones', async () => {
    const { written, rejected, sink } = collectingSink();
    const corrupt = encodeAggregated([{ partitionKey: 'SD-1', data: json(eventFor('SD-1', 1)) }]);
    corrupt[corrupt.length - 1] ^= 0xff; // break the MD5 trailer
    const halfBad = encodeAggregated([
      { partitionKey: 'SD-2', data: json(eventFor('SD-2', 1)) },
      { partitionKey: 'SD-2', data: json(telemetryEvent({ created_at: 'yesterday' })) },
    ]);
    const event = kinesisEvent([
      { partitionKey: 'SD-0', data: json(eventFor('SD-0', 1)) },
      { partitionKey: 'a', data: corrupt },
      { partitionKey: 'SD-4', data: json('{not json') },
      { partitionKey: 'a', data: halfBad },
      { partitionKey: 'SD-5', data: Uint8Array.of(0xff, 0xfe) },
      { partitionKey: 'SD-6', data: json(eventFor('SD-6', 2)) },
    ]);
    const seq = event.Records.map((r) => r.kinesis.sequenceNumber);

    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual([seq[1], seq[2], seq[3], seq[4]].map((itemIdentifier) => ({ itemIdentifier })));
    expect(written.map((b) => b.sequenceNumber)).toEqual([seq[0], seq[5]]);
    // Reconcile: every Kinesis record is either written or rejected, never both, never neither.
    expect(written.length + rejected.length).toBe(event.Records.length);

    expect(rejected.map((r) => [r.sequenceNumber, r.errorCode])).toEqual([
      [seq[1], 'InvalidAggregate'],
      [seq[2], 'InvalidJson'],
      [seq[3], 'InvalidField'],
      [seq[4], 'InvalidUtf8'],
    ]);
    expect(rejected[0].errorMessage).toMatch(/md5/i);
    expect(rejected[2].errorMessage).toBe('user record 2 of 2: created_at: must be a finite number of Unix seconds (got "yesterday")');
    expect(rejected[3].data).toBe(event.Records[4].kinesis.data);
  });

  it('fails only the Kinesis records holding deeply nested JSON (10k and 100k, field or root), raw or aggregated', async () => {
    const { written, rejected, sink } = collectingSink();
    const deep = [eventWithDeepField(10_000), nestedArrays(10_000), eventWithDeepField(100_000), nestedArrays(100_000)];
    const event = kinesisEvent([
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 1)) },
      ...deep.map((text) => ({ partitionKey: 'SD-2', data: json(text) })),
      { partitionKey: 'a', data: encodeAggregated([{ partitionKey: 'SD-3', data: json(eventFor('SD-3', 1)) }, { partitionKey: 'SD-3', data: json(deep[0]) }]) },
      { partitionKey: 'SD-4', data: json(eventFor('SD-4', 1)) },
    ]);
    const seq = event.Records.map((r) => r.kinesis.sequenceNumber);
    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual(seq.slice(1, 6).map((itemIdentifier) => ({ itemIdentifier })));
    expect(written.map((b) => b.sequenceNumber)).toEqual([seq[0], seq[6]]);
    expect(rejected.map((r) => r.errorCode)).toEqual(Array(5).fill('NestingTooDeep'));
    expect(rejected[4].errorMessage).toMatch(/^user record 2 of 2: record: nests deeper than 100 levels/);
  });

  it('turns an unexpected exception on one record into that record\'s failure', async () => {
    const { written, rejected, sink } = collectingSink();
    const event = kinesisEvent([
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 1)) },
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 2)) },
    ]);
    const broken = event.Records[0].kinesis;
    Object.defineProperty(broken, 'partitionKey', {
      get() {
        throw new TypeError('a bug in the transform');
      },
    });
    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: broken.sequenceNumber }]);
    expect(written.map((b) => b.sequenceNumber)).toEqual([event.Records[1].kinesis.sequenceNumber]);
    expect(rejected).toMatchObject([{ errorCode: 'UnexpectedError', errorMessage: 'transform: unexpected error (TypeError: a bug in the transform)' }]);
  });

  it('fails a record whose sink write throws, so Lambda retries it', async () => {
    const event = kinesisEvent([
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 1)) },
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 2)) },
    ]);
    const rejected: RejectedRecord[] = [];
    let calls = 0;
    const sink = {
      write: async () => {
        calls += 1;
        if (calls === 2) throw new Error('bucket unavailable');
      },
      reject: (r: RejectedRecord) => void rejected.push(r),
    };
    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }]);
    expect(rejected).toMatchObject([{ errorCode: 'SinkFailed', errorMessage: 'sink: bucket unavailable' }]);
  });

  it('still reports the failure when the reject hook itself throws', async () => {
    const event = kinesisEvent([{ partitionKey: 'SD-1', data: json('[]') }]);
    const sink = { write: () => undefined, reject: () => Promise.reject(new Error('dead letter queue down')) };
    const response = await createKinesisHandler({ sink, logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0].kinesis.sequenceNumber }]);
  });

  it('validates and counts without a sink', async () => {
    const event = kinesisEvent([
      { partitionKey: 'SD-1', data: json(eventFor('SD-1', 1)) },
      { partitionKey: 'SD-1', data: json({}) },
    ]);
    const response = await createKinesisHandler({ logger: silentLogger })(event);
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1].kinesis.sequenceNumber }]);
  });
});
