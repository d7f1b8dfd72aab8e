// Packs user records predicted to ONE shard into KPL aggregated records (consumers built on the
// KCL drop user records whose hash key lies outside the shard they were read from). Each record
// is written straight into the aggregate being built, with one size check; the aggregate is
// tracked as one wire record, its user records as members.
import { AggregateWriter, type SealedAggregate } from './codec.js';
import { ownedBytes } from './byte-slab.js';
import { Members, recordOf, userRecord, type Attempt, type Target, type WireRecord } from './wire-record.js';

/** The aggregated record's partition key; its ExplicitHashKey routes it (as the KPL does). */
const AGGREGATE_PARTITION_KEY = 'a';

/** What the producer keeps per partition key (one cache entry): its size, hash key and shard. */
export interface KeyEntry<Result> {
  pkBytes: number;
  hashKey: bigint;
  /** The hash key as ExplicitHashKey text, made when a first aggregate of this key needs it. */
  hashKeyText: string | undefined;
  /** The aggregator of the shard owning the hash key, as of shard map `version`. */
  aggregator: ShardAggregator<Result> | undefined;
  version: number;
  /** Index of the key in the table of aggregate `aggregateId` (the one being built), if it is there. */
  aggregateId: number;
  pkIndex: number;
}

export function keyEntry<Result>(pkBytes: number, hashKey: bigint): KeyEntry<Result> {
  return { pkBytes, hashKey, hashKeyText: undefined, aggregator: undefined, version: -1, aggregateId: 0, pkIndex: 0 };
}

let aggregates = 0;

export class ShardAggregator<Result> {
  private readonly writer: AggregateWriter;
  private readonly maxLimit: number;
  private limit: number;
  private aggregateId = ++aggregates;
  /** Explicit hash keys given by callers, indexed in the aggregate being built (rare). */
  private ehkIndex: Map<string, number> | undefined;
  private members = new Members<Result>();
  // The first user record: a lone record goes out raw, and its hash key routes the aggregate.
  private first: KeyEntry<Result> | undefined;
  private firstPartitionKey = '';
  private firstExplicitHashKey: string | undefined;
  private firstHashKey = 0n;
  private firstDataAt = 0;
  private firstDataBytes = 0;
  private userBytes = 0;
  private dataBytes = 0;
  private minSeq = Infinity;
  private minReceivedAt = Infinity;

  /**
   * @param maxBytes aggregated record size limit (data + partition key)
   * @param enabled when false every user record goes out raw
   * @param ttlMs a user record's deadline is its receive time plus this
   * @param emit takes each finished wire record; `sealed` (aggregates only) still needs its MD5
   */
  constructor(
    readonly shardId: string,
    maxBytes: number,
    private readonly enabled: boolean,
    private readonly ttlMs: number,
    private readonly emit: (record: WireRecord<Result>, sealed: SealedAggregate | undefined) => void,
  ) {
    this.limit = this.maxLimit = maxBytes - AGGREGATE_PARTITION_KEY.length;
    // Room for a whole aggregate (plus its digest), so it is never copied to grow.
    this.writer = new AggregateWriter(Math.min(maxBytes + 64, 1024 * 1024));
  }

  get count(): number {
    return this.writer.count;
  }

  /** Aggregates built from now on hold at most `bytes` (never more than `maxBytes`): the transport sizes them to the shard's pace. */
  limitTo(bytes: number): void {
    this.limit = Math.min(this.maxLimit, bytes - AGGREGATE_PARTITION_KEY.length);
  }

  /** Receive time and sequence of the oldest record waiting here. */
  get oldestReceivedAt(): number {
    return this.minReceivedAt;
  }

  get oldestSeq(): number {
    return this.minSeq;
  }

  /**
   * Adds one user record. `data` is copied into the aggregate (strings written as UTF-8), or
   * kept by reference for a raw record when `owned` (already a copy, or zeroCopy).
   */
  add(
    key: KeyEntry<Result>,
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint,
    data: Uint8Array | string,
    dataBytes: number,
    owned: boolean,
    target: Target<Result>,
    seq: number,
    receivedAt: number,
    earlier: Attempt[] | undefined,
  ): void {
    if (!this.enabled) {
      this.emitRaw(partitionKey, explicitHashKey, hashKey, ownedBytes(data, owned), key.pkBytes, target, seq, receivedAt, earlier);
      return;
    }
    const w = this.writer;
    if (!this.write(key, partitionKey, explicitHashKey, data, dataBytes)) {
      this.flush();
      if (!this.write(key, partitionKey, explicitHashKey, data, dataBytes)) {
        // Too big to aggregate even alone.
        this.emitRaw(partitionKey, explicitHashKey, hashKey, ownedBytes(data, owned), key.pkBytes, target, seq, receivedAt, earlier);
        return;
      }
    }
    if (w.count === 1) {
      this.first = key;
      this.firstPartitionKey = partitionKey;
      this.firstExplicitHashKey = explicitHashKey;
      this.firstHashKey = hashKey;
      this.firstDataAt = w.lastDataAt;
      this.firstDataBytes = dataBytes;
    }
    const members = this.members;
    members.add(target.attach(members, w.count - 1), seq, receivedAt, earlier);
    this.userBytes += dataBytes + key.pkBytes;
    this.dataBytes += dataBytes;
    if (seq < this.minSeq) this.minSeq = seq;
    if (receivedAt < this.minReceivedAt) this.minReceivedAt = receivedAt;
  }

