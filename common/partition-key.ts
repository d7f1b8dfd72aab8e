// Kinesis' partition-key length rule, shared by the producer's put() checks and the shard gate.
//
// Source: the Kinesis API reference (PutRecordsRequestEntry, PutRecord): "Partition keys are Unicode
// strings with a maximum length limit of 256 characters", "Length Constraints: Minimum length of 1.
// Maximum length of 256." The API is modelled in Smithy, whose @length trait counts a string's Unicode
// scalar values (code points), not UTF-16 units: 256 emoji are a valid key (512 UTF-16 units).
// kinesis-mock (npm kinesis-local) and kinesalite count UTF-16 units instead, so they reject keys of
// more than 128 astral characters that AWS accepts (test/producer/partition-key.test.ts shows both).

export const PARTITION_KEY_MIN_CHARS = 1;
export const PARTITION_KEY_MAX_CHARS = 256;

/** Unicode characters (code points) in a partition key, as Kinesis counts them. */
export function partitionKeyLength(key: string): number {
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < key.length) {
      const d = key.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Whether Kinesis accepts `key` as a partition key (1–256 Unicode characters). */
export function isValidPartitionKeyLength(key: string): boolean {
  if (key.length === 0) return false;
  if (key.length <= PARTITION_KEY_MAX_CHARS) return true; // code points ≤ UTF-16 units
  if (key.length > 2 * PARTITION_KEY_MAX_CHARS) return false; // code points ≥ units / 2
  return partitionKeyLength(key) <= PARTITION_KEY_MAX_CHARS;
}
