// The Kinesis side of the pipeline: shard prediction → per-shard aggregation → per-shard pacing,
// PutRecords requests, and reading their answers (throttles to the limiter, wrong shards re-sent).
import { PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { classifyCode, classifyRequestError, isThrottle, type ErrorInfo } from '../common/aws-errors.js';
import { hashKeyOf, parseExplicitHashKey } from '../common/hash-key.js';
import { ShardAggregator, keyEntry, type KeyEntry } from './aggregator.js';
import { decodeAggregated, reuseAggregateBuffer, utf8Size, writeDigest, type SealedAggregate } from './codec.js';
import type { Collector, CollectorLimits } from './collector.js';
import type { Limiter } from './limiter.js';
import type { Settlement, StageContext, Transport } from './pipeline.js';
import { Queue } from './queue.js';
import type { Shard, ShardPredictor } from './shard-map.js';
import { ownedBytes } from './byte-slab.js';
import type { HashWorkerLease } from './hash-worker-pool.js';
import { Md5Lanes } from './md5-lanes.js';
import { userRecord, type Members, type Target, type WireRecord } from './wire-record.js';

export interface PutResult {
  shardId: string;
  sequenceNumber: string;
  /** Position inside the aggregated record; absent when the record went out raw. */
  subSequenceNumber?: number;
  /** Tries it took, including the one that succeeded. */
  attempts: number;
}

/** One record of a PutRecords request (an aggregate, or one user record raw). */
export type KinesisBatchItem = WireRecord<PutResult>;

/** Partition keys whose entry is cached (vehicles reuse theirs); cleared when full. */
const MAX_CACHED_KEYS = 100_000;

export interface KinesisTransportOptions {
  streamName: string;
  shardMap: ShardPredictor;
  limiter: Limiter;
  aggregation: boolean;
  aggregationMaxBytes: number;
  collectorLimits: CollectorLimits;
  /** Hash aggregates on these workers when they keep up (undefined: on this thread). */
  hashWorkers: HashWorkerLease | undefined;
  /** Write new aggregates into the buffers of acknowledged ones (the client keeps no reference to what it sent). */
  reuseBuffers: boolean;
  /** Hash aggregates four at a time on this thread (WebAssembly SIMD) when the runtime can. */
  md5Lanes: boolean;
}

/** Aggregates sealed on this thread wait for their digest until this many are waiting, or the pump runs. */
const DIGEST_GROUP = 4;

export class KinesisTransport implements Transport<PutResult> {
  readonly collectorLimits: CollectorLimits;
  private readonly streamName: string;
  private readonly shardMap: ShardPredictor;
  private readonly limiter: Limiter;
  private readonly aggregators = new Map<string, ShardAggregator<PutResult>>();
  private readonly queues = new Map<string, Queue<KinesisBatchItem>>();
  /** Bytes waiting in each shard's queue, for backlogSeconds(). */
  private readonly queuedBytes = new Map<string, number>();
  /** One entry per partition key: UTF-8 size, hash key, shard aggregator, index in the open aggregate. */
  private readonly keys = new Map<string, KeyEntry<PutResult>>();
  /** The entry knownKeyBytes() found last: the put() it checked comes next. */
  private lastPartitionKey: string | undefined;
  private lastKey: KeyEntry<PutResult> | undefined;
  private readonly parked: KinesisBatchItem[] = [];
  private readonly emit = (record: KinesisBatchItem, sealed: SealedAggregate | undefined) => this.queueForShard(record, sealed);
  private mapError: ErrorInfo | undefined;
  private rotate = 0;
  private readonly lanes: Md5Lanes | undefined;
  /** Sealed aggregates (and their records) whose digest is still to be written on this thread. */
  private readonly undigested: SealedAggregate[] = [];
  private readonly undigestedRecords: KinesisBatchItem[] = [];

  constructor(
    private readonly context: StageContext<PutResult>,
    private readonly options: KinesisTransportOptions,
  ) {
    this.collectorLimits = options.collectorLimits;
    this.streamName = options.streamName;
    this.shardMap = options.shardMap;
    this.limiter = options.limiter;
    this.lanes = options.md5Lanes ? Md5Lanes.create() : undefined;
    this.loadShardMap(1);
  }

  private loadShardMap(attempt: number): void {
    this.shardMap.ready().then(
      () => {
        this.mapError = undefined;
        for (const r of this.parked.splice(0)) this.readmit(r);
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

  add(
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint | undefined,
    data: Uint8Array | string,
    dataBytes: number,
    pkBytes: number,
    owned: boolean,
    target: Target<PutResult>,
    seq: number,
    receivedAt: number,
  ): void {
    if (!this.shardMap.loaded) {
      const record = userRecord(partitionKey, explicitHashKey, hashKey, ownedBytes(data, owned), pkBytes, target, seq, receivedAt, receivedAt + this.context.recordTtlMs, undefined);
      this.park(record);
      return;
    }
    const key = this.keyOf(partitionKey, pkBytes);
    const aggregator = hashKey === undefined ? this.aggregatorOfKey(key) : this.aggregatorOf(this.shardMap.shardFor(hashKey));
    if (aggregator === undefined) {
      const record = userRecord(partitionKey, explicitHashKey, hashKey ?? key.hashKey, ownedBytes(data, owned), pkBytes, target, seq, receivedAt, receivedAt + this.context.recordTtlMs, undefined);
      this.inGap(record);
      return;
    }
    aggregator.add(key, partitionKey, explicitHashKey, hashKey ?? key.hashKey, data, dataBytes, owned, target, seq, receivedAt, undefined);
  }

  readmit(record: KinesisBatchItem): void {
    if (record.members.length > 1) {
      // An aggregate retried whole: its records succeed or fail together (a reshard splits it).
      this.queueForShard(record, undefined);
      return;
    }
    if (!this.shardMap.loaded) {
      this.park(record);
      return;
    }
    const key = this.keyOf(record.partitionKey, record.bytes - record.data.byteLength);
    const hashKey = record.hashKey;
    const aggregator = hashKey === undefined ? this.aggregatorOfKey(key) : this.aggregatorOf(this.shardMap.shardFor(hashKey));
    if (aggregator === undefined) {
      record.hashKey ??= key.hashKey;
      this.inGap(record);
      return;
    }
    const m = record.members;
    const data = record.data;
    aggregator.add(key, record.partitionKey, record.explicitHashKey, hashKey ?? key.hashKey, data, data.byteLength, true, m.target, m.firstSeq, m.firstReceivedAt, record.attempts);
    // It may wait in an aggregator now, which the pump looks at first: run it again.
    this.context.wake();
  }

  split(record: KinesisBatchItem): KinesisBatchItem[] {
    record.settled = true;
    const m = record.members;
    const ttl = this.context.recordTtlMs;
    const users = decodeAggregated(record.data, { verifyDigest: false });
    const parts: KinesisBatchItem[] = [];
    let i = 0;
    for (let r = 0; r < m.runStarts.length; r++) {
      for (const end = m.runEnd(r); i < end; i++) {
        const u = users[i];
        const hashKey = u.explicitHashKey === undefined ? undefined : parseExplicitHashKey(u.explicitHashKey);
        const at = m.runAt[r];
        const part = userRecord<PutResult>(u.partitionKey, u.explicitHashKey, hashKey, u.data, utf8Size(u.partitionKey), m.runSinks[r], m.runSeqs[r], at, at + ttl, m.attemptsOf(i, record.attempts));
        part.shardId = record.shardId;
        parts.push(part);
      }
    }
    m.splitInto(parts.map((p): Members<PutResult> => p.members));
    return parts;
  }

  private park(record: KinesisBatchItem): void {
    if (this.mapError !== undefined && !this.mapError.retryable) {
      this.context.failedTry([record], { ...this.mapError, message: `ListShards failed: ${this.mapError.message}` });
    } else {
      this.parked.push(record);
    }
  }

  /** A map caught mid-reshard has no shard for the record: reload it and retry the record like a failed try. */
  private inGap(record: KinesisBatchItem): void {
    this.shardMap.invalidate();
    this.context.failedTry([record], {
      code: 'WrongShard',
      message: `WrongShard: the shard map of ${this.streamName} has no open shard for hash key ${record.hashKey}; reloading it`,
      kind: 'retryable',
      retryable: true,
    });
  }

  /** The cache entry of a partition key seen before (it passed put()'s checks then), if any. */
  knownKey(partitionKey: string): KeyEntry<PutResult> | undefined {
    const key = this.keys.get(partitionKey);
    if (key === undefined) return undefined;
    this.lastPartitionKey = partitionKey;
    this.lastKey = key;
    return key;
  }

  /**
   * The aggregator a known key's records go to now, as add() would route them, or undefined when
   * add() must decide (no shard map yet, or it changed since the key was routed). The fast path of
   * put() and putMany() hands records straight to it.
   */
  aggregatorFor(key: KeyEntry<PutResult>): ShardAggregator<PutResult> | undefined {
    if (!this.shardMap.loaded || key.version !== (this.shardMap.version ?? NaN)) return undefined;
    return key.aggregator;
  }

  /** The cache entry of a partition key (predicted on first sight). */
  private keyOf(partitionKey: string, pkBytes: number): KeyEntry<PutResult> {
    if (partitionKey === this.lastPartitionKey) return this.lastKey as KeyEntry<PutResult>;
    let key = this.keys.get(partitionKey);
    if (key === undefined) {
      if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
      const prediction = this.shardMap.predict(partitionKey);
      key = keyEntry(pkBytes, prediction.hashKey);
      key.aggregator = this.aggregatorOf(prediction.shard);
      key.version = this.shardMap.version ?? NaN;
      this.keys.set(partitionKey, key);
    }
    return key;
  }

  /** The aggregator of a key's shard, looked up again only when the shard map changed. */
  private aggregatorOfKey(key: KeyEntry<PutResult>): ShardAggregator<PutResult> | undefined {
    // A predictor without a version (NaN never equals itself) is asked every time.
    const version = this.shardMap.version ?? NaN;
    if (key.version !== version) {
      key.aggregator = this.aggregatorOf(this.shardMap.shardFor(key.hashKey));
      key.version = version;
    }
    return key.aggregator;
  }

  private aggregatorOf(shard: Shard | undefined): ShardAggregator<PutResult> | undefined {
    if (shard === undefined) return undefined;
    let agg = this.aggregators.get(shard.shardId);
    if (agg === undefined) {
      const o = this.options;
      agg = new ShardAggregator<PutResult>(shard.shardId, o.aggregationMaxBytes, o.aggregation, this.context.recordTtlMs, this.emit);
      this.aggregators.set(shard.shardId, agg);
      // Its pace now counts in ready(), and sizes its aggregates (see stage()).
      this.sizeToPace(agg, this.context.clock.now());
    }
    return agg;
  }

  /** Aggregates hold at most what the shard's pace sends in maxBufferedTimeMs: see ShardLimiter.aggregateBytes. */
  private sizeToPace(agg: ShardAggregator<PutResult>, now: number): void {
    agg.limitTo(this.limiter.forShard(agg.shardId, now).aggregateBytes(this.context.maxBufferedTimeMs));
  }

  /** A Kinesis record is ready (an aggregate sealed, or retried): queue it for its shard's limiter. */
  private queueForShard(record: KinesisBatchItem, sealed: SealedAggregate | undefined): void {
    if (sealed !== undefined) {
      // Queued at once either way, so a shard's records keep their order; stage() waits for the digest.
      const copy = this.options.hashWorkers?.hash(sealed, () => this.hashed(record));
      if (copy !== undefined) {
        // A worker hashes a shared copy, which is what is sent; the plain buffer was seen by no one else.
        record.hashing = true;
        record.data = copy.bytes;
        record.buffer = copy.buffer;
        if (sealed.buffer !== undefined) reuseAggregateBuffer(sealed.buffer);
      } else if (this.lanes === undefined) {
        writeDigest(sealed);
      } else {
        record.hashing = true;
        this.undigested.push(sealed);
        this.undigestedRecords.push(record);
        if (this.undigested.length === DIGEST_GROUP) this.digestWaiting();
      }
    }
    let queue = this.queues.get(record.shardId);
    if (queue === undefined) {
      queue = new Queue<KinesisBatchItem>();
      this.queues.set(record.shardId, queue);
    }
    queue.push(record);
    this.queuedBytes.set(record.shardId, (this.queuedBytes.get(record.shardId) ?? 0) + record.bytes);
    this.context.wake();
  }

  private dequeue(shardId: string, queue: Queue<KinesisBatchItem>): KinesisBatchItem {
    const record = queue.shift();
    this.queuedBytes.set(shardId, (this.queuedBytes.get(shardId) ?? 0) - record.bytes);
    return record;
  }

  /**
   * The longest a shard's queue takes to drain at that shard's current pace. One producer's shards
   * share its buffer, so a shard cut to a small share could otherwise fill it with records that
   * cannot be sent within their TTL while the other shards' pace keeps ready() open.
   */
  backlogSeconds(now: number): number {
    let longest = 0;
    for (const [shardId, bytes] of this.queuedBytes) {
      if (bytes <= 0) continue;
      longest = Math.max(longest, bytes / this.limiter.forShard(shardId, now).bytesPerSecond);
    }
    return longest;
  }

  /** Writes the digests of the aggregates waiting for one on this thread, four at a time. */
  private digestWaiting(): void {
    (this.lanes as Md5Lanes).digest(this.undigested);
    for (const record of this.undigestedRecords) record.hashing = false;
    this.undigested.length = 0;
    this.undigestedRecords.length = 0;
  }

  stage(now: number, collector: Collector<KinesisBatchItem>): number {
    const maxBufferedTimeMs = this.context.maxBufferedTimeMs;
    const flushSeq = this.context.flushSeq();
    let wake = Infinity;
    for (const agg of this.aggregators.values()) {
      this.sizeToPace(agg, now);
      if (agg.count === 0) continue;
      if (now - agg.oldestReceivedAt >= maxBufferedTimeMs || agg.oldestSeq <= flushSeq) agg.flush();
      else wake = Math.min(wake, agg.oldestReceivedAt + maxBufferedTimeMs);
    }
    // Whatever waits for a digest gets it now, in groups of up to four: the pump sends it next.
    if (this.undigested.length > 0) this.digestWaiting();
    // Round robin over shards so one busy shard cannot starve the others' batches.
    const shards = [...this.queues.entries()];
    this.rotate = (this.rotate + 1) % Math.max(1, shards.length);
    for (let i = 0; i < shards.length; i++) {
      const [shardId, queue] = shards[(this.rotate + i) % shards.length];
      if (queue.length === 0) continue;
      const limiter = this.limiter.forShard(shardId, now);
      while (queue.length > 0) {
        const head = queue.peek();
        if (head.hashing) this.options.hashWorkers?.collect();
        if (head.hashing) break; // its MD5 is still on a hash worker: collected on its poll, which wakes the pump
        if (head.deadline <= now) {
          this.dequeue(shardId, queue);
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
        collector.offer(this.dequeue(shardId, queue));
      }
    }
    return wake;
  }

  private hashed(record: KinesisBatchItem): void {
    record.hashing = false;
    this.context.wake();
  }

  close(): void {
    this.options.hashWorkers?.close();
  }

  /** Fails the expired user records of a Kinesis record and re-routes the others. */
  private expireStale(record: KinesisBatchItem, now: number): void {
    let rerouted = false;
    for (const part of record.members.length > 1 ? this.split(record) : [record]) {
      if (part.deadline <= now) {
        this.context.expire(part);
      } else {
        this.readmit(part);
        rerouted = true;
      }
    }
    // A re-routed record may now wait in an aggregator, which stage() looked at before the queues:
    // its wake time is not in what stage() returns, so run the pump again to flush or time it.
    if (rerouted) this.context.wake();
  }

  toCommand(batch: readonly KinesisBatchItem[]): object {
    const now = this.context.clock.now();
    for (const kr of batch) {
      if (!kr.sent) {
        kr.sent = true;
        this.context.stats.bufferingTime.recordValueWithCount(Math.max(0, now - kr.receivedAt), kr.members.length);
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
      for (const kr of batch) settlement.failed(kr, error);
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
        settlement.failed(kr, classifyCode(r.ErrorCode, r.ErrorMessage));
        continue;
      }
      const shardId = r.ShardId ?? kr.shardId;
      if (shardId !== kr.shardId) {
        // A landing shard the map does not list means the map is stale: reload it sooner.
        const landed = this.shardMap.shards().find((s) => s.shardId === shardId);
        this.shardMap.invalidate(landed === undefined);
        if (kr.aggregated) {
          this.wrongShard(kr, shardId, landed, r.SequenceNumber ?? '', settlement);
          continue;
        }
      }
      this.acknowledge(kr, shardId, r.SequenceNumber ?? '', settlement);
    }
    for (const [shardId, s] of perShard) this.limiter.forShard(shardId, sentAt).answered(s.throttled / s.sent, sentAt, now);
  }

  /**
   * An aggregate landed on another shard than predicted (the stream was resharded). KCL consumers
   * drop user records outside the shard they read, so those are sent again; the ones inside the
   * landing shard's range (once the map knows it) are acknowledged, which spares them a duplicate.
   */
  private wrongShard(kr: KinesisBatchItem, shardId: string, landed: Shard | undefined, sequenceNumber: string, settlement: Settlement<PutResult>): void {
    this.context.stats.error(kr.shardId, 'WrongShard');
    const message = `WrongShard: an aggregated record predicted for ${kr.shardId} landed on ${shardId}; the stream was resharded, so its user records outside ${shardId} are sent again`;
    const parts = this.split(kr);
    let kept = 0;
    let keptBytes = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const hashKey = part.hashKey ?? this.keys.get(part.partitionKey)?.hashKey ?? hashKeyOf(part.partitionKey);
      if (landed !== undefined && hashKey >= landed.startingHashKey && hashKey <= landed.endingHashKey) {
        kept++;
        keptBytes += part.dataBytes;
        settlement.acked(part, (_j, attempts) => ({ shardId, sequenceNumber, subSequenceNumber: i, attempts }));
      } else {
        settlement.failed(part, { code: 'WrongShard', message, kind: 'retryable', retryable: true });
      }
    }
    if (kept > 0) this.context.stats.put(shardId, kept, keptBytes, kr.bytes);
  }

  private acknowledge(kr: KinesisBatchItem, shardId: string, sequenceNumber: string, settlement: Settlement<PutResult>): void {
    this.context.stats.put(shardId, kr.members.length, kr.dataBytes, kr.bytes);
    // Acknowledged whole (a split record's parts still hold its bytes): nothing reads them any more.
    const reusable = this.options.reuseBuffers && !kr.settled ? kr.buffer : undefined;
    kr.buffer = undefined;
    settlement.acked(
      kr,
      kr.aggregated ? (i, attempts) => ({ shardId, sequenceNumber, subSequenceNumber: i, attempts }) : (_i, attempts) => ({ shardId, sequenceNumber, attempts }),
    );
    if (reusable !== undefined) reuseAggregateBuffer(reusable);
  }

  rateFactors(): Record<string, number> {
    return this.limiter.factors();
  }

  paceBytesPerSecond(): number {
    return this.limiter.bytesPerSecond();
  }
}
