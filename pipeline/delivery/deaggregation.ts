import type { _Record } from '@aws-sdk/client-kinesis';
import { AggregatedRecordError, deaggregate } from '../../producer/codec.js';
import type { ReadBatch } from './checkpoint-tracker.js';
import type { SourceRecord } from './source-record.js';

/**
 * Appends the user records inside one Kinesis record to `out` (KPL aggregated records are
 * unpacked and numbered by subsequence) and returns how many. A corrupt aggregated record is
 * returned whole, with its error, so it can go to the error output instead of stopping the shard.
 */
export function userRecordsOf(
  shardId: string,
  record: _Record,
  batch: ReadBatch,
  out: SourceRecord[],
): { corrupt?: { record: SourceRecord; error: AggregatedRecordError } } {
  const sequenceNumber = record.SequenceNumber!;
  const arrivalMs = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
  const data = record.Data ?? new Uint8Array();
  let users;
  try {
    users = deaggregate(data, record.PartitionKey!);
  } catch (err) {
    if (!(err instanceof AggregatedRecordError)) throw err;
    return { corrupt: { record: { shardId, sequenceNumber, subsequenceNumber: 0, partitionKey: record.PartitionKey!, arrivalMs, data, batch }, error: err } };
  }
  for (let i = 0; i < users.length; i++) {
    out.push({ shardId, sequenceNumber, subsequenceNumber: i, partitionKey: users[i].partitionKey, arrivalMs, data: users[i].data, batch });
  }
  return {};
}
