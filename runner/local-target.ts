// `--target local`: the embedded stack (kinesalite behind the shard gate), the producer in front
// and the delivery stream writing `<dir>/lake`, with demo-sized buffering so a run ends in seconds.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.js';
import { startDeliveryStream, type DeliveryStream } from '../pipeline/delivery/delivery-stream.js';
import { FilesystemBucket } from '../pipeline/lake/fs-bucket.js';
import type { FaultOptions } from '../pipeline/stream/faults.js';
import { ACCOUNTING_PATH } from '../pipeline/stream/gate.js';
import { startLocalStream, type LocalStream } from '../pipeline/stream/local-stream.js';
import { KinesisProducer } from '../producer/index.js';
import { createLocalKinesisClient } from '../producer/local-client.js';
import type { Outcomes } from './outcomes.js';
import { producerTarget } from './producer-target.js';
import type { Target } from './target.js';

export const LOCAL_STREAM = 'sdfleet-demo';
// Far below Firehose's floors (60 s / 64 MiB with dynamic partitioning) so a run finishes in seconds.
const LAMBDA_BUFFER = { sizeBytes: 1024 * 1024, intervalMs: 1000 };
const S3_BUFFER = { sizeBytes: 4 * 1024 * 1024, intervalMs: 2000 };

export interface LocalTargetOptions {
  dir: string;
  shardCount: number;
  faults?: FaultOptions;
  /** Producer instances sharing the shards (default 1). */
  producers?: number;
  logger: Logger;
}

export interface LocalTarget extends Target {
  readonly stream: LocalStream;
  readonly delivery: DeliveryStream;
  readonly gateAccountingUrl: string;
  readonly lakeRoot: string;
  /** Waits until the delivery has read `acked` records or the deadline passes, then stops it (delivering what it read). */
  drainDelivery(acked: number, timeoutMs: number, onProgress?: (read: number) => void): Promise<string | undefined>;
}

export async function localTarget(o: LocalTargetOptions, outcomes: Outcomes): Promise<LocalTarget> {
  const lakeRoot = join(o.dir, 'lake');
  const stream = await startLocalStream({ streamName: LOCAL_STREAM, shardCount: o.shardCount, gate: { faults: o.faults }, logger: o.logger.child({ stage: 'gate' }) });
  const producerClient = createLocalKinesisClient({ endpoint: stream.endpoint });
  const readerClient = createLocalKinesisClient({ endpoint: stream.upstreamEndpoint });
  let delivery: DeliveryStream | undefined;
  let deliveryStopped = false;
  const release = async () => {
    if (delivery && !deliveryStopped) {
      deliveryStopped = true;
      await delivery.stop().catch(() => undefined);
    }
    producerClient.destroy();
    readerClient.destroy();
    await stream.close();
  };
  try {
    delivery = await startDeliveryStream({
      client: readerClient,
      streamName: LOCAL_STREAM,
      bucket: new FilesystemBucket(lakeRoot),
      checkpointDir: join(o.dir, 'checkpoints'),
      lambdaBuffer: LAMBDA_BUFFER,
      s3Buffer: S3_BUFFER,
      idlePollMs: 200,
      logger: o.logger.child({ stage: 'delivery' }),
    });
  } catch (err) {
    await release();
    throw err;
  }
  const running = delivery;
  const producers = Array.from(
    { length: o.producers ?? 1 },
    (_, i) => new KinesisProducer({ client: producerClient, streamName: LOCAL_STREAM, logger: o.logger.child({ stage: 'producer', producer: i }), metricsIntervalMs: 0 }),
  );
  const info = { kind: 'local' as const, stream: LOCAL_STREAM, region: null, endpoint: stream.endpoint, path: null };
  const base = producerTarget(info, producers, outcomes, release, { client: producerClient, streamName: LOCAL_STREAM });
  return {
    ...base,
    stream,
    delivery: running,
    gateAccountingUrl: `${stream.endpoint}${ACCOUNTING_PATH}`,
    lakeRoot,
    async drainDelivery(acked, timeoutMs, onProgress) {
      const deadline = Date.now() + timeoutMs;
      // A count of user records read can reach `acked` early: a producer re-sends the records of an
      // aggregate that landed on an unexpected shard after a reshard, so the stream holds some twice.
      // Done means every Kinesis record the stream stored (the gate books each one) was read too.
      const caughtUp = () => {
        const s = running.stats();
        return s.read >= acked && s.kinesisRecords >= stream.accounting().totals.acceptedRecords;
      };
      while (!caughtUp() && Date.now() < deadline) {
        onProgress?.(running.stats().read);
        await sleep(100);
      }
      const { read, kinesisRecords } = running.stats();
      const stored = stream.accounting().totals.acceptedRecords;
      deliveryStopped = true;
      await running.stop();
      if (read < acked) return `delivery read ${read} of ${acked} acknowledged records within ${timeoutMs / 1000} s`;
      if (kinesisRecords < stored) return `delivery read ${kinesisRecords} of the ${stored} Kinesis records the stream stored within ${timeoutMs / 1000} s`;
      return undefined;
    },
  };
}
