// Checks a put() before anything is enqueued; a violation names the field and the value.
import { copyBytes } from './byte-slab.js';
import { InvalidArgumentError } from './invalid-argument-error.js';
import { parseExplicitHashKey } from '../common/hash-key.js';
import { PARTITION_KEY_MAX_CHARS, isValidPartitionKeyLength, partitionKeyLength } from '../common/partition-key.js';
import { utf8Size } from './codec.js';

export const MiB = 1024 * 1024;
/** Largest record limit a stream can be raised to. */
export const MAX_RECORD_LIMIT = 10 * MiB;

export interface PutInput {
  partitionKey: string;
  data: Uint8Array | string;
  explicitHashKey?: string;
}

const encoder = new TextEncoder();

/**
 * Turns string data into UTF-8 bytes. Bytes are copied unless `zeroCopy`: a caller may reuse its
 * buffer as soon as put() returns (the KPL copies too).
 */
export function toBytes(data: unknown, zeroCopy: boolean, field = 'data'): Uint8Array {
  if (data instanceof Uint8Array) return zeroCopy ? data : copyBytes(data);
  if (typeof data === 'string') return encoder.encode(data);
  throw new InvalidArgumentError(field, data, 'must be a Uint8Array or a string');
}

// put() validation comes as three checks returning plain values, so a valid put allocates nothing here.

/** Checks a put() argument is an object. */
export function checkPutInput(input: unknown): void {
  if (input === null || typeof input !== 'object') throw new InvalidArgumentError('record', input, 'must be an object { partitionKey, data, explicitHashKey? }');
}

/** Checks a partition key (1-256 Unicode characters); returns its UTF-8 size. */
export function checkPartitionKey(partitionKey: unknown): number {
  if (typeof partitionKey !== 'string') throw new InvalidArgumentError('partitionKey', partitionKey, 'must be a string of 1-256 characters');
  if (!isValidPartitionKeyLength(partitionKey)) {
    throw new InvalidArgumentError('partitionKey', partitionKey, `must be 1-${PARTITION_KEY_MAX_CHARS} Unicode characters, has ${partitionKeyLength(partitionKey)}`);
  }
  return utf8Size(partitionKey);
}

/**
 * Checks data (bytes or a string, sent as UTF-8) plus key against the record limit; returns the
 * data's size in bytes. Nothing is copied here: the producer writes the data where it is sent.
 */
export function checkData(data: unknown, pkBytes: number, maxRecordBytes: number): number {
  let bytes: number;
  if (data instanceof Uint8Array) bytes = data.byteLength;
  else if (typeof data === 'string') bytes = utf8Size(data);
  else throw new InvalidArgumentError('data', data, 'must be a Uint8Array or a string');
  if (bytes + pkBytes > maxRecordBytes) {
    throw new InvalidArgumentError('data', toBytes(data, true), `data plus partition key is ${bytes + pkBytes} bytes, over the record limit of ${maxRecordBytes} bytes`);
  }
  return bytes;
}

/** Parses an optional explicit hash key (decimal, 0..2^128-1). */
export function checkExplicitHashKey(explicitHashKey: unknown): bigint | undefined {
  if (explicitHashKey === undefined) return undefined;
  const value = typeof explicitHashKey === 'string' ? parseExplicitHashKey(explicitHashKey) : undefined;
  if (value === undefined) {
    throw new InvalidArgumentError('explicitHashKey', explicitHashKey, 'must be a decimal integer in 0..2^128-1 (340282366920938463463374607431768211455)');
  }
  return value;
}

/** Checks a configured record limit: 1 MiB by default, at most 10 MiB. */
export function checkRecordLimit(maxRecordBytes: number, field = 'maxRecordBytes'): number {
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < 1 || maxRecordBytes > MAX_RECORD_LIMIT) {
    throw new InvalidArgumentError(field, maxRecordBytes, `must be an integer from 1 to ${MAX_RECORD_LIMIT} (10 MiB)`);
  }
  return maxRecordBytes;
}

/** A numeric option that must be positive (and at most `max`); names the option otherwise. */
export function checkPositive(value: number | undefined, fallback: number, field: string, max = Infinity): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > max) {
    throw new InvalidArgumentError(field, value, `must be a positive number${max < Infinity ? ` up to ${max}` : ''}`);
  }
  return v;
}
