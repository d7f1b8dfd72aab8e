// The KPL-compatible producer: put() → shard prediction → per-shard aggregation → per-shard
// pacing → PutRecords batches → bounded sender → retries → one settlement per user record.
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { ShardAggregator, type KinesisRecord } from './aggregator.js';
import { MiB, checkData, checkExplicitHashKey, checkPartitionKey, checkPositive, checkPutInput, checkRecordLimit, type PutInput } from './validation.js';
import { Limiter, type LimiterOptions } from './limiter.js';
import type { PendingRecord } from './pending-record.js';
import { ProducerCore, type CoreOptions } from './producer-core.js';
import { FailureGroups, classifyRequestError, describeCode, type ErrorInfo } from './retrier.js';
import { ShardMap, type Shard, type ShardPredictor } from './shard-map.js';
import { UserError } from '../common/user-error.js';
import { Queue } from './queue.js';
import { sendWithTimeout } from './sender.js';

export interface KinesisProducerOptions extends CoreOptions {
  streamName: string;
  /** Pack user records of one shard into KPL aggregated records. Default true. */
  aggregation?: boolean;
  /** Aggregated record size limit (data + key). Default 51 200 (the KPL's), at most the record limit. */
  aggregationMaxBytes?: number;
  /** The stream's record limit: 1 MiB by default, up to 10 MiB. */
  maxRecordBytes?: number;
  /** Records per PutRecords (max 500). */
  collectionMaxCount?: number;
  /** Bytes per PutRecords including partition keys (max 5 MiB). */
  collectionMaxBytes?: number;
  /** Per-shard pace as a percent of the shard limits. Default 100 (the KPL uses 150). */
  rateLimitPercent?: number;
  /** Cut a shard's pace on throttles and recover it (default true). */
  adaptive?: boolean;
  /** Fine-tuning of the limiter (shard limits, AIMD constants). */
  limiter?: LimiterOptions;
  /** Inject a shard map (tests); by default one is read from the client with ListShards. */
  shardMap?: ShardPredictor;
}

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
  /** Position inside the aggregated record; absent when the record went out raw. */
  subSequenceNumber?: number;
  /** Tries it took, including the one that succeeded. */
  attempts: number;
}

type Record_ = KinesisRecord<PutResult>;

export class KinesisProducer extends ProducerCore<Record_, PutResult> {
  readonly streamName: string;
  private readonly shardMap: ShardPredictor;
  private readonly limiter: Limiter;
  private readonly aggregation: boolean;
  private readonly aggregationMaxBytes: number;
  private readonly maxRecordBytes: number;
  private readonly aggregators = new Map<string, ShardAggregator<PutResult>>();
  private readonly queues = new Map<string, Queue<Record_>>();
  private readonly parked: PendingRecord<PutResult>[] = [];
  private mapError: ErrorInfo | undefined;
  private rotate = 0;

  constructor(options: KinesisProducerOptions) {
    if (typeof options.streamName !== 'string' || options.streamName.length === 0) {
      throw new UserError('streamName', options.streamName, 'must name the Kinesis stream');
    }
    const maxRecordBytes = checkRecordLimit(options.maxRecordBytes ?? MiB);
    super(
      options,
      {
        maxCount: checkPositive(options.collectionMaxCount, 500, 'collectionMaxCount', 500),
        maxBytes: checkPositive(options.collectionMaxBytes, 5 * MiB, 'collectionMaxBytes', 5 * MiB),
      },
      options.streamName,
    );
    this.streamName = options.streamName;
    this.maxRecordBytes = maxRecordBytes;
    this.aggregation = options.aggregation ?? true;
    this.aggregationMaxBytes = Math.min(checkPositive(options.aggregationMaxBytes, 51_200, 'aggregationMaxBytes', maxRecordBytes), maxRecordBytes);
    this.limiter = new Limiter({
      ...options.limiter,
      rateLimitPercent: checkPositive(options.rateLimitPercent ?? options.limiter?.rateLimitPercent, 100, 'rateLimitPercent'),
      adaptive: options.adaptive ?? options.limiter?.adaptive,
      random: options.random ?? options.limiter?.random,
    });
    this.shardMap =
      options.shardMap ??
      new ShardMap({
        // ListShards has the same timeout as puts: a hung load would park records past their TTL.
        client: { send: (command) => sendWithTimeout(options.client, this.scheduler, command, this.requestTimeoutMs) },
        streamName: options.streamName,
        clock: this.clock,
        scheduler: this.scheduler,
        onError: (error) => this.logger.warn({ err: error }, 'shard map refresh failed; keeping the previous map'),
      });
    this.loadShardMap(1);
  }

