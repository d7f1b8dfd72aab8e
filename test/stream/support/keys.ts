import { hashKeyOf } from '../../../producer/hash-key.js';

/** `count` partition keys whose hash keys fall in [start, end] (found by counting up, deterministic). */
export function keysInRange(prefix: string, start: bigint, end: bigint, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    const key = `${prefix}-${i}`;
    const hash = hashKeyOf(key);
    if (hash >= start && hash <= end) keys.push(key);
  }
  return keys;
}
