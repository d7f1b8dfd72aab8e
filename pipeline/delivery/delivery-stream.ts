import { join } from 'node:path';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { Bucket } from '../lake/bucket.js';
import { createFirehoseHandler, failureReason } from '../transform/firehose-handler.js';
import { DYNAMIC_PARTITIONING_FLOOR, LAMBDA_HINTS, resolveHints, S3_HINTS, type BufferHints } from './buffer-hints.js';
import { CheckpointStore, type StreamIdentity } from './checkpoint-store.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { userRecordsOf } from './deaggregation.js';
import { LambdaInvoker, type LambdaInvokerOptions, type TransformHandler } from './lambda-invoker.js';
import { ObjectWriter } from './object-writer.js';
import { ParquetEncoder } from './parquet-encoder.js';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX, PrefixTemplate } from './prefix.js';
import { listShardLineage, readyShards } from './shard-lineage.js';
import { ShardReader } from './shard-reader.js';
import type { SourceRecord } from './source-record.js';

export interface DeliveryStreamOptions {
  client: KinesisClient;
  /** The Kinesis stream to read. */
  streamName: string;
  bucket: Bucket;
  /** Durable checkpoints live in `<checkpointDir>/<deliveryStreamName>/`. */
  checkpointDir: string;
  /** Default `<streamName>-delivery`; first part of every object name. */
  deliveryStreamName?: string;
  /** The transformation Lambda, called in-process. Default: sdfleet's Firehose handler. */
  handler?: TransformHandler;
  /** Why the handler failed a record, when it can say (default: sdfleet's handler's reasons). */
  failureReason?: LambdaInvokerOptions['failureReason'];
  /** Lambda processor buffering: default 1 MB / 60 s. */
  lambdaBuffer?: Partial<BufferHints>;
  /** S3 buffering per partition: default 5 MiB / 300 s. */
  s3Buffer?: Partial<BufferHints>;
  prefix?: string;
  errorPrefix?: string;
  format?: 'json' | 'parquet';
  /** Retries after a failed Lambda invocation (default 3). */
  lambdaRetries?: number;
  /** Poll period of a shard that had nothing new (default 1000 ms, as Firehose). */
  idlePollMs?: number;
  /** How often to look for new shards after a reshard (default 10 s; also at every SHARD_END). */
  shardRefreshMs?: number;
  /** Above this many buffered bytes, stop reading and deliver early (default 256 MiB). */
  maxBufferedBytes?: number;
  region?: string;
  account?: string;
  now?: () => number;
  random?: () => number;
  logger?: Logger;
}

export interface DeliveryStats {
  /** User records read (after de-aggregation). */
  read: number;
  kinesisRecords: number;
  transformedOk: number;
  /** Failed by the Lambda, by invocation failures, by partitioning or conversion: in the error output. */
  failed: number;
  dropped: number;
  corruptAggregated: number;
  objectsWritten: number;
  bytesWritten: number;
  recordsWritten: number;
  errorRecordsWritten: number;
  /** Read but not yet written, failed-written or dropped. */
  pending: number;
  shardsFinished: number;
  checkpointsSaved: number;
}

export interface DeliveryStream {
  stats(): DeliveryStats;
  /** Delivers everything read so far (Lambda, objects, checkpoints), ignoring buffer hints. */
  flush(): Promise<void>;
  /**
   * Stops reading. By default delivers everything read first; `{ flush: false }` abandons buffered
   * records like a crash would, leaving them to be read again from the checkpoints on restart.
   */
  stop(options?: { flush?: boolean }): Promise<void>;
}

const TICK_MS = 25;

export function defaultDeliveryStreamName(streamName: string): string {
  return `${streamName}-delivery`;
}

/** The checkpoints on disk were taken on another stream (or by a version that did not record which). */
export class StreamIdentityMismatch extends Error {
  constructor(
    readonly checkpointDir: string,
    readonly stored: StreamIdentity | undefined,
    readonly actual: StreamIdentity,
  ) {
    super(
      stored
        ? `the checkpoints in ${checkpointDir} belong to ${stored.streamArn} created ${stored.createdAt}, but this ${actual.streamArn} was created ${actual.createdAt}`
        : `the checkpoints in ${checkpointDir} do not say which stream they belong to (written before sdfleet recorded it)`,
    );
    this.name = 'StreamIdentityMismatch';
  }
}