  /**
   * Validates (throws naming the field at once), then buffers the record. `data` bytes are copied
   * (the caller may reuse its buffer when put() returns) unless the producer was made with `zeroCopy`.
   * Resolves once Kinesis acknowledged the record, or rejects with a ProducerError.
   */
  put(input: PutInput): Promise<PutResult> {
    checkPutInput(input);
    const pkBytes = checkPartitionKey(input.partitionKey);
    const data = checkData(input.data, pkBytes, this.maxRecordBytes, this.zeroCopy);
    const hashKey = checkExplicitHashKey(input.explicitHashKey);
    // MD5 hash keys are predicted (and cached per partition key) in route().
    return this.enqueue(input.partitionKey, input.explicitHashKey, data, pkBytes, hashKey);
  }

  private loadShardMap(attempt: number): void {
    this.shardMap.ready().then(
      () => {
        this.mapError = undefined;
        const parked = this.parked.splice(0);
        for (const r of parked) this.route(r);
        this.schedulePump();
      },
      (error: unknown) => {
        const info = classifyRequestError(error);
        this.logger.warn({ code: info.code, attempt }, 'could not read the shard map (ListShards)');
        this.mapError = info;
        const parked = this.parked.splice(0);
        if (parked.length > 0) this.failedTry(parked, { ...info, message: `ListShards failed: ${info.message}` });
        // Keep trying while records may still need the map; a closed, empty producer stops.
        if (info.retryable && !(this.closed && this.unsettled === 0)) {
          this.scheduler.setTimeout(() => this.loadShardMap(attempt + 1), this.retrier.backoffMs(attempt) + 50);
        }
      },
    );
  }

  protected route(record: PendingRecord<PutResult>): void {
    if (!this.shardMap.loaded) {
      if (this.mapError !== undefined && !this.mapError.retryable) {
        this.failedTry([record], { ...this.mapError, message: `ListShards failed: ${this.mapError.message}` });
      } else {
        this.parked.push(record);
      }
      return;
    }
    let shard: Shard | undefined;
    if (record.hashKey === undefined) {
      const p = this.shardMap.predict(record.partitionKey);
      record.hashKey = p.hashKey;
      shard = p.shard;
    } else {
      shard = this.shardMap.shardFor(record.hashKey);
    }
    if (shard === undefined) {
      // A map caught mid-reshard: reload it and retry this record like a failed try.
      this.shardMap.invalidate();
      this.failedTry([record], { code: 'WrongShard', message: `WrongShard: the shard map of ${this.streamName} has no open shard for hash key ${record.hashKey}; reloading it`, retryable: true });
      return;
    }
    const shardId = shard.shardId;
    let agg = this.aggregators.get(shardId);
    if (agg === undefined) {
      agg = new ShardAggregator<PutResult>(shardId, this.aggregationMaxBytes, this.aggregation, (kr) => this.queueForShard(kr));
      this.aggregators.set(shardId, agg);
    }
    agg.add(record);
  }

  /** An aggregator emitted a Kinesis record: queue it for its shard's limiter. */
  private queueForShard(kr: Record_): void {
    let queue = this.queues.get(kr.shardId);
    if (queue === undefined) {
      queue = new Queue<Record_>();
      this.queues.set(kr.shardId, queue);
    }
    queue.push(kr);
    this.schedulePump();
  }

  protected recordsOf(batch: Record_[]): readonly PendingRecord<PutResult>[] {
    return batch.flatMap((kr) => kr.records);
  }

  protected stage(now: number): number {
    let wake = Infinity;
    for (const agg of this.aggregators.values()) {
      if (agg.count === 0) continue;
      if (now - agg.oldestReceivedAt >= this.maxBufferedTimeMs || agg.oldestSeq <= this.flushSeq) agg.flush();
      else wake = Math.min(wake, agg.oldestReceivedAt + this.maxBufferedTimeMs);
    }
    // Round robin over shards so one busy shard cannot starve the others' batches.
    const shards = [...this.queues.entries()];
    this.rotate = (this.rotate + 1) % Math.max(1, shards.length);
    for (let i = 0; i < shards.length; i++) {
      const [shardId, queue] = shards[(this.rotate + i) % shards.length];
      if (queue.length === 0) continue;
      const limiter = this.limiter.forShard(shardId, now);
      while (queue.length > 0) {
        const head = queue.peek();
        if (head.deadline <= now) {
          queue.shift();
          this.expireStale(head, now);
          continue;
        }
        if (!this.collector.fits(head)) return wake; // the batch is full and goes first
        if (!limiter.tryTake(head.bytes, now)) {
          // Look again when tokens are due, or when the head expires if that comes first.
          wake = Math.min(wake, now + limiter.waitMs(head.bytes, now), head.deadline);
          break;
        }
        this.collector.offer(queue.shift());
      }
    }
    return wake;
  }

