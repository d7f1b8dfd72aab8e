import { UserError } from '../../common/user-error.js';

/**
 * The lake's object store. Keys are S3 keys (`events/event_type=trip/…/x.json.gz`), whether the
 * store is a folder on disk or an S3 API, so the delivery stream and verify never care which.
 */
export interface Bucket {
  /** Human-readable location, for logs and reports. */
  readonly location: string;
  /** A folder DuckDB can read the same keys from, when the store is on this machine. */
  readonly localRoot?: string;
  put(key: string, body: Uint8Array): Promise<void>;
  get(key: string): Promise<Uint8Array>;
  /** Every key starting with `prefix`, sorted. */
  list(prefix: string): Promise<string[]>;
}

/** S3's limit on a key's length, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * Refuses a key no bucket can hold, naming it: S3 caps keys at 1024 UTF-8 bytes and its XML
 * listings cannot carry NUL, and a file path cannot contain NUL either.
 */
export function checkKey(key: string): void {
  if (key.length === 0) throw new UserError('key', key, 'must not be empty');
  if (key.includes('\0')) throw new UserError('key', key, 'must not contain a NUL character');
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new UserError('key', key, `must be at most ${MAX_KEY_BYTES} bytes of UTF-8`);
}