/** Resuming from another stream's sequence numbers would fail on every read, forever: refuse instead. */
async function checkIdentity(store: CheckpointStore, actual: StreamIdentity, hasCheckpoints: boolean): Promise<void> {
  const stored = await store.loadIdentity();
  if (stored?.streamArn === actual.streamArn && stored.createdAt === actual.createdAt) return;
  if (stored || hasCheckpoints) throw new StreamIdentityMismatch(store.dir, stored, actual);
  await store.saveIdentity(actual);
}

/**
 * A Firehose-faithful local delivery stream: Kinesis source → de-aggregation → Lambda transform →
 * dynamic partitioning → buffered GZIP/Parquet objects in a bucket, with per-shard checkpoints
 * saved only after the objects holding the records are stored (at-least-once across restarts).
 */
export async function startDeliveryStream(options: DeliveryStreamOptions): Promise<DeliveryStream> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const region = options.region ?? 'us-west-2';
  const account = options.account ?? '000000000000';
  const name = options.deliveryStreamName ?? defaultDeliveryStreamName(options.streamName);
  const lambdaArn = `arn:aws:lambda:${region}:${account}:function:sdfleet-transform:$LATEST`;
  const prefix = new PrefixTemplate(options.prefix ?? DEFAULT_PREFIX, 'prefix');
  const errorPrefix = new PrefixTemplate(options.errorPrefix ?? DEFAULT_ERROR_PREFIX, 'errorPrefix', { errorPrefix: true });
  const lambdaHints = resolveHints(LAMBDA_HINTS, options.lambdaBuffer, logger);
  const s3Hints = resolveHints(S3_HINTS, options.s3Buffer, logger, prefix.partitionKeyNames.length > 0 ? DYNAMIC_PARTITIONING_FLOOR : undefined);
  const maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024 * 1024;

  const summary = await options.client.send(new DescribeStreamSummaryCommand({ StreamName: options.streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:${region}:${account}:stream/${options.streamName}`;
  const identity: StreamIdentity = { streamArn, createdAt: summary.StreamDescriptionSummary?.StreamCreationTimestamp?.toISOString() ?? 'unknown' };

  const store = new CheckpointStore(join(options.checkpointDir, name));
  const checkpoints = await store.loadAll();
  await checkIdentity(store, identity, checkpoints.size > 0);
  const tracker = new CheckpointTracker();
  const finished = new Set([...checkpoints.values()].filter((c) => c.finished).map((c) => c.shardId));
  const readers = new Map<string, ShardReader>();
  let lineageAt = -Infinity;

  const counts = { read: 0, kinesisRecords: 0, transformedOk: 0, failed: 0, dropped: 0, corruptAggregated: 0, checkpointsSaved: 0 };
  const parquet = options.format === 'parquet' ? new ParquetEncoder() : undefined;
  const writer = new ObjectWriter({
    bucket: options.bucket,
    deliveryStreamName: name,
    prefix,
    errorPrefix,
    hints: s3Hints,
    lambdaArn,
    parquet,
    now,
    random: options.random,
    logger,
    onWritten: (records) => records.forEach((r) => tracker.settle(r.batch)),
  });
  const invoker = new LambdaInvoker({
    handler: options.handler ?? createFirehoseHandler({ logger: logger.child({ stage: 'transform' }) }),
    failureReason: options.failureReason ?? failureReason,
    deliveryStreamArn: `arn:aws:firehose:${region}:${account}:deliverystream/${name}`,
    sourceKinesisStreamArn: streamArn,
    region,
    retries: options.lambdaRetries,
    now,
    logger,
  });

  let lambdaBuffer: SourceRecord[] = [];
  let lambdaBytes = 0;
  let lambdaOpenedAt = 0;

  async function refreshShards(): Promise<void> {
    const lineage = await listShardLineage(options.client, options.streamName);
    lineageAt = now();
    for (const shardId of readyShards(lineage, finished, new Set(readers.keys()))) {
      readers.set(
        shardId,
        new ShardReader({
          client: options.client,
          streamName: options.streamName,
          shardId,
          afterSequenceNumber: checkpoints.get(shardId)?.sequenceNumber,
          idlePollMs: options.idlePollMs,
          now,
          logger,
        }),
      );
      logger.info({ shardId, after: checkpoints.get(shardId)?.sequenceNumber ?? 'TRIM_HORIZON' }, 'reading shard');
    }
  }

  async function readDueShards(): Promise<void> {
    const due = [...readers.values()].filter((r) => r.nextReadAt <= now());
    const reads = await Promise.all(due.map(async (reader) => ({ reader, read: await reader.read() })));
    let shardEnded = false;
    for (const { reader, read } of reads) {
      counts.kinesisRecords += read.records.length;
      if (read.records.length === 0 && !read.shardEnd) continue;
      const batch = tracker.open(reader.shardId, read.records[read.records.length - 1]?.SequenceNumber, 0, read.shardEnd);
      const records: SourceRecord[] = [];
      for (const kinesisRecord of read.records) {
        const { corrupt } = userRecordsOf(reader.shardId, kinesisRecord, batch, records);
        if (!corrupt) continue;
        tracker.add(batch, 1);
        counts.corruptAggregated++;
        counts.failed++;
        logger.warn({ shardId: reader.shardId, sequenceNumber: kinesisRecord.SequenceNumber, err: corrupt.error.message }, 'corrupt aggregated record sent to the error output');
        writer.addFailed({
          source: corrupt.record,
          outputType: 'processing-failed',
          errorCode: 'Kinesis.CorruptAggregatedRecord',
          errorMessage: `${corrupt.error.message}; rawData is the whole Kinesis record`,
          attemptsMade: 0,
          attemptEndingMs: now(),
        });
      }
      tracker.add(batch, records.length);
      counts.read += records.length;
      if (records.length > 0 && lambdaBuffer.length === 0) lambdaOpenedAt = now();
      for (const record of records) {
        lambdaBuffer.push(record);
        lambdaBytes += record.data.byteLength;
      }
      if (read.shardEnd) {
        finished.add(reader.shardId);
        readers.delete(reader.shardId);
        shardEnded = true;
        logger.info({ shardId: reader.shardId }, 'shard read to SHARD_END');
      }
    }
    if (shardEnded) await refreshShards();
  }

  async function invokeLambda(): Promise<void> {
    const records = lambdaBuffer;
    lambdaBuffer = [];
    lambdaBytes = 0;
    const outcome = await invoker.invoke(records);
    counts.transformedOk += outcome.ok.length;
    counts.failed += outcome.failed.length;
    counts.dropped += outcome.dropped.length;
    for (const record of outcome.ok) writer.add(record);
    for (const record of outcome.failed) writer.addFailed(record);
    for (const record of outcome.dropped) tracker.settle(record.batch);
  }

  async function saveCheckpoints(): Promise<void> {
    for (const checkpoint of tracker.drain()) {
      await store.save(checkpoint);
      counts.checkpointsSaved++;
    }
  }

  /** One pass of the pipeline; `force` delivers everything regardless of the buffer hints. */
  async function step(force: boolean): Promise<void> {
    const overfull = lambdaBytes + writer.bufferedBytes > maxBufferedBytes;
    if (!overfull && !stopping) {
      if (now() - lineageAt >= (options.shardRefreshMs ?? 10_000)) await refreshShards();
      await readDueShards();
    }
    if (lambdaBuffer.length > 0 && (force || overfull || lambdaBytes >= lambdaHints.sizeBytes || now() - lambdaOpenedAt >= lambdaHints.intervalMs)) {
      await invokeLambda();
    }
    await writer.flush(force || overfull ? 'all' : 'due');
    await saveCheckpoints();
  }

  let stopping = false;
  // Every pass runs on this chain, so flush() and the loop never interleave; a failed pass
  // rejects only its own caller, never the passes after it.
  let chain: Promise<void> = Promise.resolve();
  const run = (force: boolean): Promise<void> => {
    const pass = chain.then(() => step(force));
    chain = pass.catch(() => undefined);
    return pass;
  };

  const loop = (async () => {
    while (!stopping) {
      let pauseMs = TICK_MS;
      try {
        await run(false);
      } catch (err) {
        // ListShards or a checkpoint write failed: nothing is settled, so nothing is lost; try again.
        logger.error({ err: (err as Error).message }, 'delivery pass failed; retrying in 1 s');
        pauseMs = 1000;
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  })();

  return {
    stats: () => ({
      ...counts,
      objectsWritten: writer.stats.objects,
      bytesWritten: writer.stats.bytes,
      recordsWritten: writer.stats.recordsWritten,
      errorRecordsWritten: writer.stats.errorRecordsWritten,
      pending: tracker.pendingRecords,
      shardsFinished: finished.size,
    }),
    flush: () => run(true),
    async stop({ flush = true } = {}) {
      stopping = true;
      await loop;
      if (flush) await run(true);
      await parquet?.close();
    },
  };
}
