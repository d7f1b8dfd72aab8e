import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { createFirehoseHandler, failureReason, handler } from '../../pipeline/transform/firehose-handler.js';
import { MAX_RESPONSE_BYTES } from '../../pipeline/transform/response-budget.js';
import { decode, eventWithDeepField, firehoseEvent, firehoseResponseSchema, nestedArrays, telemetryEvent } from './fixtures.js';

const quietHandler = createFirehoseHandler({ logger: silentLogger });

function uuidFor(i: number): string {
  return `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

describe('Firehose transformation handler', () => {
  it('answers every record once, in order, Ok or ProcessingFailed with a reason', async () => {
    const event = firehoseEvent([
      telemetryEvent(),
      '{"event_uuid": "3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b", ',
      telemetryEvent({ event_name: 'alert:harsh_braking', created_at: 1735689599.5 }),
      telemetryEvent({ created_at: undefined }),
      Uint8Array.of(0xc3, 0x28),
      telemetryEvent({ event_uuid: 42 }),
    ]);
    const response = await quietHandler(event);

    expect(firehoseResponseSchema.parse(response)).toEqual(response);
    expect(response.records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(response.records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'ProcessingFailed', 'ProcessingFailed']);
    expect(response.records.map((r) => failureReason(r)?.errorCode)).toEqual([undefined, 'InvalidJson', undefined, 'MissingField', 'InvalidUtf8', 'InvalidField']);
    expect(failureReason(response.records[3])?.errorMessage).toContain('created_at: is required');
    expect(failureReason(response.records[5])?.errorMessage).toBe('event_uuid: must be a UUID like 8-4-4-4-12 hex digits (got 42)');

    // Failed records carry the original bytes back, untouched.
    for (const i of [1, 3, 4, 5]) expect(response.records[i].data).toBe(event.records[i].data);
  });

  it('returns one enriched JSON line per Ok record, with the lake partition keys', async () => {
    const event = firehoseEvent([telemetryEvent(), telemetryEvent({ event_name: 'alert:harsh_braking', created_at: 1735689599.5 })]);
    const [first, second] = (await quietHandler(event)).records;

    expect(decode(first.data)).toBe(`${JSON.stringify({ ...telemetryEvent(), created_datetime: '2024-06-01T12:34:56.789Z', event_type: 'vehicle', event_subtype: 'telemetry' })}\n`);
    expect(first.metadata).toEqual({ partitionKeys: { event_type: 'vehicle', year: '2024', month: '06', day: '01', hour: '12' } });
    expect(JSON.parse(decode(second.data))).toMatchObject({ created_datetime: '2024-12-31T23:59:59.500Z', event_type: 'alert', event_subtype: 'harsh_braking' });
    expect(second.metadata).toEqual({ partitionKeys: { event_type: 'alert', year: '2024', month: '12', day: '31', hour: '23' } });
  });

  it('fails a record without data instead of throwing', async () => {
    const event = firehoseEvent([telemetryEvent()]);
    delete (event.records[0] as { data?: string }).data;
    const response = await quietHandler(event);
    expect(response.records).toEqual([{ recordId: 'record-0', result: 'ProcessingFailed', data: '' }]);
    expect(failureReason(response.records[0])).toEqual({ errorCode: 'MissingField', errorMessage: 'data: is required and must be base64 (got undefined)' });
  });

  it('fails only the deeply nested records (10k and 100k, as a field and as the root) and keeps the batch', async () => {
    const payloads = [
      telemetryEvent({ seq: 1 }),
      eventWithDeepField(10_000),
      nestedArrays(10_000),
      telemetryEvent({ seq: 2 }),
      eventWithDeepField(100_000),
      nestedArrays(100_000),
      telemetryEvent({ seq: 3 }),
    ];
    const event = firehoseEvent(payloads);
    const response = await quietHandler(event);
    expect(firehoseResponseSchema.parse(response).records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));
    expect(response.records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'ProcessingFailed', 'Ok', 'ProcessingFailed', 'ProcessingFailed', 'Ok']);
    for (const i of [1, 2, 4, 5]) {
      expect(failureReason(response.records[i])).toMatchObject({ errorCode: 'NestingTooDeep', errorMessage: expect.stringContaining('nests deeper than 100 levels') });
      expect(response.records[i].data).toBe(event.records[i].data);
    }
    expect([0, 3, 6].map((i) => (JSON.parse(decode(response.records[i].data)) as { seq: number }).seq)).toEqual([1, 2, 3]);
  });

  it('turns an unexpected exception on one record into that record\'s failure', async () => {
    const event = firehoseEvent([telemetryEvent({ seq: 1 }), telemetryEvent({ seq: 2 })]);
    // The first read throws, as a bug would mid-transform; the failure path reads the data again.
    const { data } = event.records[0];
    let reads = 0;
    Object.defineProperty(event.records[0], 'data', {
      get() {
        if (reads++ === 0) throw new TypeError('a bug in the transform');
        return data;
      },
    });
    const response = await quietHandler(event);
    expect(response.records.map((r) => r.result)).toEqual(['ProcessingFailed', 'Ok']);
    expect(failureReason(response.records[0])).toEqual({ errorCode: 'UnexpectedError', errorMessage: 'transform: unexpected error (TypeError: a bug in the transform)' });
    expect(response.records[0].data).toBe(data);
  });

  it('answers an empty batch with an empty response', async () => {
    expect(await quietHandler(firehoseEvent([]))).toEqual({ records: [] });
  });

  it('transforms a huge (1 MiB) record intact', async () => {
    const blob = 'x'.repeat(1024 * 1024);
    const response = await quietHandler(firehoseEvent([telemetryEvent({ blob })]));
    expect(response.records[0].result).toBe('Ok');
    const out = JSON.parse(decode(response.records[0].data)) as Record<string, unknown>;
    expect(out.blob).toBe(blob);
    expect(out.event_type).toBe('vehicle');
  });

  it('keeps a batch near 6 MB within the response limit, failing only what does not fit', async () => {
    // About 6 MB of request: the enriched output (+ metadata) is larger, so the tail cannot fit.
    const count = 1000;
    const payloads = Array.from({ length: count }, (_, i) => telemetryEvent({ event_uuid: uuidFor(i), seq: i + 1, pad: 'p'.repeat(4300) }));
    const event = firehoseEvent(payloads);
    expect(Buffer.byteLength(JSON.stringify(event))).toBeGreaterThan(5.9e6);

    const response = await quietHandler(event);
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(firehoseResponseSchema.parse(response).records.map((r) => r.recordId)).toEqual(event.records.map((r) => r.recordId));

    const ok = response.records.filter((r) => r.result === 'Ok');
    const refused = response.records.filter((r) => r.result === 'ProcessingFailed');
    expect(ok.length + refused.length).toBe(count); // every record accounted for
    expect(refused.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(count * 0.8);
    // Earlier records win: the accepted ones are exactly the head of the batch.
    expect(response.records.slice(0, ok.length).every((r) => r.result === 'Ok')).toBe(true);
    for (const record of refused) {
      expect(failureReason(record)).toMatchObject({ errorCode: 'ResponseSizeExceeded' });
      expect(failureReason(record)?.errorMessage).toContain(`${MAX_RESPONSE_BYTES}-byte Lambda response limit`);
    }
    expect(JSON.parse(decode(ok.at(-1)?.data))).toMatchObject({ seq: ok.length, event_type: 'vehicle' });
  });

  it('uses all of a smaller configured limit and never exceeds it', async () => {
    const event = firehoseEvent(Array.from({ length: 50 }, (_, i) => telemetryEvent({ event_uuid: uuidFor(i), seq: i + 1 })));
    const limit = 8000;
    const response = await createFirehoseHandler({ logger: silentLogger, maxResponseBytes: limit })(event);
    const size = Buffer.byteLength(JSON.stringify(response));
    expect(size).toBeLessThanOrEqual(limit);
    const ok = response.records.filter((r) => r.result === 'Ok').length;
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThan(50);
  });

  it('logs failure reasons and an Embedded Metric Format summary', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const event = firehoseEvent([telemetryEvent(), 'nope', telemetryEvent({ event_name: '' })]);
    await createFirehoseHandler({ logger, now: () => 1717245300000 })(event);

    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]) as Record<string, unknown>;
    expect(entry).toMatchObject({
      _aws: { Timestamp: 1717245300000, CloudWatchMetrics: [{ Namespace: 'sdfleet/transform', Dimensions: [['DeliveryStream']] }] },
      DeliveryStream: 'sdfleet-events',
      OkRecords: 1,
      DroppedRecords: 0,
      ProcessingFailedRecords: 2,
      failuresByCode: { InvalidJson: 1, InvalidField: 1 },
      failures: [
        { recordId: 'record-1', errorCode: 'InvalidJson' },
        { recordId: 'record-2', errorCode: 'InvalidField', errorMessage: expect.stringContaining('event_name') },
      ],
    });
  });

  it('exports a ready-made handler for the Lambda runtime', async () => {
    const response = await handler(firehoseEvent([telemetryEvent()]));
    expect(response.records[0].result).toBe('Ok');
  });
});
