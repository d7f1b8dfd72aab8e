import type { FirehoseTransformationEvent, KinesisStreamEvent } from 'aws-lambda';
import { z } from 'zod';

export const DELIVERY_STREAM_ARN = 'arn:aws:firehose:us-west-2:123456789012:deliverystream/sdfleet-events';

/** A valid telemetry event as the simulator emits it. */
export function telemetryEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_uuid: '3f2b8c1e-9a4d-4e6f-8b1a-2c3d4e5f6a7b',
    event_name: 'vehicle:telemetry',
    created_at: 1717245296.789, // 2024-06-01T12:34:56.789Z
    vehicle_id: 'SD-0042',
    seq: 17,
    lat: 32.7157,
    lon: -117.1611,
    speed_kmh: 48.5,
    co2_g: 3.21,
    ...overrides,
  };
}

export function base64(data: unknown): string {
  if (data instanceof Uint8Array) return Buffer.from(data).toString('base64');
  return Buffer.from(typeof data === 'string' ? data : JSON.stringify(data)).toString('base64');
}

export function decode(data: string | undefined): string {
  return Buffer.from(data ?? '', 'base64').toString('utf8');
}

/** The event Firehose sends, one record per payload (objects are JSON-encoded, bytes sent as-is). */
export function firehoseEvent(payloads: unknown[]): FirehoseTransformationEvent {
  return {
    invocationId: 'invocation-1',
    deliveryStreamArn: DELIVERY_STREAM_ARN,
    sourceKinesisStreamArn: 'arn:aws:kinesis:us-west-2:123456789012:stream/sdfleet',
    region: 'us-west-2',
    records: payloads.map((payload, i) => ({
      recordId: `record-${i}`,
      approximateArrivalTimestamp: 1717245300000 + i,
      data: base64(payload),
      kinesisRecordMetadata: {
        shardId: 'shardId-000000000000',
        partitionKey: 'SD-0042',
        approximateArrivalTimestamp: 1717245300000 + i,
        sequenceNumber: `4959${i}`,
        subsequenceNumber: '0',
      },
    })),
  };
}

/** What a Lambda Kinesis event-source mapping sends for these record payloads. */
export function kinesisEvent(records: { data: Uint8Array; partitionKey: string }[]): KinesisStreamEvent {
  return {
    Records: records.map((record, i) => ({
      awsRegion: 'us-west-2',
      eventID: `shardId-000000000000:${1000 + i}`,
      eventName: 'aws:kinesis:record',
      eventSource: 'aws:kinesis',
      eventSourceARN: 'arn:aws:kinesis:us-west-2:123456789012:stream/sdfleet',
      eventVersion: '1.0',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/sdfleet-consumer',
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: record.partitionKey,
        sequenceNumber: `4959000000000000000000000000000000000000000000000${1000 + i}`,
        data: base64(record.data),
        approximateArrivalTimestamp: 1717245300 + i,
      },
    })),
  };
}

/**
 * The Firehose transformation response contract, after @types/aws-lambda's
 * FirehoseTransformationResult and the Firehose developer guide: strict, so a stray field fails.
 */
export const firehoseResponseSchema = z
  .object({
    records: z.array(
      z
        .object({
          recordId: z.string().min(1),
          result: z.enum(['Ok', 'Dropped', 'ProcessingFailed']),
          data: z.base64(),
          metadata: z.object({ partitionKeys: z.record(z.string(), z.string()) }).strict().optional(),
        })
        .strict(),
    ),
  })
  .strict();

/** JSON text nested `depth` arrays deep, built as text: building the value would overflow the stack. */
export function nestedArrays(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** A valid event whose `payload` field nests `depth` levels deep (the event itself is one more). */
export function eventWithDeepField(depth: number, overrides: Record<string, unknown> = {}): string {
  return `${JSON.stringify(telemetryEvent(overrides)).slice(0, -1)},"payload":${'{"a":'.repeat(depth - 1)}[]${'}'.repeat(depth - 1)}}`;
}
