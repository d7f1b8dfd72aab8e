// One classification of AWS (and network) errors for every sender: throttle, retryable or fatal.
// A throttle is retryable and also tells a limiter to slow down.

export type ErrorKind = 'throttle' | 'retryable' | 'fatal';

export interface ErrorInfo {
  code: string;
  message: string;
  kind: ErrorKind;
  retryable: boolean;
}

// Kinesis: ProvisionedThroughputExceeded per record, LimitExceeded/Throttling for control calls;
// Firehose: ServiceUnavailableException per record and per request ("slow down").
const THROTTLE_CODES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'KMSThrottlingException',
  'ServiceUnavailableException',
  'SlowDown',
  'Http429',
]);

const RETRYABLE_CODES = new Set([
  'InternalFailure',
  'InternalFailureException',
  'InternalServerError',
  'ServiceUnavailable',
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

/** Whether an error code means "slow down". */
export function isThrottle(code: string): boolean {
  return THROTTLE_CODES.has(code);
}

function kindOfCode(code: string): ErrorKind {
  if (THROTTLE_CODES.has(code)) return 'throttle';
  return RETRYABLE_CODES.has(code) ? 'retryable' : 'fatal';
}

function info(code: string, message: string, kind: ErrorKind): ErrorInfo {
  return { code, message, kind, retryable: kind !== 'fatal' };
}

/** Classifies a per-record error code of a response (PutRecords, PutRecordBatch), with a message a user can act on. */
export function classifyCode(code: string, awsMessage: string | undefined): ErrorInfo {
  const hint = FATAL_HINTS[code];
  const message = hint === undefined ? `${code}: ${awsMessage ?? 'no message'}` : `${code}: ${hint} (${awsMessage ?? 'no message'})`;
  return info(code, message, kindOfCode(code));
}

/** Classifies a whole-request failure (thrown by `client.send`). */
export function classifyRequestError(error: unknown): ErrorInfo {
  const e = (error ?? {}) as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: { throttling?: boolean } };
  const status = e.$metadata?.httpStatusCode;
  let code = e.code !== undefined && /^E[A-Z]+$/.test(e.code) ? e.code : (e.name ?? 'Error');
  if ((code === 'Error' || code === 'UnknownError') && status !== undefined) code = `Http${status}`;
  const described = classifyCode(code, e.message);
  if (code in FATAL_HINTS || described.kind !== 'fatal') return described;
  // Unknown codes: throttling, server errors, SDK-flagged and network-level failures retry;
  // other 4xx responses would fail the same way again.
  if (status === 429 || e.$retryable?.throttling === true) return { ...described, kind: 'throttle', retryable: true };
  if (e.$retryable !== undefined || status === undefined || status >= 500) return { ...described, kind: 'retryable', retryable: true };
  return described;
}
