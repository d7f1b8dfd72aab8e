import { createHash } from 'node:crypto';

export const MAX_HASH_KEY = (1n << 128n) - 1n;

/** Kinesis hash key: MD5 of the UTF-8 partition key, read as an unsigned 128-bit big-endian integer. */
export function hashKeyOf(partitionKey: string): bigint {
  const digest = createHash('md5').update(partitionKey, 'utf8').digest();
  return (digest.readBigUInt64BE(0) << 64n) | digest.readBigUInt64BE(8);
}

/** Parses an ExplicitHashKey decimal string; returns undefined when it is not an integer in 0..2^128-1. */
export function parseExplicitHashKey(text: string): bigint | undefined {
  if (!/^[0-9]{1,39}$/.test(text)) return undefined;
  const value = BigInt(text);
  return value <= MAX_HASH_KEY ? value : undefined;
}
