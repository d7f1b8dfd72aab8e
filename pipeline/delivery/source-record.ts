import type { ReadBatch } from './checkpoint-tracker.js';

/** One de-aggregated user record as read from a shard, on its way through the delivery stream. */
export interface SourceRecord {
  shardId: string;
  sequenceNumber: string;
  /** Position inside a KPL aggregated record; 0 for a raw record. */
  subsequenceNumber: number;
  partitionKey: string;
  /** ApproximateArrivalTimestamp of the Kinesis record, ms since the epoch. */
  arrivalMs: number;
  data: Uint8Array;
  /** The read this record came from; settled once the record is durably handled. */
  batch: ReadBatch;
}
