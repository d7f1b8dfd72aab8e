import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { encodeAggregated } from '../../producer/codec.js';
import { hashKeyOf } from '../../producer/hash-key.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { startDeliveryStream, StreamIdentityMismatch, type DeliveryStreamOptions } from '../../pipeline/delivery/delivery-stream.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { openLake } from '../../pipeline/lake/query.js';
import { createLocalS3Client, S3Bucket } from '../../pipeline/lake/s3-bucket.js';
import { startKinesalite, type RunningKinesalite } from '../../pipeline/stream/kinesalite.js';
import { createStream, waitForActive } from '../../pipeline/stream/streams.js';
import { createFirehoseHandler } from '../../pipeline/transform/firehose-handler.js';
import { readLake, sampleEvents, type SampleEvent } from '../lake/sample-events.js';
import { waitFor } from '../lake/wait-for.js';

let kinesis: RunningKinesalite;
let client: KinesisClient;
let dir: string;

beforeAll(async () => {
  kinesis = await startKinesalite();
  client = createLocalKinesisClient({ endpoint: kinesis.endpoint });
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-delivery-'));
});
afterAll(async () => {
  client.destroy();
  await kinesis.close();
  await rm(dir, { recursive: true, force: true });
});

const fast = { lambdaBuffer: { sizeBytes: 64 * 1024, intervalMs: 50 }, s3Buffer: { sizeBytes: 256 * 1024, intervalMs: 100 }, idlePollMs: 50, logger: silentLogger };

