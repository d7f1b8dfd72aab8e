// Checks a put() before anything is enqueued; a violation names the field and the value.
import { UserError } from '../common/user-error.js';
import { parseExplicitHashKey } from './hash-key.js';
import { utf8Size } from './codec.js';

export const MiB = 1024 * 1024;
/** Largest record limit a stream can be raised to. */
export const MAX_RECORD_LIMIT = 10 * MiB;

export interface PutInput {
  partitionKey: string;
  data: Uint8Array | string;
  explicitHashKey?: string;
}

export interface ValidPut {
  partitionKey: string;
  pkBytes: number;
  data: Uint8Array;
  explicitHashKey: string | undefined;
  explicitHashKeyValue: bigint | undefined;
}

const encoder = new TextEncoder();

/** Turns string data into UTF-8 bytes and checks it against the record limit. */
export function toBytes(data: unknown, field = 'data'): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (typeof data === 'string') return encoder.encode(data);
  throw new UserError(field, data, 'must be a Uint8Array or a string');
}

/** Unicode characters (code points), as Kinesis counts partition key length. */
function codePoints(text: string): number {
  if (text.length <= 256) return text.length; // fast path: never above the limit
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function validatePut(input: PutInput, maxRecordBytes: number): ValidPut {
  if (input === null || typeof input !== 'object') throw new UserError('record', input, 'must be an object { partitionKey, data, explicitHashKey? }');
  const { partitionKey, explicitHashKey } = input;
  if (typeof partitionKey !== 'string') throw new UserError('partitionKey', partitionKey, 'must be a string of 1-256 characters');
  const chars = partitionKey.length === 0 ? 0 : codePoints(partitionKey);
  if (chars < 1 || chars > 256) throw new UserError('partitionKey', partitionKey, `must be 1-256 Unicode characters, has ${chars}`);
  const data = toBytes(input.data);
  const pkBytes = utf8Size(partitionKey);
  if (data.byteLength + pkBytes > maxRecordBytes) {
    throw new UserError('data', data, `data plus partition key is ${data.byteLength + pkBytes} bytes, over the record limit of ${maxRecordBytes} bytes`);
  }
  let explicitHashKeyValue: bigint | undefined;
  if (explicitHashKey !== undefined) {
    explicitHashKeyValue = typeof explicitHashKey === 'string' ? parseExplicitHashKey(explicitHashKey) : undefined;
    if (explicitHashKeyValue === undefined) {
      throw new UserError('explicitHashKey', explicitHashKey, 'must be a decimal integer in 0..2^128-1 (340282366920938463463374607431768211455)');
    }
  }
  return { partitionKey, pkBytes, data, explicitHashKey, explicitHashKeyValue };
}

/** Checks a configured record limit: 1 MiB by default, at most 10 MiB. */
export function checkRecordLimit(maxRecordBytes: number, field = 'maxRecordBytes'): number {
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_LIMIT) {
    throw new UserError(field, maxRecordBytes, `must be an integer from 1 to ${MAX_RECORD_LIMIT} (10 MiB)`);
  }
  return maxRecordBytes;
}

/** A numeric option that must be positive (and at most `max`); names the option otherwise. */
export function checkPositive(value: number | undefined, fallback: number, field: string, max = Infinity): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new UserError(field, value, `must be a positive number${max < Infinity ? ` up to ${max}` : ''}`);
  }
  return v;
}
