// Decides what happens to user records after a failed try: retry later (exponential backoff,
// full jitter), expire (past recordTtlMs) or fail fast (errors that retrying cannot fix, as
// common/aws-errors.ts classifies them).
import type { ErrorInfo } from '../common/aws-errors.js';
import type { Clock, Random, Scheduler } from '../common/clock.js';
import { recordAttempt, type WireRecord } from './wire-record.js';

export interface RetrierOptions {
  clock: Clock;
  scheduler: Scheduler;
  random: Random;
  /** First backoff ceiling; doubles per attempt. Default 100 ms. */
  baseBackoffMs?: number;
  /** Backoff ceiling. Default 5 000 ms. */
  maxBackoffMs?: number;
}

export interface RetrierCallbacks<R> {
  /** Records whose backoff has passed, to be sent again. */
  retry(records: WireRecord<R>[]): void;
  /** A record that will not be tried again. */
  fail(record: WireRecord<R>, code: string, message: string, retryable: boolean): void;
  /** The user records of a record holding several, each on its own (with every attempt it made). */
  split(record: WireRecord<R>): WireRecord<R>[];
}

export class Retrier<R> {
  constructor(
    private readonly options: RetrierOptions,
    private readonly callbacks: RetrierCallbacks<R>,
  ) {}

  /** Full-jitter exponential backoff for the n-th failed attempt (1-based). */
  backoffMs(attempt: number): number {
    const ceiling = Math.min(this.options.maxBackoffMs ?? 5_000, (this.options.baseBackoffMs ?? 100) * 2 ** Math.min(attempt - 1, 30));
    return Math.floor(this.options.random() * ceiling);
  }

  /** Records that just failed one try with `error`: each retried, expired or failed, exactly once. */
  failed(records: readonly WireRecord<R>[], error: ErrorInfo): void {
    const now = this.options.clock.now();
    const survivors: WireRecord<R>[] = [];
    let attempt = 0;
    for (const record of records) {
      if (record.settled) continue;
      recordAttempt(record, { at: now, code: error.code, message: error.message });
      if (!error.retryable) {
        this.callbacks.fail(record, error.code, error.message, false);
        continue;
      }
      survivors.push(record);
      attempt = Math.max(attempt, record.attempts?.length ?? 1);
    }
    if (survivors.length === 0) return;
    const delay = this.backoffMs(attempt);
    const live: WireRecord<R>[] = [];
    for (const record of survivors) {
      if (now + delay < record.deadline) live.push(record);
      else if (record.members.length === 1) this.expire(record);
      // Only some of the user records inside may be that old: the others go on alone.
      else {
        for (const part of this.callbacks.split(record)) {
          if (now + delay < part.deadline) live.push(part);
          else this.expire(part);
        }
      }
    }
    if (live.length === 0) return;
    this.options.scheduler.setTimeout(() => this.callbacks.retry(live), delay);
  }

  /** Fails the user records of a record whose TTL has passed, with their last error. */
  expire(record: WireRecord<R>): void {
    if (record.members.length > 1) {
      for (const part of this.callbacks.split(record)) this.expire(part);
      return;
    }
    const tries = record.attempts?.length ?? 0;
    const lastError = record.attempts?.at(-1);
    const last = lastError === undefined ? 'never sent: it waited in the buffer or rate limiter' : `last error ${lastError.message}`;
    this.callbacks.fail(record, 'UserRecordExpired', `record expired after ${tries} attempt(s) (recordTtlMs reached); ${last}`, true);
  }
}

/** Failed records of one response grouped by error code, so each code is retried as one group. */
export class FailureGroups<R> {
  private readonly groups = new Map<string, { info: ErrorInfo; records: WireRecord<R>[] }>();

  add(info: ErrorInfo, record: WireRecord<R>): void {
    let group = this.groups.get(info.code);
    if (group === undefined) this.groups.set(info.code, (group = { info, records: [] }));
    group.records.push(record);
  }

  forEach(handle: (records: WireRecord<R>[], info: ErrorInfo) => void): void {
    for (const { info, records } of this.groups.values()) handle(records, info);
  }
}