async function putRaw(streamName: string, events: SampleEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: events.slice(i, i + 500).map((e) => ({ PartitionKey: e.vehicle_id, Data: Buffer.from(JSON.stringify(e)) })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

function options(name: string, extra: Partial<DeliveryStreamOptions> = {}): DeliveryStreamOptions {
  return { client, streamName: name, bucket: new FilesystemBucket(join(dir, name, 'lake')), checkpointDir: join(dir, name, 'cp'), ...fast, ...extra };
}

describe('delivery stream (kinesalite → Lambda → filesystem lake)', () => {
  it('de-aggregates KPL records and writes partitioned GZIP NDJSON named the Firehose way', async () => {
    await createStream(client, 'agg', 1);
    const events = sampleEvents(5, 40, 11);
    const aggregated = encodeAggregated(events.slice(0, 150).map((e) => ({ partitionKey: e.vehicle_id, data: Buffer.from(JSON.stringify(e)) })));
    await client.send(
      new PutRecordsCommand({
        StreamName: 'agg',
        Records: [
          { PartitionKey: 'a', ExplicitHashKey: hashKeyOf(events[0].vehicle_id).toString(), Data: aggregated },
          ...events.slice(150).map((e) => ({ PartitionKey: e.vehicle_id, Data: Buffer.from(JSON.stringify(e)) })),
        ],
      }),
    );
    const ds = await startDeliveryStream(options('agg'));
    await waitFor(() => ds.stats().read === 200, 'all records read');
    await ds.stop();
    const stats = ds.stats();
    expect(stats).toMatchObject({ kinesisRecords: 51, read: 200, transformedOk: 200, failed: 0, recordsWritten: 200, pending: 0 });

    const bucket = new FilesystemBucket(join(dir, 'agg', 'lake'));
    const keys = await bucket.list('');
    expect(keys.length).toBe(stats.objectsWritten);
    for (const key of keys) {
      expect(key).toMatch(/^events\/event_type=(vehicle|trip|alert|charge)\/year=2026\/month=01\/day=05\/hour=\d\d\/agg-delivery-1-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d-[0-9a-f-]{36}\.json\.gz$/);
    }
    const rows = await readLake(bucket, 'events/');
    expect(rows.map((r) => r.event_uuid).sort()).toEqual(events.map((e) => e.event_uuid).sort());
    for (const row of rows) expect(keys.some((k) => k.startsWith(`events/event_type=${row.event_type}/`))).toBe(true);
    const checkpoint = JSON.parse(await readFile(join(dir, 'agg', 'cp', 'agg-delivery', 'shardId-000000000000.json'), 'utf8'));
    expect(checkpoint).toMatchObject({ shardId: 'shardId-000000000000', finished: false });
  });

  it('sends a corrupt KPL aggregated record to the error output whole, and goes on', async () => {
    await createStream(client, 'corrupt', 1);
    const events = sampleEvents(2, 5, 15);
    const good = encodeAggregated(events.slice(0, 5).map((e) => ({ partitionKey: e.vehicle_id, data: Buffer.from(JSON.stringify(e)) })));
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 0xff; // MD5 no longer matches
    await client.send(
      new PutRecordsCommand({
        StreamName: 'corrupt',
        Records: [
          { PartitionKey: 'a', Data: bad },
          ...events.slice(5).map((e) => ({ PartitionKey: e.vehicle_id, Data: Buffer.from(JSON.stringify(e)) })),
        ],
      }),
    );
    const ds = await startDeliveryStream(options('corrupt'));
    await waitFor(() => ds.stats().kinesisRecords === 6, 'all Kinesis records read');
    await ds.stop();
    expect(ds.stats()).toMatchObject({ read: 5, corruptAggregated: 1, failed: 1, recordsWritten: 5, errorRecordsWritten: 1, pending: 0 });
    const errors = await readLake(new FilesystemBucket(join(dir, 'corrupt', 'lake')), 'errors/processing-failed/');
    expect(errors).toHaveLength(1);
    expect(errors[0].errorCode).toBe('Kinesis.CorruptAggregatedRecord');
    expect(Buffer.from(errors[0].rawData as string, 'base64').equals(bad)).toBe(true);
  });

  it('writes Parquet through DuckDB when asked, queryable with the hive partitions', async () => {
    await createStream(client, 'parquet', 1);
    const events = sampleEvents(4, 10, 16);
    await putRaw('parquet', events);
    const ds = await startDeliveryStream(options('parquet', { format: 'parquet' }));
    await waitFor(() => ds.stats().read === 40, 'records read');
    await ds.stop();
    const root = join(dir, 'parquet', 'lake');
    const keys = await new FilesystemBucket(root).list('events/');
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.endsWith('.parquet'))).toBe(true);
    const lake = await openLake(root);
    try {
      const { rows } = await lake.query(`SELECT count(*), count(DISTINCT event_uuid), min(year), count(created_datetime) FROM events`);
      expect(rows[0].map(String)).toEqual(['40', '40', '2026', '40']);
    } finally {
      lake.close();
    }
  });

  it('delivers into an S3 API bucket (s3rver on loopback)', async () => {
    const s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3rver'), configureBuckets: [{ name: 'lake' }] });
    const { port } = await s3rver.run();
    const s3 = createLocalS3Client({ endpoint: `http://127.0.0.1:${port}` });
    try {
      await createStream(client, 's3', 1);
      const events = sampleEvents(3, 10, 17);
      await putRaw('s3', events);
      const bucket = new S3Bucket(s3, 'lake');
      const ds = await startDeliveryStream(options('s3', { bucket }));
      await waitFor(() => ds.stats().read === 30, 'records read');
      await ds.stop();
      const rows = await readLake(bucket, 'events/');
      expect(rows.map((r) => r.event_uuid).sort()).toEqual(events.map((e) => e.event_uuid).sort());
    } finally {
      s3.destroy();
      await s3rver.close();
    }
  });

  it('reads parents to SHARD_END before their children after a split', async () => {
    await createStream(client, 'split', 1);
    const events = sampleEvents(8, 30, 12); // seq 1..30 per vehicle
    await putRaw('split', events.filter((e) => e.seq <= 15));
    await client.send(new SplitShardCommand({ StreamName: 'split', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }));
    await waitForActive(client, 'split');
    await putRaw('split', events.filter((e) => e.seq > 15));

    const seen: { shardId: string; vehicle: string; seq: number }[] = [];
    const real = createFirehoseHandler({ logger: silentLogger });
    const handler = async (event: FirehoseTransformationEvent) => {
      for (const r of event.records) {
        const e = JSON.parse(Buffer.from(r.data, 'base64').toString()) as SampleEvent;
        seen.push({ shardId: r.kinesisRecordMetadata!.shardId, vehicle: e.vehicle_id, seq: e.seq });
      }
      return real(event);
    };
    const ds = await startDeliveryStream(options('split', { handler, lambdaBuffer: { sizeBytes: 4096, intervalMs: 0 } }));
    await waitFor(() => ds.stats().read === events.length, 'all records read');
    await ds.stop();
    expect(ds.stats()).toMatchObject({ read: 240, recordsWritten: 240, shardsFinished: 1, pending: 0 });

    const firstChild = seen.findIndex((s) => s.shardId !== 'shardId-000000000000');
    expect(firstChild).toBe(120);
    expect(seen.slice(firstChild).every((s) => s.shardId !== 'shardId-000000000000')).toBe(true);
    const lastSeq = new Map<string, number>();
    for (const s of seen) {
      expect(s.seq).toBe((lastSeq.get(s.vehicle) ?? 0) + 1); // per vehicle, in order, across the split
      lastSeq.set(s.vehicle, s.seq);
    }
    const parentCheckpoint = JSON.parse(await readFile(join(dir, 'split', 'cp', 'split-delivery', 'shardId-000000000000.json'), 'utf8'));
    expect(parentCheckpoint.finished).toBe(true);
  });

  it('resumes from durable checkpoints after a crash without losing records', async () => {
    await createStream(client, 'restart', 2);
    const events = sampleEvents(10, 60, 13);
    await putRaw('restart', events.slice(0, 300));
    const first = await startDeliveryStream(options('restart', { s3Buffer: { sizeBytes: 2048, intervalMs: 100 } }));
    await waitFor(() => first.stats().read === 300 && first.stats().checkpointsSaved > 0, 'first run to read and checkpoint');
    await first.stop({ flush: false }); // crash: buffered records are abandoned
    expect((await readdir(join(dir, 'restart', 'cp', 'restart-delivery'))).length).toBeGreaterThan(0);

    await putRaw('restart', events.slice(300));
    const second = await startDeliveryStream(options('restart'));
    await waitFor(() => second.stats().read + first.stats().recordsWritten >= events.length, 'second run to catch up');
    await second.stop();

    const rows = await readLake(new FilesystemBucket(join(dir, 'restart', 'lake')), 'events/');
    const uuids = new Set(rows.map((r) => r.event_uuid));
    expect(events.filter((e) => !uuids.has(e.event_uuid))).toEqual([]); // nothing missing
    expect(rows.length).toBe(first.stats().recordsWritten + second.stats().recordsWritten);
    expect(second.stats().read).toBeLessThan(events.length); // it resumed, not restarted from TRIM_HORIZON
  });

  it('refuses checkpoints taken on another stream of the same name instead of reading nothing forever', async () => {
    await createStream(client, 'recreated', 1);
    await putRaw('recreated', sampleEvents(2, 5, 15));
    const first = await startDeliveryStream(options('recreated'));
    await waitFor(() => first.stats().checkpointsSaved > 0, 'a checkpoint');
    await first.stop();

    // The same name on a new kinesalite is another stream: its creation time differs.
    await new Promise((resolve) => setTimeout(resolve, 1100)); // creation times have whole seconds
    const other = await startKinesalite();
    const otherClient = createLocalKinesisClient({ endpoint: other.endpoint });
    try {
      await createStream(otherClient, 'recreated', 1);
      const err = await startDeliveryStream(options('recreated', { client: otherClient })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StreamIdentityMismatch);
      expect((err as Error).message).toMatch(/^the checkpoints in .*recreated-delivery belong to arn:aws:kinesis:.*:stream\/recreated created .*, but this .* was created /);
    } finally {
      otherClient.destroy();
      await other.close();
    }
  });

  it('sends records of a handler that keeps throwing to the error output, with the documented JSON', async () => {
    await createStream(client, 'throws', 1);
    const events = sampleEvents(3, 10, 14);
    await putRaw('throws', events);
    let calls = 0;
    const ds = await startDeliveryStream(
      options('throws', {
        handler: async () => {
          calls++;
          throw new Error('transform exploded');
        },
        lambdaBuffer: { sizeBytes: 1024 * 1024, intervalMs: 0 },
      }),
    );
    await waitFor(() => ds.stats().read === 30, 'records read');
    await ds.stop();
    expect(ds.stats()).toMatchObject({ failed: 30, errorRecordsWritten: 30, recordsWritten: 0, pending: 0 });
    expect(calls % 4).toBe(0);
    const bucket = new FilesystemBucket(join(dir, 'throws', 'lake'));
    const keys = await bucket.list('errors/');
    expect(keys.every((k) => k.startsWith('errors/processing-failed/year=2'))).toBe(true);
    const errors = await readLake(bucket, 'errors/');
    expect(errors).toHaveLength(30);
    expect(Object.keys(errors[0]).sort()).toEqual(['arrivalTimestamp', 'attemptEndingTimestamp', 'attemptsMade', 'errorCode', 'errorMessage', 'lambdaArn', 'rawData'].sort());
    expect(errors[0]).toMatchObject({ attemptsMade: 4, errorCode: 'Lambda.FunctionError', errorMessage: 'transform exploded' });
    const raw = errors.map((e) => JSON.parse(Buffer.from(e.rawData as string, 'base64').toString()).event_uuid).sort();
    expect(raw).toEqual(events.map((e) => e.event_uuid).sort());
  });
});
