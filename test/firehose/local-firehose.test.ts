import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeDeliveryStreamCommand, PutRecordBatchCommand, PutRecordCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalFirehose, type LocalFirehose } from '../../pipeline/firehose/local-firehose.js';
import { createLocalFirehoseClient } from '../../pipeline/firehose/local-client.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { createFirehoseHandler } from '../../pipeline/transform/firehose-handler.js';
import { FirehoseProducer } from '../../producer/index.js';
import { readLake, sampleEvents } from '../lake/sample-events.js';
import { waitFor } from '../lake/wait-for.js';

const KiB = 1024;
const errorOf = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { $metadata?: { httpStatusCode?: number } }) => e);

describe('local Firehose API: limits and error shapes (@aws-sdk/client-firehose)', () => {
  let dir: string;
  let firehose: LocalFirehose;
  let client: FirehoseClient;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-firehose-'));
    // 10 records and 2 calls of capacity, refilled so slowly that nothing comes back during the test.
    firehose = await startLocalFirehose({
      deliveryStreamName: 'limits',
      bucket: new FilesystemBucket(join(dir, 'lake')),
      limits: { recordsPerSecond: 0.2, requestsPerSecond: 0.04, burstSeconds: 50 },
    });
    client = createLocalFirehoseClient({ endpoint: firehose.endpoint });
  });
  afterAll(async () => {
    client?.destroy();
    await firehose?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('describes the delivery stream and names an unknown one the AWS way', async () => {
    const out = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'limits' }));
    expect(out.DeliveryStreamDescription).toMatchObject({
      DeliveryStreamName: 'limits',
      DeliveryStreamARN: 'arn:aws:firehose:us-west-2:000000000000:deliverystream/limits',
      DeliveryStreamStatus: 'ACTIVE',
      DeliveryStreamType: 'DirectPut',
    });
    expect(out.DeliveryStreamDescription?.Destinations?.[0].ExtendedS3DestinationDescription?.CompressionFormat).toBe('GZIP');
    const err = await errorOf(client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'nope', Records: [{ Data: Buffer.from('x') }] })));
    expect([err?.name, err?.message, err?.$metadata?.httpStatusCode]).toEqual(['ResourceNotFoundException', 'Firehose nope under account 000000000000 not found.', 400]);
  });

  it('refuses calls over 500 records, 4 MiB or with a record over 1,000 KiB, whole, before metering', async () => {
    const calls = [
      Array.from({ length: 501 }, () => ({ Data: Buffer.from('x') })),
      [{ Data: Buffer.alloc(1000 * KiB + 1) }],
      Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(900 * KiB) })),
    ];
    for (const Records of calls) {
      const err = await errorOf(client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'limits', Records })));
      expect(err?.name).toBe('InvalidArgumentException');
      expect(err?.$metadata?.httpStatusCode).toBe(400);
    }
    expect(firehose.counts()).toMatchObject({ invalidRequests: 3, acceptedRecords: 0, throttledRecords: 0 });
  });

  it('throttles over the rate with ServiceUnavailableException "Slow down.", per record in FailedPutCount and whole over the call rate', async () => {
    // 1000 KiB exactly is allowed.
    const batch = await client.send(
      new PutRecordBatchCommand({ DeliveryStreamName: 'limits', Records: [{ Data: Buffer.alloc(1000 * KiB, 'a') }, ...Array.from({ length: 24 }, (_, i) => ({ Data: Buffer.from(`{"i":${i}}`) }))] }),
    );
    expect(batch.FailedPutCount).toBe(15);
    expect(batch.RequestResponses).toHaveLength(25);
    expect(batch.RequestResponses?.slice(0, 10).every((r) => typeof r.RecordId === 'string' && r.ErrorCode === undefined)).toBe(true);
    expect(batch.RequestResponses?.slice(10)).toEqual(Array.from({ length: 15 }, () => ({ ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down.' })));

    const single = await errorOf(client.send(new PutRecordCommand({ DeliveryStreamName: 'limits', Record: { Data: Buffer.from('x') } })));
    expect([single?.name, single?.message, single?.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailableException', 'Slow down.', 400]);
    // Two calls of capacity are spent: the third is refused whole.
    const third = await errorOf(client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'limits', Records: [{ Data: Buffer.from('x') }] })));
    expect([third?.name, third?.message]).toEqual(['ServiceUnavailableException', 'Slow down.']);
    expect(firehose.counts()).toMatchObject({ acceptedRecords: 10, throttledRecords: 17, throttledRequests: 1 });
  });
});

describe('local Firehose buffering hints', () => {
  it('holds records for the S3 interval hint (LocalStack writes at once) and delivers them on stop', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sdfleet-firehose-hints-'));
    const bucket = new FilesystemBucket(join(dir, 'lake'));
    const firehose = await startLocalFirehose({ deliveryStreamName: 'hints', bucket, lambdaBuffer: { intervalMs: 0 }, s3Buffer: { sizeBytes: 1024 * KiB, intervalMs: 60_000 } });
    const client = createLocalFirehoseClient({ endpoint: firehose.endpoint });
    try {
      const described = await client.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: 'hints' }));
      expect(described.DeliveryStreamDescription?.Destinations?.[0].ExtendedS3DestinationDescription?.BufferingHints).toEqual({ SizeInMBs: 1, IntervalInSeconds: 60 });
      const events = sampleEvents(2, 5, 3);
      const out = await client.send(new PutRecordBatchCommand({ DeliveryStreamName: 'hints', Records: events.map((e) => ({ Data: Buffer.from(`${JSON.stringify(e)}\n`) })) }));
      expect(out.FailedPutCount).toBe(0);
      // Transformed at once (Lambda interval 0), then held: the S3 interval is 60 s.
      await waitFor(() => firehose.delivery.stats().transformedOk === 10, 'the Lambda to transform the records');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await bucket.list('')).toEqual([]);
      expect(firehose.delivery.stats()).toMatchObject({ read: 10, recordsWritten: 0 });
      await firehose.stop();
      expect(await readLake(bucket, 'events/')).toHaveLength(10);
    } finally {
      client.destroy();
      await firehose.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('local Firehose end to end with FirehoseProducer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-firehose-e2e-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('delivers every record through the transform into GZIP lake objects, retrying what was throttled', async () => {
    const lake = join(dir, 'lake');
    const bucket = new FilesystemBucket(lake);
    const events: FirehoseTransformationEvent[] = [];
    const transform = createFirehoseHandler();
    // 1,000 records/s with room for 50 at once, against batches of up to 500: some are throttled and retried.
    const firehose = await startLocalFirehose({
      deliveryStreamName: 'e2e',
      bucket,
      limits: { recordsPerSecond: 1000, burstSeconds: 0.05 },
      handler: (event) => {
        events.push(event);
        return transform(event);
      },
      lambdaBuffer: { intervalMs: 100 },
      s3Buffer: { sizeBytes: 64 * KiB, intervalMs: 200 },
    });
    const client = createLocalFirehoseClient({ endpoint: firehose.endpoint });
    const producer = new FirehoseProducer({ client, deliveryStreamName: 'e2e', metricsIntervalMs: 0, maxBackoffMs: 500 });
    try {
      const sample = sampleEvents(20, 100);
      const results = await Promise.all(sample.map((e) => producer.put({ data: JSON.stringify(e) })));
      expect(results).toHaveLength(2000);
      await producer.close();
      await firehose.stop();

      const counts = firehose.counts();
      expect(counts.acceptedRecords).toBe(2000);
      expect(counts.throttledRecords).toBeGreaterThan(0);
      expect(producer.metrics().stream.ErrorsByCode.ServiceUnavailableException).toBe(counts.throttledRecords);
      expect(await verifyLake(lake)).toMatchObject({ delivered: 2000, missing: 0, duplicates: 0 });
      const rows = await readLake(bucket, 'events/');
      expect(rows).toHaveLength(2000);
      expect(rows[0]).toHaveProperty('created_datetime');
      // GZIP objects named the Firehose way, one prefix per event type (dynamic partitioning).
      const keys = await bucket.list('events/');
      expect(new Set(keys.map((k) => /event_type=([^/]+)/.exec(k)?.[1]))).toEqual(new Set(['vehicle', 'trip', 'alert', 'charge']));
      expect(keys.every((k) => /\/e2e-1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9a-f-]{36}\.json\.gz$/.test(k))).toBe(true);
      // A direct-PUT Lambda event: no Kinesis source and no Kinesis metadata.
      expect(events[0].deliveryStreamArn).toBe(firehose.deliveryStreamArn);
      expect(events[0]).not.toHaveProperty('sourceKinesisStreamArn');
      expect(events[0].records[0]).not.toHaveProperty('kinesisRecordMetadata');
    } finally {
      client.destroy();
      await firehose.stop();
    }
  });
});
