// The Kinesis side of the pipeline: shard prediction → per-shard aggregation → per-shard pacing,
// PutRecords requests, and reading their answers (throttles to the limiter, wrong shards re-sent).
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { classifyCode, classifyRequestError, isThrottle, type ErrorInfo } from '../common/aws-errors.js';
import { ShardAggregator, type KinesisRecord } from './aggregator.js';
import type { Collector, CollectorLimits } from './collector.js';
import type { Limiter } from './limiter.js';
import type { PendingRecord } from './pending-record.js';
import type { Settlement, StageContext, Transport } from './pipeline.js';
import { Queue } from './queue.js';
import type { Shard, ShardPredictor } from './shard-map.js';

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
  /** Position inside the aggregated record; absent when the record went out raw. */
  subSequenceNumber?: number;
  /** Tries it took, including the one that succeeded. */
  attempts: number;
}

/** One record of a PutRecords request, with the user records it carries. */
export type KinesisBatchItem = KinesisRecord<PutResult>;

export interface KinesisTransportOptions {
  streamName: string;
  shardMap: ShardPredictor;
  limiter: Limiter;
  aggregation: boolean;
  aggregationMaxBytes: number;
  collectorLimits: CollectorLimits;
}

export class KinesisTransport implements Transport<KinesisBatchItem, PutResult> {
  readonly collectorLimits: CollectorLimits;
  private readonly streamName: string;
  private readonly shardMap: ShardPredictor;
  private readonly limiter: Limiter;
  private readonly aggregators = new Map<string, ShardAggregator<PutResult>>();
  private readonly queues = new Map<string, Queue<KinesisBatchItem>>();
  private readonly parked: PendingRecord<PutResult>[] = [];
  private mapError: ErrorInfo | undefined;
  private rotate = 0;

  constructor(
    private readonly context: StageContext<PutResult>,
    private readonly options: KinesisTransportOptions,
  ) {
    this.collectorLimits = options.collectorLimits;
    this.streamName = options.streamName;
    this.shardMap = options.shardMap;
    this.limiter = options.limiter;
    this.loadShardMap(1);
  }

  private loadShardMap(attempt: number): void {
    this.shardMap.ready().then(
      () => {
        this.mapError = undefined;
        for (const r of this.parked.splice(0)) this.route(r);
        this.context.wake();
      },
      (error: unknown) => {
        const info = classifyRequestError(error);
        this.context.logger.warn({ code: info.code, attempt }, 'could not read the shard map (ListShards)');
        this.mapError = info;
        const parked = this.parked.splice(0);
        if (parked.length > 0) this.context.failedTry(parked, { ...info, message: `ListShards failed: ${info.message}` });
        // Keep trying while records may still need the map; a closed, empty producer stops.
        if (info.retryable && !this.context.idleAndClosed()) {
          this.context.scheduler.setTimeout(() => this.loadShardMap(attempt + 1), this.context.backoffMs(attempt) + 50);
        }
      },
    );
  }

  route(record: PendingRecord<PutResult>): void {
    if (!this.shardMap.loaded) {
      if (this.mapError !== undefined && !this.mapError.retryable) {
        this.context.failedTry([record], { ...this.mapError, message: `ListShards failed: ${this.mapError.message}` });
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
      this.context.failedTry([record], {
        code: 'WrongShard',
        message: `WrongShard: the shard map of ${this.streamName} has no open shard for hash key ${record.hashKey}; reloading it`,
        kind: 'retryable',
        retryable: true,
      });
      return;
    }
    let agg = this.aggregators.get(shard.shardId);
    if (agg === undefined) {
      agg = new ShardAggregator<PutResult>(shard.shardId, this.options.aggregationMaxBytes, this.options.aggregation, (kr) => this.queueForShard(kr));
      this.aggregators.set(shard.shardId, agg);
      this.limiter.forShard(shard.shardId, this.context.clock.now()); // its pace now counts in ready()
    }
    agg.add(record);
  }

  /** An aggregator emitted a Kinesis record: queue it for its shard's limiter. */
  private queueForShard(kr: KinesisBatchItem): void {
    let queue = this.queues.get(kr.shardId);
    if (queue === undefined) {
      queue = new Queue<KinesisBatchItem>();
      this.queues.set(kr.shardId, queue);
    }
    queue.push(kr);
    this.context.wake();
  }

  stage(now: number, collector: Collector<KinesisBatchItem>): number {
    const maxBufferedTimeMs = this.context.maxBufferedTimeMs;
    const flushSeq = this.context.flushSeq();
    let wake = Infinity;
    for (const agg of this.aggregators.values()) {
      if (agg.count === 0) continue;
      if (now - agg.oldestReceivedAt >= maxBufferedTimeMs || agg.oldestSeq <= flushSeq) agg.flush();
      else wake = Math.min(wake, agg.oldestReceivedAt + maxBufferedTimeMs);
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
        if (!collector.hasRoomFor(head)) {
          collector.seal(); // the batch is full and goes first
          return wake;
        }
        if (!limiter.tryTake(head.bytes, now)) {
          // Look again when tokens are due, or when the head expires if that comes first.
          wake = Math.min(wake, now + limiter.waitMs(head.bytes, now), head.deadline);
          break;
        }
        collector.offer(queue.shift());
      }
    }
    return wake;
  }

