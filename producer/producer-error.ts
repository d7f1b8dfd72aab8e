import type { Attempt } from './wire-record.js';

/** Codes the producer itself gives, next to AWS error codes. */
export type ProducerErrorCode =
  | 'UserRecordExpired'
  | 'BufferFull'
  | 'Closed'
  | 'WrongShard'
  | 'RequestTimeout'
  | (string & {});

/**
 * Why a `put()` failed, with the record itself, the last error code and every attempt made.
 * `retryable` says whether trying later could succeed (e.g. expiry after throttling) or not
 * (e.g. the stream does not exist).
 */
export class ProducerError extends Error {
  readonly code: ProducerErrorCode;
  readonly record: { partitionKey?: string; explicitHashKey?: string; data: Uint8Array };
  readonly attempts: Attempt[];
  readonly retryable: boolean;

  constructor(
    code: ProducerErrorCode,
    message: string,
    record: { partitionKey?: string; explicitHashKey?: string; data: Uint8Array },
    attempts: Attempt[] = [],
    retryable = false,
  ) {
    super(message);
    this.name = 'ProducerError';
    this.code = code;
    this.record = record;
    this.attempts = attempts;
    this.retryable = retryable;
  }
}