  /** Writes the record into the aggregate being built; false when it would grow past the limit. */
  private write(key: KeyEntry<Result>, partitionKey: string, explicitHashKey: string | undefined, data: Uint8Array | string, dataBytes: number): boolean {
    const w = this.writer;
    const knownKey = key.aggregateId === this.aggregateId;
    const pkIndex = knownKey ? key.pkIndex : w.pkCount;
    let ehkIndex = -1;
    if (explicitHashKey !== undefined) ehkIndex = (this.ehkIndex ??= new Map()).get(explicitHashKey) ?? w.ehkCount;
    const newEhk = ehkIndex === w.ehkCount;
    if (!w.tryAdd(pkIndex, partitionKey, key.pkBytes, ehkIndex, explicitHashKey, data, dataBytes, this.limit)) return false;
    if (!knownKey) {
      key.aggregateId = this.aggregateId;
      key.pkIndex = pkIndex;
    }
    if (newEhk) this.ehkIndex?.set(explicitHashKey as string, ehkIndex);
    return true;
  }

  /** Emits what is buffered: raw when it holds one record, aggregated otherwise. */
  flush(): void {
    const w = this.writer;
    const count = w.count;
    if (count === 0) return;
    const members = this.members;
    const first = this.first as KeyEntry<Result>;
    if (count === 1) {
      const data = w.dataOf(this.firstDataAt, this.firstDataBytes);
      this.reset();
      // The same members: a put()'s handle already points at them. Tries it made before are now
      // the record's own attempts (not counted twice).
      const earlier = members.earlier?.[0];
      members.earlier = undefined;
      const record = recordOf(members, this.firstPartitionKey, this.firstExplicitHashKey, this.firstHashKey, data, first.pkBytes, members.firstReceivedAt + this.ttlMs, earlier);
      record.shardId = this.shardId;
      this.emit(record, undefined);
      return;
    }
    const explicitHashKey = this.firstExplicitHashKey ?? (first.hashKeyText ??= first.hashKey.toString());
    const record: WireRecord<Result> = {
      shardId: this.shardId,
      partitionKey: AGGREGATE_PARTITION_KEY,
      explicitHashKey,
      hashKey: this.firstHashKey,
      data: EMPTY,
      bytes: 0,
      aggregated: true,
      userBytes: this.userBytes,
      dataBytes: this.dataBytes,
      members,
      seq: this.minSeq,
      receivedAt: this.minReceivedAt,
      deadline: this.minReceivedAt + this.ttlMs,
      attempts: undefined,
      settled: false,
      sent: false,
      hashing: false,
      buffer: undefined,
    };
    const sealed = w.seal();
    record.data = sealed.bytes;
    record.buffer = sealed.buffer;
    record.bytes = sealed.bytes.byteLength + AGGREGATE_PARTITION_KEY.length;
    this.reset();
    this.emit(record, sealed);
  }

  private reset(): void {
    this.writer.reset();
    this.aggregateId = ++aggregates;
    this.ehkIndex?.clear();
    this.members = new Members<Result>();
    this.first = undefined;
    this.userBytes = 0;
    this.dataBytes = 0;
    this.minSeq = Infinity;
    this.minReceivedAt = Infinity;
  }

  private emitRaw(
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint,
    data: Uint8Array,
    pkBytes: number,
    target: Target<Result>,
    seq: number,
    receivedAt: number,
    earlier: Attempt[] | undefined,
  ): void {
    const record = userRecord(partitionKey, explicitHashKey, hashKey, data, pkBytes, target, seq, receivedAt, receivedAt + this.ttlMs, earlier);
    record.shardId = this.shardId;
    this.emit(record, undefined);
  }
}

const EMPTY = new Uint8Array(0);
