import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../common/logger.js';
import { KinesisProducer } from '../../producer/kinesis-producer.js';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { startDeliveryStream, type DeliveryStream, type DeliveryStreamOptions } from '../../pipeline/delivery/delivery-stream.js';
import { AckLedger } from '../../pipeline/lake/acks.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { verifyLake } from '../../pipeline/lake/verify.js';
import { seededRandom } from '../../pipeline/stream/random.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { createFirehoseHandler } from '../../pipeline/transform/firehose-handler.js';
import { sampleEvents, type SampleEvent } from '../lake/sample-events.js';
import { waitFor } from '../lake/wait-for.js';

// producer → shard gate (AWS limits, seeded faults) → kinesalite → delivery → filesystem lake → verify
let stream: LocalStream;
let dir: string;
let clients: { destroy(): void }[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-e2e-'));
  stream = await startLocalStream({ streamName: 'fleet', shardCount: 2, gate: { faults: { seed: 5, internalFailureRate: 0.1 } }, logger: silentLogger });
});
afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await stream.close();
  await rm(dir, { recursive: true, force: true });
});

function client() {
  const c = createLocalKinesisClient({ endpoint: stream.endpoint });
  clients.push(c);
  return c;
}

function deliveryOptions(extra: Partial<DeliveryStreamOptions> = {}): DeliveryStreamOptions {
  return {
    client: client(),
    streamName: 'fleet',
    bucket: new FilesystemBucket(join(dir, 'lake')),
    checkpointDir: join(dir, 'checkpoints'),
    lambdaBuffer: { sizeBytes: 256 * 1024, intervalMs: 100 },
    s3Buffer: { sizeBytes: 512 * 1024, intervalMs: 200 },
    idlePollMs: 100,
    logger: silentLogger,
    ...extra,
  };
}

/** Puts every event through the producer, recording each outcome in the ledger. */
async function produce(producer: KinesisProducer, events: SampleEvent[], ledger: AckLedger): Promise<void> {
  const puts = events.map((e) => ledger.track(e.vehicle_id, e.seq, producer.put({ partitionKey: e.vehicle_id, data: Buffer.from(JSON.stringify(e)) })).catch(() => undefined));
  await producer.flush();
  await Promise.all(puts);
}

function newProducer(): KinesisProducer {
  // Small aggregated records, so there are enough Kinesis records for the gate's faults to hit.
  return new KinesisProducer({ client: client(), streamName: 'fleet', aggregationMaxBytes: 4096, logger: silentLogger, metricsIntervalMs: 0, random: seededRandom(3) });
}

async function drain(ds: DeliveryStream, atLeast: number): Promise<void> {
  await waitFor(() => ds.stats().read >= atLeast, `delivery to read ${atLeast} records`, 45_000);
  await ds.stop();
}

describe('end to end', () => {
  it('delivers every acknowledged record: missing = 0', async () => {
    const events = sampleEvents(20, 100, 31);
    const ledger = new AckLedger();
    const ds = await startDeliveryStream(deliveryOptions());
    const producer = newProducer();
    await produce(producer, events, ledger);
    await producer.close();
    expect(ledger.totals()).toEqual({ acked: events.length, failed: 0, dropped: 0 });
    expect(stream.accounting().totals.internalFailures).toBeGreaterThan(0); // injected faults the producer retried

    await drain(ds, events.length);
    const stats = ds.stats();
    expect(stats.read).toBe(events.length);
    expect(stats.kinesisRecords).toBeLessThan(events.length); // the producer aggregated
    expect(stats.recordsWritten).toBe(events.length);
    const report = await verifyLake(join(dir, 'lake'), ledger);
    expect(report).toMatchObject({ delivered: events.length, duplicates: 0, missing: 0, processingFailed: 0, ok: true });
    expect(report.producer?.ackedPresent).toBe(events.length);
  });

  it('accounts for every record when the Lambda throws now and then (seeded)', async () => {
    const events = sampleEvents(20, 100, 32);
    const ledger = new AckLedger();
    const real = createFirehoseHandler({ logger: silentLogger });
    const dice = seededRandom(9);
    let throws = 0;
    const flaky = async (event: FirehoseTransformationEvent) => {
      if (dice() < 0.5) {
        throws++;
        throw new Error('Task timed out after 3.00 seconds');
      }
      return real(event);
    };
    const ds = await startDeliveryStream(deliveryOptions({ handler: flaky, lambdaBuffer: { sizeBytes: 16 * 1024, intervalMs: 50 } }));
    const producer = newProducer();
    await produce(producer, events, ledger);
    await producer.close();
    await drain(ds, events.length);

    const stats = ds.stats();
    expect(throws).toBeGreaterThan(0);
    expect(stats.transformedOk + stats.failed + stats.dropped).toBe(stats.read);
    expect(stats.recordsWritten + stats.errorRecordsWritten).toBe(stats.read);
    const report = await verifyLake(join(dir, 'lake'), ledger);
    expect(report.missing).toBe(0);
    expect(report.delivered + report.processingFailed).toBe(events.length);
    expect(report.processingFailed).toBe(stats.failed);
    if (report.processingFailed > 0) {
      expect(report.failuresByReason).toEqual([expect.objectContaining({ outputType: 'processing-failed', errorCode: 'Lambda.FunctionError', count: stats.failed })]);
    }
  });

  it('loses nothing when the delivery stream crashes and restarts mid-run', async () => {
    const events = sampleEvents(20, 100, 33);
    const ledger = new AckLedger();
    const producer = newProducer();
    const first = await startDeliveryStream(deliveryOptions({ s3Buffer: { sizeBytes: 16 * 1024, intervalMs: 200 } }));
    await produce(producer, events.slice(0, 1000), ledger);
    await waitFor(() => first.stats().read >= 600 && first.stats().checkpointsSaved > 0, 'first run to checkpoint');
    await first.stop({ flush: false }); // crash: whatever is buffered is lost from memory

    await produce(producer, events.slice(1000), ledger);
    await producer.close();
    const second = await startDeliveryStream(deliveryOptions());
    await waitFor(() => second.stats().pending === 0 && first.stats().recordsWritten + second.stats().read >= events.length, 'second run to catch up', 45_000);
    await second.stop();

    const report = await verifyLake(join(dir, 'lake'), ledger);
    expect(report.missing).toBe(0);
    expect(report.uniqueEvents).toBe(events.length);
    expect(report.delivered).toBe(first.stats().recordsWritten + second.stats().recordsWritten);
    expect(report.duplicates).toBe(report.delivered - events.length); // at-least-once: re-read records are reported
    expect(second.stats().read).toBeLessThan(events.length); // resumed from checkpoints, not from TRIM_HORIZON
  });
});
