// Decides what happens to user records after a failed try: retry later (exponential backoff,
// full jitter), expire (past recordTtlMs) or fail fast (errors that retrying cannot fix).
import { recordAttempt, type PendingRecord } from './pending-record.js';
import type { Clock, Random, Scheduler } from '../common/clock.js';

export interface ErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
}

const RETRYABLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'KMSThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'NetworkingError',
  'WrongShard',
]);

// What a user should check for errors that retrying cannot fix.
const FATAL_HINTS: Record<string, string> = {
  ResourceNotFoundException: 'the stream does not exist: check the stream name, region and endpoint',
  AccessDeniedException: 'access denied: check the IAM permissions of the credentials found by the default provider chain',
  UnrecognizedClientException: 'the credentials were not recognised: check the default provider chain (profile, environment, role)',
  ExpiredTokenException: 'the credentials have expired: refresh them',
  InvalidSignatureException: 'the request signature was rejected: check the credentials and the clock',
  ValidationException: 'the request was rejected as invalid',
  InvalidArgumentException: 'the request was rejected as invalid',
  KMSAccessDeniedException: 'the stream encryption key cannot be used: check KMS permissions',
  KMSDisabledException: 'the stream encryption key is disabled',
  KMSInvalidStateException: 'the stream encryption key is in an invalid state',
  KMSNotFoundException: 'the stream encryption key was not found',
  KMSOptInRequired: 'the account is not subscribed to KMS',
};

/** Per-record errors of PutRecords / PutRecordBatch that may succeed on a later try. */
export function isRetryableCode(code: string): boolean {
  return RETRYABLE_CODES.has(code);
}

/** Describes an error a user can act on, for the per-record error codes of a response. */
export function describeCode(code: string, awsMessage: string | undefined): ErrorInfo {
  const retryable = isRetryableCode(code);
  const hint = FATAL_HINTS[code];
  const message = hint === undefined ? `${code}: ${awsMessage ?? 'no message'}` : `${code}: ${hint} (${awsMessage ?? 'no message'})`;
  return { code, message, retryable };
}

/** Classifies a whole-request failure (thrown by `client.send`). */
export function classifyRequestError(error: unknown): ErrorInfo {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  let code = e.code !== undefined && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  if ((code === 'Error' || code === 'UnknownError') && status !== undefined) code = `Http${status}`;
  const info = describeCode(code, e.message);
  if (code in FATAL_HINTS) return info;
  // Unknown codes: server errors, throttling, SDK-flagged and network-level failures retry;
  // other 4xx responses would fail the same way again.
  const retryable =
    info.retryable || e.$retryable !== undefined || status === undefined || status >= 500 || status === 429;
  return { ...info, retryable };
}

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
  retry(records: PendingRecord<R>[]): void;
  /** A record that will not be tried again. */
  fail(record: PendingRecord<R>, code: string, message: string, retryable: boolean): void;
}

export class Retrier<R> {
  private readonly timers = new Set<unknown>();

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
  failed(records: readonly PendingRecord<R>[], error: ErrorInfo): void {
    const now = this.options.clock.now();
    const survivors: PendingRecord<R>[] = [];
    let attempt = 0;
    for (const record of records) {
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
    const live: PendingRecord<R>[] = [];
    for (const record of survivors) {
      if (now + delay >= record.deadline) this.expire(record);
      else live.push(record);
    }
    if (live.length === 0) return;
    const handle = this.options.scheduler.setTimeout(() => {
      this.timers.delete(handle);
      this.callbacks.retry(live);
    }, delay);
    this.timers.add(handle);
  }

  /** Fails a record whose TTL has passed, with its last error. */
  expire(record: PendingRecord<R>): void {
    const tries = record.attempts?.length ?? 0;
    const lastError = record.attempts?.at(-1);
    const last = lastError === undefined ? 'never sent: it waited in the buffer or rate limiter' : `last error ${lastError.message}`;
    this.callbacks.fail(record, 'UserRecordExpired', `record expired after ${tries} attempt(s) (recordTtlMs reached); ${last}`, true);
  }

  get pendingRetries(): number {
    return this.timers.size;
  }
}

/** Failed records of one response grouped by error code, so each code is retried as one group. */
export class FailureGroups<R> {
  private readonly groups = new Map<string, { info: ErrorInfo; records: PendingRecord<R>[] }>();

  add(code: string, describe: () => ErrorInfo, records: readonly PendingRecord<R>[]): void {
    let group = this.groups.get(code);
    if (group === undefined) this.groups.set(code, (group = { info: describe(), records: [] }));
    for (const r of records) group.records.push(r);
  }

  forEach(handle: (records: PendingRecord<R>[], info: ErrorInfo) => void): void {
    for (const { info, records } of this.groups.values()) handle(records, info);
  }
}
