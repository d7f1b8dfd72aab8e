import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import { failedRecord } from './failure-reason.js';

/** Lambda's synchronous response limit, which Firehose inherits: 6 MB. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;

const ENVELOPE_BYTES = Buffer.byteLength('{"records":[]}');
// A size-refused entry is `{"recordId":…,"result":"ProcessingFailed","data":""}`.
const REFUSED_FIXED_BYTES = Buffer.byteLength('{"recordId":,"result":"ProcessingFailed","data":""}');

function sizeOf(record: FirehoseTransformationResultRecord): number {
  return Buffer.byteLength(JSON.stringify(record));
}

/**
 * Keeps the serialized response within `maxBytes`. A response over the limit fails the whole
 * invocation on AWS (every record retried, then failed), so instead the records that do not fit
 * become `ProcessingFailed` with reason `ResponseSizeExceeded` and empty data (Firehose keeps
 * the original bytes for the error output). Earlier records win, and a later smaller one may
 * still fill what is left; room is always kept for the small failure entries of the records
 * still to come, so the result never exceeds the limit.
 */
export function fitResponse(records: FirehoseTransformationResultRecord[], maxBytes = MAX_RESPONSE_BYTES): FirehoseTransformationResultRecord[] {
  const overflowSizes = records.map((record) => REFUSED_FIXED_BYTES + Buffer.byteLength(JSON.stringify(record.recordId)) + 1);
  // Bytes needed by the failure entries of records i.. onwards, commas included.
  const reserve = new Array<number>(records.length + 1).fill(0);
  for (let i = records.length - 1; i >= 0; i--) reserve[i] = reserve[i + 1] + overflowSizes[i];

  let used = ENVELOPE_BYTES;
  return records.map((record, i) => {
    const full = sizeOf(record) + 1;
    if (used + full + reserve[i + 1] <= maxBytes) {
      used += full;
      return record;
    }
    used += overflowSizes[i];
    return tooLarge(record.recordId, maxBytes);
  });
}

function tooLarge(recordId: string, maxBytes: number): FirehoseTransformationResultRecord {
  return failedRecord(recordId, '', {
    errorCode: 'ResponseSizeExceeded',
    errorMessage: `response: the transformed batch exceeds the ${maxBytes}-byte Lambda response limit; record ${recordId} did not fit`,
  });
}
