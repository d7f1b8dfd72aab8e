import type { _Record } from '@aws-sdk/client-kinesis';
import { AggregatedRecordError, deaggregate } from '../../producer/codec.js';
import type { ReadBatch } from './checkpoint-tracker.js';
import type { SourceRecord } from './source-record.js';

export type UnsettledRecord = Omit<SourceRecord, 'batch'>;

/**
 * The user records inside one Kinesis record (KPL aggregated records are unpacked, numbered by
 * subsequence). A corrupt aggregated record comes back whole as `corrupt` so it can go to the
 * error output instead of stopping the shard.
 */
export function userRecordsOf(shardId: string, record: _Record): { records: UnsettledRecord[]; corrupt?: { record: UnsettledRecord; error: AggregatedRecordError } } {
  const base = {
    shardId,
    sequenceNumber: record.SequenceNumber!,
    partitionKey: record.PartitionKey!,
    arrivalMs: record.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
  };
  const data = record.Data ?? new Uint8Array();
  try {
    return {
      records: deaggregate(data, base.partitionKey).map((user, i) => ({ ...base, partitionKey: user.partitionKey, subsequenceNumber: i, data: user.data })),
    };
  } catch (err) {
    if (!(err instanceof AggregatedRecordError)) throw err;
    return { records: [], corrupt: { record: { ...base, subsequenceNumber: 0, data }, error: err } };
  }
}

/** Binds records to the read they came from, so they can settle it. */
export function bindToBatch(records: UnsettledRecord[], batch: ReadBatch): SourceRecord[] {
  return records.map((r) => ({ ...r, batch }));
}
