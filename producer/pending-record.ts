import type { ProducerError } from './producer-error.js';

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
  resolve: (result: Result) => void;
  reject: (error: ProducerError) => void;
}

export function recordAttempt<R>(record: PendingRecord<R>, attempt: Attempt): void {
  (record.attempts ??= []).push(attempt);
}
