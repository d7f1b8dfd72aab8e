import type { FirehoseTransformationResultRecord } from 'aws-lambda';

export interface FailureReason {
  errorCode: string;
  errorMessage: string;
}

// Firehose's response record has no field for a reason, and unknown fields risk an
// invalid-output error on AWS. So the reason rides beside the record object, visible to an
// in-process caller (the local delivery stream) and invisible on the wire.
const reasons = new WeakMap<FirehoseTransformationResultRecord, FailureReason>();

/** A `ProcessingFailed` response record that remembers why it failed. */
export function failedRecord(recordId: string, data: string, reason: FailureReason): FirehoseTransformationResultRecord {
  const record: FirehoseTransformationResultRecord = { recordId, result: 'ProcessingFailed', data };
  reasons.set(record, { errorCode: reason.errorCode, errorMessage: reason.errorMessage });
  return record;
}

/**
 * Why our handler marked this response record `ProcessingFailed`, or undefined for records
 * it did not fail (or that came from another handler, or went through JSON serialization).
 */
export function failureReason(record: FirehoseTransformationResultRecord): FailureReason | undefined {
  return reasons.get(record);
}

/** The reason given to a record whose handling threw: a bug, reported on that record alone. */
export function unexpectedFailure(error: unknown): FailureReason {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { errorCode: 'UnexpectedError', errorMessage: `transform: unexpected error (${message.slice(0, 200)})` };
}
