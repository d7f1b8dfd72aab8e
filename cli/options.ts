import { InvalidArgumentError } from 'commander';

/** Commander argument parsers that reject bad values with a message naming the value. */

/** `Number()` reads "" and "  " as 0; a flag given an empty value is a mistake, not zero. */
function toNumber(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value);
}

export function positiveInt(value: string): number {
  const n = toNumber(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return n;
}

export function probability(value: string): number {
  const n = toNumber(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`expected a probability in [0, 1], got "${value}"`);
  return n;
}

export function positiveNumber(value: string): number {
  const n = nonNegativeNumber(value);
  if (n === 0) throw new InvalidArgumentError(`expected a number > 0, got "${value}"`);
  return n;
}

export function integer(value: string): number {
  const n = toNumber(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

/** RNG seeds are 32-bit: a larger value would silently wrap onto another seed (2^32 → 0). */
export const MAX_SEED = 2 ** 32 - 1;

export function seed(value: string): number {
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_SEED) throw new InvalidArgumentError(`expected an integer seed 0–${MAX_SEED}, got "${value}"`);
  return n;
}

export function port(value: string): number {
  const n = toNumber(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0–65535, got "${value}"`);
  return n;
}
