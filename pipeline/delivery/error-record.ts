import type { FailedRecord } from './lambda-invoker.js';

/** The JSON Firehose writes to the error prefix for each failed record (one per line). */
export interface ErrorRecordJson {
  attemptsMade: number;
  arrivalTimestamp: number;
  errorCode: string;
  errorMessage: string;
  attemptEndingTimestamp: number;
  /** The record as read from the stream (after de-aggregation), base64. */
  rawData: string;
  lambdaArn: string;
}

export function errorRecordJson(failed: FailedRecord, lambdaArn: string): ErrorRecordJson {
  const { data } = failed.source;
  return {
    attemptsMade: failed.attemptsMade,
    arrivalTimestamp: failed.source.arrivalMs,
    errorCode: failed.errorCode,
    errorMessage: failed.errorMessage,
    attemptEndingTimestamp: failed.attemptEndingMs,
    rawData: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    lambdaArn,
  };
}
