import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { startDeliveryStream } from '../../pipeline/delivery/delivery-stream.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { waitFor } from '../lake/wait-for.js';
import { eventWithDeepField, nestedArrays, telemetryEvent } from './fixtures.js';

let stream: LocalStream;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-deep-'));
  stream = await startLocalStream({ streamName: 'fleet', shardCount: 1, logger: silentLogger });
});
afterAll(async () => {
  await stream.close();
  await rm(dir, { recursive: true, force: true });
});

const uuid = (seq: number) => `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`;

describe('a deeply nested record in the local pipeline (the issue #8 repro)', () => {
  it('fails alone with a nesting reason; the good records of its batch reach the lake', async () => {
    const good = Array.from({ length: 40 }, (_, i) => JSON.stringify(telemetryEvent({ event_uuid: uuid(i + 1), vehicle_id: 'veh-1', seq: i + 1 })));
    const deep = [
      eventWithDeepField(10_000, { event_uuid: uuid(101), vehicle_id: 'veh-2', seq: 1 }),
      nestedArrays(10_000),
      eventWithDeepField(100_000, { event_uuid: uuid(102), vehicle_id: 'veh-2', seq: 2 }),
      nestedArrays(100_000),
    ];
    const payloads = [...good.slice(0, 20), ...deep, ...good.slice(20)];
    const client = createLocalKinesisClient({ endpoint: stream.endpoint });
    const delivery = await startDeliveryStream({
      client: createLocalKinesisClient({ endpoint: stream.upstreamEndpoint }),
      streamName: 'fleet',
      bucket: new FilesystemBucket(join(dir, 'lake')),
      checkpointDir: join(dir, 'checkpoints'),
      lambdaBuffer: { sizeBytes: 3 * 1024 * 1024, intervalMs: 200 }, // one invocation holds good and deep records together
      s3Buffer: { sizeBytes: 1024 * 1024, intervalMs: 200 },
      idlePollMs: 100,
      logger: silentLogger,
    });
    try {
      const put = await client.send(
        new PutRecordsCommand({ StreamName: 'fleet', Records: payloads.map((data) => ({ PartitionKey: 'p', Data: Buffer.from(data) })) }),
      );
      expect(put.FailedRecordCount).toBe(0);
      await waitFor(() => delivery.stats().read >= payloads.length, 'the delivery to read every record', 45_000);
    } finally {
      await delivery.stop();
      client.destroy();
    }

    const report = await verifyLake(join(dir, 'lake'));
    expect(report).toMatchObject({ delivered: good.length, missing: 0, processingFailed: deep.length, ok: false });
    expect(report.failuresByReason).toEqual([
      { outputType: 'processing-failed', errorCode: 'NestingTooDeep', count: deep.length, example: expect.stringContaining('nests deeper than 100 levels') },
    ]);
  });
});
