import { silentLogger, type Logger } from '../../common/logger.js';
import { delay, systemClock, systemScheduler, type Clock, type Scheduler } from '../../common/clock.js';
import type { Bucket } from '../lake/bucket.js';
import { createFirehoseHandler, failureReason } from '../transform/firehose-handler.js';
import { DYNAMIC_PARTITIONING_FLOOR, LAMBDA_HINTS, resolveHints, S3_HINTS, type BufferHints } from './buffer-hints.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { LambdaInvoker, type FailedRecord, type LambdaInvokerOptions, type TransformHandler } from './lambda-invoker.js';
import { ObjectWriter } from './object-writer.js';
import { ParquetEncoder } from './parquet-encoder.js';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX, PrefixTemplate } from './prefix.js';
import type { SourceRecord } from './source-record.js';

/** What every delivery stream has, whatever its source (a Kinesis stream or direct PUT). */
export interface DeliveryOptions {
  bucket: Bucket;
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
  /** Above this many buffered bytes, stop reading and deliver early (default 256 MiB). */
  maxBufferedBytes?: number;
  region?: string;
  account?: string;
  clock?: Clock;
  /** Times the delivery loop's passes and the Lambda retries. */
  scheduler?: Scheduler;
  random?: () => number;
  logger?: Logger;
}

export interface DeliveryStats {
  /** User records read or put (after de-aggregation). */
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

/** Where records come from: read once per pass, unless the buffers are full or the stream is stopping. */
export interface DeliverySource {
  read(): Promise<void>;
  /** Checkpoints that may be saved now (nothing for a source without any). */
  save?(): Promise<void>;
  stats(): { kinesisRecords: number; shardsFinished: number; checkpointsSaved: number };
}

const TICK_MS = 25;

/**
 * The part of a delivery stream after the source: Lambda buffer → LambdaInvoker → ObjectWriter,
 * with a CheckpointTracker that learns when each record is durably handled.
 */
export class DeliveryCore {
  readonly tracker = new CheckpointTracker();
  readonly logger: Logger;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly counts = { read: 0, transformedOk: 0, failed: 0, dropped: 0, corruptAggregated: 0 };
  private readonly lambdaHints: BufferHints;
  private readonly maxBufferedBytes: number;
  private readonly writer: ObjectWriter;
  private readonly invoker: LambdaInvoker;
  private readonly parquet: ParquetEncoder | undefined;
  private lambdaBuffer: SourceRecord[] = [];
  private lambdaBytes = 0;
  private lambdaOpenedAt = 0;

  constructor(options: DeliveryOptions, name: string, sourceKinesisStreamArn: string | undefined) {
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    const region = options.region ?? 'us-west-2';
    const account = options.account ?? '000000000000';
    const prefix = new PrefixTemplate(options.prefix ?? DEFAULT_PREFIX, 'prefix');
    const errorPrefix = new PrefixTemplate(options.errorPrefix ?? DEFAULT_ERROR_PREFIX, 'errorPrefix', { errorPrefix: true });
    this.lambdaHints = resolveHints(LAMBDA_HINTS, options.lambdaBuffer, this.logger);
    const s3Hints = resolveHints(S3_HINTS, options.s3Buffer, this.logger, prefix.partitionKeyNames.length > 0 ? DYNAMIC_PARTITIONING_FLOOR : undefined);
    this.maxBufferedBytes = options.maxBufferedBytes ?? 256 * 1024 * 1024;
    const lambdaArn = `arn:aws:lambda:${region}:${account}:function:sdfleet-transform:$LATEST`;
    this.parquet = options.format === 'parquet' ? new ParquetEncoder() : undefined;
    this.writer = new ObjectWriter({
      bucket: options.bucket,
      deliveryStreamName: name,
      prefix,
      errorPrefix,
      hints: s3Hints,
      lambdaArn,
      parquet: this.parquet,
      clock: this.clock,
      random: options.random,
      logger: this.logger,
      onWritten: (records) => records.forEach((r) => this.tracker.settle(r.batch)),
    });
    this.invoker = new LambdaInvoker({
      handler: options.handler ?? createFirehoseHandler({ logger: this.logger.child({ stage: 'transform' }) }),
      failureReason: options.failureReason ?? failureReason,
      deliveryStreamArn: `arn:aws:firehose:${region}:${account}:deliverystream/${name}`,
      sourceKinesisStreamArn,
      region,
      retries: options.lambdaRetries,
      clock: this.clock,
      scheduler: this.scheduler,
      logger: this.logger,
    });
  }

  /** Records read or put, in order, into the Lambda buffer (their batch already counts them). */
  enqueue(records: SourceRecord[]): void {
    this.counts.read += records.length;
    if (records.length > 0 && this.lambdaBuffer.length === 0) this.lambdaOpenedAt = this.clock.now();
    for (const record of records) {
      this.lambdaBuffer.push(record);
      this.lambdaBytes += record.data.byteLength;
    }
  }

  /** A record that never reaches the Lambda (e.g. a corrupt KPL aggregate). */
  addFailed(record: FailedRecord): void {
    this.counts.failed++;
    this.writer.addFailed(record);
  }

  get overfull(): boolean {
    return this.lambdaBytes + this.writer.bufferedBytes > this.maxBufferedBytes;
  }

  /** Invokes the Lambda when its hints say so and writes the objects that are due; `force` delivers everything. */
  async deliver(force: boolean): Promise<void> {
    const overfull = this.overfull;
    const due = force || overfull || this.lambdaBytes >= this.lambdaHints.sizeBytes || this.clock.now() - this.lambdaOpenedAt >= this.lambdaHints.intervalMs;
    if (this.lambdaBuffer.length > 0 && due) await this.invokeLambda();
    await this.writer.flush(force || overfull ? 'all' : 'due');
  }

  stats(source: ReturnType<DeliverySource['stats']>): DeliveryStats {
    return {
      ...this.counts,
      ...source,
      objectsWritten: this.writer.stats.objects,
      bytesWritten: this.writer.stats.bytes,
      recordsWritten: this.writer.stats.recordsWritten,
      errorRecordsWritten: this.writer.stats.errorRecordsWritten,
      pending: this.tracker.pendingRecords,
    };
  }

  async close(): Promise<void> {
    await this.parquet?.close();
  }

  private async invokeLambda(): Promise<void> {
    const records = this.lambdaBuffer;
    this.lambdaBuffer = [];
    this.lambdaBytes = 0;
    const outcome = await this.invoker.invoke(records);
    this.counts.transformedOk += outcome.ok.length;
    this.counts.failed += outcome.failed.length;
    this.counts.dropped += outcome.dropped.length;
    for (const record of outcome.ok) this.writer.add(record);
    for (const record of outcome.failed) this.writer.addFailed(record);
    for (const record of outcome.dropped) this.tracker.settle(record.batch);
  }
}

/** Runs the delivery loop: read, deliver what is due, save checkpoints; every TICK_MS until stopped. */
export function runDelivery(core: DeliveryCore, source: DeliverySource): DeliveryStream {
  let stopping = false;
  const step = async (force: boolean): Promise<void> => {
    if (!core.overfull && !stopping) await source.read();
    await core.deliver(force);
    await source.save?.();
  };
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
        core.logger.error({ err: (err as Error).message }, 'delivery pass failed; retrying in 1 s');
        pauseMs = 1000;
      }
      await delay(core.scheduler, pauseMs);
    }
  })();

  return {
    stats: () => core.stats(source.stats()),
    flush: () => run(true),
    async stop({ flush = true } = {}) {
      stopping = true;
      await loop;
      if (flush) await run(true);
      await core.close();
    },
  };
}
