import type { ProducerError } from './producer-error.js';
import type { PutManyTally } from './pipeline.js';

/** One failed try of a user record: when, the AWS (or local) error code and its message. */
export interface Attempt {
  at: number;
  code: string;
  message: string;
}

/** A user record from `put()` until it settles; owned by exactly one stage at a time. */
export interface PendingRecord<Result> {
  partitionKey: string;
  explicitHashKey: string | undefined;
  data: Uint8Array;
  /** Bytes counted against limits and buffers: data plus UTF-8 partition key. */
  bytes: number;
  pkBytes: number;
  /** Receive order, used by flush() to know which records it must wait for. */
  seq: number;
  receivedAt: number;
  deadline: number;
  /** Failed tries so far; allocated on the first failure only (hot path). */
  attempts: Attempt[] | undefined;
  /** Hash key (explicit, or MD5 once predicted); Kinesis only. */
  hashKey: bigint | undefined;
  /** Set when it settles: a record settles once, whichever path reaches it first. */
  settled: boolean;
  /** How a put() settles; unused for the records of a putMany() call, which report to `tally`. */
  resolve: (result: Result) => void;
  reject: (error: ProducerError) => void;
  tally: PutManyTally | undefined;
}

export function recordAttempt<R>(record: PendingRecord<R>, attempt: Attempt): void {
  (record.attempts ??= []).push(attempt);
}
