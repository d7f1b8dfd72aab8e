// Packs user records predicted to ONE shard into KPL aggregated records (consumers built on the
// KCL drop user records whose hash key lies outside the shard they were read from).
import { AggregatedRecordBuilder } from './codec.js';
import type { PendingRecord } from './pending-record.js';

/** One record of a PutRecords request, with the user records it carries. */
export interface KinesisRecord<Result> {
  shardId: string;
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
  /** Data plus UTF-8 partition key: what Kinesis meters and what PutRecords' 5 MiB counts. */
  bytes: number;
  aggregated: boolean;
  records: PendingRecord<Result>[];
  /** Earliest deadline, first receive time and lowest receive sequence of the records inside. */
  deadline: number;
  receivedAt: number;
  seq: number;
  /** Set once it has been in a request (buffering time is measured to the first send). */
  sent: boolean;
}

/** The aggregated record's partition key; its ExplicitHashKey routes it (as the KPL does). */
const AGGREGATE_PARTITION_KEY = 'a';

export class ShardAggregator<Result> {
  private readonly builder = new AggregatedRecordBuilder();
  private records: PendingRecord<Result>[] = [];

  /**
   * @param maxBytes aggregated record size limit (data + partition key)
   * @param enabled when false every user record goes out raw
   */
  constructor(
    readonly shardId: string,
    private readonly maxBytes: number,
    private readonly enabled: boolean,
    private readonly emit: (record: KinesisRecord<Result>) => void,
  ) {}

  get count(): number {
    return this.records.length;
  }

  /** Receive time and sequence of the oldest record waiting here (first added). */
  get oldestReceivedAt(): number {
    return this.records.length === 0 ? Infinity : this.records[0].receivedAt;
  }

  get oldestSeq(): number {
    return this.records.length === 0 ? Infinity : this.records[0].seq;
  }

  add(record: PendingRecord<Result>): void {
    if (!this.enabled) {
      this.emit(raw(this.shardId, record));
      return;
    }
    const { partitionKey, explicitHashKey, data, pkBytes } = record;
    const limit = this.maxBytes - AGGREGATE_PARTITION_KEY.length;
    if (!this.builder.tryAdd(partitionKey, explicitHashKey, data, pkBytes, limit)) {
      this.flush();
      if (!this.builder.tryAdd(partitionKey, explicitHashKey, data, pkBytes, limit)) {
        this.emit(raw(this.shardId, record)); // too big to aggregate even alone
        return;
      }
    }
    this.records.push(record);
  }

  /** Emits what is buffered: raw when it holds one record, aggregated otherwise. */
  flush(): void {
    const records = this.records;
    if (records.length === 0) return;
    this.records = [];
    if (records.length === 1) {
      this.builder.reset();
      this.emit(raw(this.shardId, records[0]));
      return;
    }
    const data = this.builder.finish();
    let deadline = Infinity;
    let seq = Infinity;
    for (const r of records) {
      if (r.deadline < deadline) deadline = r.deadline;
      if (r.seq < seq) seq = r.seq;
    }
    this.emit({
      shardId: this.shardId,
      partitionKey: AGGREGATE_PARTITION_KEY,
      explicitHashKey: String(records[0].hashKey),
      data,
      bytes: data.byteLength + AGGREGATE_PARTITION_KEY.length,
      aggregated: true,
      records,
      deadline,
      receivedAt: records[0].receivedAt,
      seq,
      sent: false,
    });
  }
}

function raw<Result>(shardId: string, record: PendingRecord<Result>): KinesisRecord<Result> {
  return {
    shardId,
    partitionKey: record.partitionKey,
    explicitHashKey: record.explicitHashKey,
    data: record.data,
    bytes: record.bytes,
    aggregated: false,
    records: [record],
    deadline: record.deadline,
    receivedAt: record.receivedAt,
    seq: record.seq,
    sent: false,
  };
}