  /** Fails the expired user records of a Kinesis record and re-routes the others. */
  private expireStale(kr: Record_, now: number): void {
    for (const r of kr.records) {
      if (r.deadline <= now) this.retrier.expire(r);
      else this.route(r);
    }
  }

  protected async sendBatch(batch: Record_[], now: number): Promise<void> {
    for (const kr of batch) {
      if (!kr.sent) {
        kr.sent = true;
        this.stats.bufferingTime.recordValueWithCount(Math.max(0, now - kr.receivedAt), kr.records.length);
      }
    }
    const command = new PutRecordsCommand({
      StreamName: this.streamName,
      Records: batch.map((kr) => ({ Data: kr.data, PartitionKey: kr.partitionKey, ExplicitHashKey: kr.explicitHashKey })),
    });
    let output: PutRecordsCommandOutput;
    try {
      output = await this.sender.send<PutRecordsCommandOutput>(command);
    } catch (error) {
      this.requestFailed(batch, classifyRequestError(error), now);
      return;
    }
    this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - now));
    this.answered(batch, output, now);
  }

  private requestFailed(batch: Record_[], info: ErrorInfo, sentAt: number): void {
    this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - sentAt));
    const throttling = info.code === 'ProvisionedThroughputExceededException' || info.code === 'ThrottlingException' || info.code === 'LimitExceededException';
    const shards = new Set<string>();
    for (const kr of batch) {
      this.stats.error(kr.shardId, info.code);
      shards.add(kr.shardId);
    }
    if (throttling) for (const s of shards) this.limiter.forShard(s, sentAt).throttled(1, sentAt, this.clock.now());
    this.failedTry(
      batch.flatMap((kr) => kr.records),
      info,
    );
  }

  private answered(batch: Record_[], output: PutRecordsCommandOutput, sentAt: number): void {
    const results = output.Records ?? [];
    if (results.length !== batch.length) {
      this.requestFailed(batch, { code: 'InternalFailure', message: `InternalFailure: PutRecords answered ${results.length} results for ${batch.length} records`, retryable: true }, sentAt);
      return;
    }
    const now = this.clock.now();
    // Per shard: records sent and throttled in this response, to size the limiter's cut.
    const perShard = new Map<string, { sent: number; throttled: number }>();
    const failures = new FailureGroups<PutResult>();
    for (let i = 0; i < batch.length; i++) {
      const kr = batch[i];
      const r = results[i];
      let s = perShard.get(kr.shardId);
      if (s === undefined) perShard.set(kr.shardId, (s = { sent: 0, throttled: 0 }));
      s.sent++;
      if (r.ErrorCode !== undefined) {
        if (r.ErrorCode === 'ProvisionedThroughputExceededException') s.throttled++;
        this.stats.error(kr.shardId, r.ErrorCode);
        failures.add(r.ErrorCode, () => describeCode(r.ErrorCode as string, r.ErrorMessage), kr.records);
        continue;
      }
      const shardId = r.ShardId ?? kr.shardId;
      if (shardId !== kr.shardId) {
        this.shardMap.invalidate();
        if (kr.aggregated) {
          // KCL consumers would drop user records outside that shard's range: send them again.
          this.stats.error(kr.shardId, 'WrongShard');
          const message = `WrongShard: an aggregated record predicted for ${kr.shardId} landed on ${shardId}; the stream was resharded, so its user records are sent again`;
          failures.add('WrongShard', () => ({ code: 'WrongShard', message, retryable: true }), kr.records);
          continue;
        }
      }
      this.acknowledge(kr, shardId, r.SequenceNumber ?? '');
    }
    for (const [shardId, s] of perShard) {
      this.limiter.forShard(shardId, sentAt).answered(s.throttled / s.sent, sentAt, now);
    }
    failures.forEach((records, info) => this.failedTry(records, info));
  }

  private acknowledge(kr: Record_, shardId: string, sequenceNumber: string): void {
    const records = kr.records;
    let userBytes = 0;
    for (let i = 0; i < records.length; i++) userBytes += records[i].data.byteLength;
    this.stats.put(shardId, records.length, userBytes, kr.bytes);
    const attempts = (i: number) => (records[i].attempts?.length ?? 0) + 1;
    this.succeedAll(
      records,
      kr.aggregated ? (i) => ({ shardId, sequenceNumber, subSequenceNumber: i, attempts: attempts(i) }) : (i) => ({ shardId, sequenceNumber, attempts: attempts(i) }),
    );
  }

  protected override rateFactors(): Record<string, number> {
    return this.limiter.factors();
  }
}
