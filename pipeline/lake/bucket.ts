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