  /** Fails the expired user records of a Kinesis record and re-routes the others. */
  private expireStale(kr: KinesisBatchItem, now: number): void {
    let rerouted = false;
    for (const r of kr.records) {
      if (r.deadline <= now) {
        this.context.expire(r);
      } else {
        this.route(r);
        rerouted = true;
      }
    }
    // A re-routed record may now wait in an aggregator, which stage() looked at before the queues:
    // its wake time is not in what stage() returns, so run the pump again to flush or time it.
    if (rerouted) this.context.wake();
  }

  recordsOf(batch: readonly KinesisBatchItem[]): readonly PendingRecord<PutResult>[] {
    return batch.flatMap((kr) => kr.records);
  }

  toCommand(batch: readonly KinesisBatchItem[]): object {
    const now = this.context.clock.now();
    for (const kr of batch) {
      if (!kr.sent) {
        kr.sent = true;
        this.context.stats.bufferingTime.recordValueWithCount(Math.max(0, now - kr.receivedAt), kr.records.length);
      }
    }
    return new PutRecordsCommand({
      StreamName: this.streamName,
      Records: batch.map((kr) => ({ Data: kr.data, PartitionKey: kr.partitionKey, ExplicitHashKey: kr.explicitHashKey })),
    });
  }

  requestFailed(batch: readonly KinesisBatchItem[], error: ErrorInfo, sentAt: number, now: number): void {
    const shards = new Set<string>();
    for (const kr of batch) {
      this.context.stats.error(kr.shardId, error.code);
      shards.add(kr.shardId);
    }
    if (error.kind === 'throttle') for (const s of shards) this.limiter.forShard(s, sentAt).throttled(1, sentAt, now);
  }

  settle(batch: readonly KinesisBatchItem[], output: unknown, sentAt: number, now: number, settlement: Settlement<PutResult>): void {
    const results = (output as PutRecordsCommandOutput).Records ?? [];
    if (results.length !== batch.length) {
      const error: ErrorInfo = { code: 'InternalFailure', message: `InternalFailure: PutRecords answered ${results.length} results for ${batch.length} records`, kind: 'retryable', retryable: true };
      this.requestFailed(batch, error, sentAt, now);
      settlement.failed(this.recordsOf(batch), error);
      return;
    }
    // Per shard: records sent and throttled in this response, to size the limiter's cut.
    const perShard = new Map<string, { sent: number; throttled: number }>();
    for (let i = 0; i < batch.length; i++) {
      const kr = batch[i];
      const r = results[i];
      let s = perShard.get(kr.shardId);
      if (s === undefined) perShard.set(kr.shardId, (s = { sent: 0, throttled: 0 }));
      s.sent++;
      if (r.ErrorCode !== undefined) {
        if (isThrottle(r.ErrorCode)) s.throttled++;
        this.context.stats.error(kr.shardId, r.ErrorCode);
        settlement.failed(kr.records, classifyCode(r.ErrorCode, r.ErrorMessage));
        continue;
      }
      const shardId = r.ShardId ?? kr.shardId;
      if (shardId !== kr.shardId) {
        this.shardMap.invalidate();
        if (kr.aggregated) {
          // KCL consumers would drop user records outside that shard's range: send them again.
          this.context.stats.error(kr.shardId, 'WrongShard');
          const message = `WrongShard: an aggregated record predicted for ${kr.shardId} landed on ${shardId}; the stream was resharded, so its user records are sent again`;
          settlement.failed(kr.records, { code: 'WrongShard', message, kind: 'retryable', retryable: true });
          continue;
        }
      }
      this.acknowledge(kr, shardId, r.SequenceNumber ?? '', settlement);
    }
    for (const [shardId, s] of perShard) this.limiter.forShard(shardId, sentAt).answered(s.throttled / s.sent, sentAt, now);
  }

  private acknowledge(kr: KinesisBatchItem, shardId: string, sequenceNumber: string, settlement: Settlement<PutResult>): void {
    const records = kr.records;
    let userBytes = 0;
    for (let i = 0; i < records.length; i++) userBytes += records[i].data.byteLength;
    this.context.stats.put(shardId, records.length, userBytes, kr.bytes);
    const attempts = (i: number) => (records[i].attempts?.length ?? 0) + 1;
    settlement.acked(
      records,
      kr.aggregated ? (i) => ({ shardId, sequenceNumber, subSequenceNumber: i, attempts: attempts(i) }) : (i) => ({ shardId, sequenceNumber, attempts: attempts(i) }),
    );
  }

  rateFactors(): Record<string, number> {
    return this.limiter.factors();
  }

  paceBytesPerSecond(): number {
    return this.limiter.bytesPerSecond();
  }
}
