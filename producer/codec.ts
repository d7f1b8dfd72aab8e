// The KPL aggregated record format: magic F3 89 9A C2, a protobuf AggregatedRecord, then the
// MD5 of the protobuf bytes. Hand-written protobuf so the producer carries no protobuf library.
import { hash } from 'node:crypto';

export const AGGREGATED_MAGIC = Uint8Array.of(0xf3, 0x89, 0x9a, 0xc2);
const MAGIC_BYTES = 4;
const DIGEST_BYTES = 16;
/** Bytes an aggregated record adds around its protobuf body (magic + MD5). */
export const AGGREGATION_FRAME_BYTES = MAGIC_BYTES + DIGEST_BYTES;

// Field keys: (field number << 3) | wire type 2 (length-delimited), or 0 (varint).
const KEY_PK_TABLE = 0x0a; // AggregatedRecord.partition_key_table = 1
const KEY_EHK_TABLE = 0x12; // AggregatedRecord.explicit_hash_key_table = 2
const KEY_RECORD = 0x1a; // AggregatedRecord.records = 3
const KEY_PK_INDEX = 0x08; // Record.partition_key_index = 1
const KEY_EHK_INDEX = 0x10; // Record.explicit_hash_key_index = 2
const KEY_DATA = 0x1a; // Record.data = 3

export interface UserRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Uint8Array;
}

export type AggregatedRecordProblem = 'bad-magic' | 'bad-md5' | 'truncated' | 'invalid-protobuf';

/** Corrupt aggregated bytes; `problem` says which check failed. */
export class AggregatedRecordError extends Error {
  readonly problem: AggregatedRecordProblem;
  constructor(problem: AggregatedRecordProblem, detail: string) {
    super(`aggregated record: ${detail}`);
    this.name = 'AggregatedRecordError';
    this.problem = problem;
  }
}

/** Bytes a non-negative integer takes as a protobuf varint. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  let size = 5;
  for (let v = Math.floor(value / 2 ** 35); v > 0; v = Math.floor(v / 128)) size++;
  return size;
}

/** Exact UTF-8 byte length (Kinesis sizes keys in UTF-8, not UTF-16 code units). */
export function utf8Size(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Size of one length-delimited field (key + length + payload). */
function fieldSize(payloadBytes: number): number {
  return 1 + varintSize(payloadBytes) + payloadBytes;
}

/** Writes a protobuf varint at `pos`; returns the position after it. */
function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  // Sizes and indexes fit in 31 bits: bit operations, not float division, on the hot path.
  if (value <= 0x7fffffff) {
    let v = value | 0;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (value >= 0x80) {
    buf[pos++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  buf[pos++] = value;
  return pos;
}

// Aggregate buffers are cut from 1 MiB slabs: one ArrayBuffer per ~18 aggregates instead of one
// each (a SharedArrayBuffer costs ~10 µs to make). A slab lives while any record cut from it does.
const SLAB_BYTES = 1024 * 1024;
const slabs: Record<'plain' | 'shared', { buf: Buffer; at: number }> = { plain: { buf: Buffer.alloc(0), at: 0 }, shared: { buf: Buffer.alloc(0), at: 0 } };

// Whole buffers of acknowledged aggregates, by kind and size, that new aggregates are written
// into (reuseAggregateBuffer()): memory already mapped and in cache. A fresh buffer costs a page
// fault per 4 KiB written, about a fifth of what writing and hashing an aggregate costs, and its
// churn fragments malloc's heap (RSS). Bounded, so an idle producer holds little.
const SPARE_MAX_BYTES = 4 * 1024 * 1024;
const spares: Record<'plain' | 'shared', { bytes: number; bySize: Map<number, Buffer[]> }> = {
  plain: { bytes: 0, bySize: new Map() },
  shared: { bytes: 0, bySize: new Map() },
};

/**
 * Hands the whole buffer of an aggregate back for new aggregates. Only once nothing reads its
 * bytes any more: the aggregate was acknowledged (never split) and the client keeps no reference
 * to what it sent (the AWS SDK serializes a request before sending it).
 */
export function reuseAggregateBuffer(buf: Buffer): void {
  const pool = spares[buf.buffer instanceof SharedArrayBuffer ? 'shared' : 'plain'];
  if (pool.bytes + buf.length > SPARE_MAX_BYTES) return;
  let list = pool.bySize.get(buf.length);
  if (list === undefined) pool.bySize.set(buf.length, (list = []));
  list.push(buf);
  pool.bytes += buf.length;
}

function allocate(size: number, shared: boolean): Buffer {
  const pool = spares[shared ? 'shared' : 'plain'];
  if (pool.bytes > 0) {
    const spare = pool.bySize.get(size)?.pop();
    if (spare !== undefined) {
      pool.bytes -= spare.length;
      return spare;
    }
  }
  if (size > SLAB_BYTES / 4) return shared ? Buffer.from(new SharedArrayBuffer(size)) : Buffer.allocUnsafeSlow(size);
  const slab = shared ? slabs.shared : slabs.plain;
  if (slab.at + size > slab.buf.length) {
    slab.buf = shared ? Buffer.from(new SharedArrayBuffer(SLAB_BYTES)) : Buffer.allocUnsafeSlow(SLAB_BYTES);
    slab.at = 0;
  }
  const out = slab.buf.subarray(slab.at, slab.at + size);
  slab.at += (size + 7) & ~7;
  return out;
}

/** Growing byte buffer that protobuf fields are written into directly, from offset `start`. */
class ByteWriter {
  buf: Buffer;
  pos: number;
  constructor(
    initial: number,
    readonly start = 0,
  ) {
    this.buf = allocate(start + initial, false);
    this.pos = start;
  }
  get length(): number {
    return this.pos - this.start;
  }
  ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    const next = allocate(Math.max(need, this.buf.length * 2), false);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  string(key: number, text: string, bytes: number): void {
    this.ensure(1 + 5 + bytes);
    const buf = this.buf;
    buf[this.pos++] = key;
    let pos = writeVarint(buf, this.pos, bytes);
    if (bytes === text.length && bytes <= 64) {
      // ASCII (one byte per UTF-16 unit), short, as partition keys mostly are: a loop here costs
      // less than a call into Buffer.write().
      for (let i = 0; i < bytes; i++) buf[pos++] = text.charCodeAt(i);
    } else {
      pos += buf.write(text, pos, 'utf8');
    }
    this.pos = pos;
  }
  view(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }
}

// Records are written after this much headroom, so finish() can usually put the magic and key
// tables in front of them and hand out the buffer without copying the records.
const HEADROOM = 4096;

/** A finished aggregated record whose MD5 is still to be written (`digestAt`, 16 bytes). */
export interface SealedAggregate {
  /** Magic, protobuf body and room for the digest. */
  bytes: Buffer;
  /** The protobuf body is bytes[4, digestAt). */
  digestAt: number;
  /** The whole buffer `bytes` was cut from, which the aggregate now owns (reuseAggregateBuffer()); undefined when it was copied out. */
  buffer: Buffer | undefined;
}

// Shared copies are cut in sizes rounded up to this, so buffers of aggregates that differ by a few
// bytes can be reused for one another.
const SHARED_SIZE_STEP = 4096;

/**
 * A copy of a sealed aggregate in a SharedArrayBuffer, for a hash worker to write the digest into.
 * One copy of the whole aggregate: the records are written into plain memory, because V8 copies
 * into shared memory with relaxed atomics, about 4× slower per small copy than memcpy. The copy
 * starts at the same offset modulo 8 as the original: V8 then copies whole words, else byte by byte
 * (measured here: 1.6 µs against 13 µs for 55 KB).
 */
export function sharedCopy(sealed: SealedAggregate): SealedAggregate {
  const size = sealed.bytes.byteLength;
  const buffer = allocate(Math.ceil((size + 7) / SHARED_SIZE_STEP) * SHARED_SIZE_STEP, true);
  const shift = (sealed.bytes.byteOffset - buffer.byteOffset) & 7;
  const bytes = buffer.subarray(shift, shift + size);
  bytes.set(sealed.bytes);
  return { bytes, digestAt: sealed.digestAt, buffer };
}

/** Writes the MD5 of a sealed aggregate's protobuf body into its last 16 bytes. */
export function writeDigest(sealed: SealedAggregate): Buffer {
  // One-shot hash(): no Hash object per aggregate.
  sealed.bytes.set(hash('md5', sealed.bytes.subarray(MAGIC_BYTES, sealed.digestAt), 'buffer'), sealed.digestAt);
  return sealed.bytes;
}

/**
 * Writes one aggregated record straight into its buffer: key tables and records, with exactly
 * one size check per record. The caller keeps the key indexes (a key is new when its index is
 * the table's current length), so nothing is looked up here.
 */
export class AggregateWriter {
  private pkTable = new ByteWriter(1024);
  private ehkTable = new ByteWriter(64);
  private records: ByteWriter;
  /** Entries in the partition key and explicit hash key tables. */
  pkCount = 0;
  ehkCount = 0;
  /** User records written. */
  count = 0;
  /** Exact size of the finished aggregated record (magic + protobuf + MD5). */
  size = AGGREGATION_FRAME_BYTES;
  /** Where the last record's data starts in the records buffer (see dataOf()). */
  lastDataAt = 0;

  constructor(private readonly initialBytes = 64 * 1024) {
    this.records = new ByteWriter(initialBytes, HEADROOM);
  }

  /**
   * Adds a record when the finished size stays within `maxSize` (false: nothing changed).
   * `pkIndex === pkCount` adds `partitionKey` (of `pkBytes` UTF-8 bytes) to the table; likewise
   * `ehkIndex === ehkCount` adds `explicitHashKey`; `ehkIndex` -1 means none. String data is
   * written as UTF-8 straight into the record (`dataBytes` its UTF-8 length).
   */
  tryAdd(pkIndex: number, partitionKey: string, pkBytes: number, ehkIndex: number, explicitHashKey: string | undefined, data: Uint8Array | string, dataBytes: number, maxSize: number): boolean {
    const newPk = pkIndex === this.pkCount;
    const newEhk = ehkIndex >= 0 && ehkIndex === this.ehkCount;
    const body = 1 + varintSize(pkIndex) + (ehkIndex < 0 ? 0 : 1 + varintSize(ehkIndex)) + fieldSize(dataBytes);
    const recordSize = fieldSize(body);
    const ehkBytes = newEhk ? (explicitHashKey as string).length : 0; // decimal digits: ASCII
    const grown = this.size + recordSize + (newPk ? fieldSize(pkBytes) : 0) + (newEhk ? fieldSize(ehkBytes) : 0);
    if (grown > maxSize) return false;
    this.size = grown;
    if (newPk) {
      this.pkTable.string(KEY_PK_TABLE, partitionKey, pkBytes);
      this.pkCount++;
    }
    if (newEhk) {
      this.ehkTable.string(KEY_EHK_TABLE, explicitHashKey as string, ehkBytes);
      this.ehkCount++;
    }
    const w = this.records;
    if (w.pos + recordSize > w.buf.length) w.ensure(recordSize);
    const buf = w.buf;
    // Written inline with local positions: this runs once per user record.
    let pos = w.pos;
    buf[pos++] = KEY_RECORD;
    pos = writeVarint(buf, pos, body);
    buf[pos++] = KEY_PK_INDEX;
    pos = writeVarint(buf, pos, pkIndex);
    if (ehkIndex >= 0) {
      buf[pos++] = KEY_EHK_INDEX;
      pos = writeVarint(buf, pos, ehkIndex);
    }
    buf[pos++] = KEY_DATA;
    pos = writeVarint(buf, pos, dataBytes);
    this.lastDataAt = pos;
    if (typeof data === 'string') buf.write(data, pos, 'utf8');
    else buf.set(data, pos);
    w.pos = pos + dataBytes;
    this.count++;
    return true;
  }

  /** A copy of `bytes` bytes of record data written at `at` (a lone record goes out raw). */
  dataOf(at: number, bytes: number): Uint8Array {
    return Uint8Array.prototype.slice.call(this.records.buf, at, at + bytes);
  }

  /** The finished record with its digest still to write; the writer is reset and reusable afterwards. */
  seal(): SealedAggregate {
    const pk = this.pkTable.view();
    const ehk = this.ehkTable.view();
    const w = this.records;
    const head = MAGIC_BYTES + pk.length + ehk.length;
    let sealed: SealedAggregate;
    if (head <= HEADROOM && w.buf.length - w.pos >= DIGEST_BYTES) {
      const start = HEADROOM - head;
      w.buf.set(AGGREGATED_MAGIC, start);
      pk.copy(w.buf, start + MAGIC_BYTES);
      ehk.copy(w.buf, start + MAGIC_BYTES + pk.length);
      sealed = { bytes: w.buf.subarray(start, w.pos + DIGEST_BYTES), digestAt: w.pos - start, buffer: w.buf };
      this.records = new ByteWriter(Math.max(this.initialBytes, w.buf.length - HEADROOM), HEADROOM); // the old buffer is the caller's now
    } else {
      const out = Buffer.allocUnsafe(this.size);
      out.set(AGGREGATED_MAGIC, 0);
      let pos = MAGIC_BYTES;
      pos += pk.copy(out, pos);
      pos += ehk.copy(out, pos);
      pos += w.view().copy(out, pos);
      sealed = { bytes: out, digestAt: pos, buffer: undefined };
    }
    this.reset();
    return sealed;
  }

  /** The finished aggregated record; the writer is reset and reusable afterwards. */
  finish(): Buffer {
    return writeDigest(this.seal());
  }

  reset(): void {
    this.pkTable.pos = 0;
    this.ehkTable.pos = 0;
    this.records.pos = this.records.start;
    this.pkCount = 0;
    this.ehkCount = 0;
    this.count = 0;
    this.size = AGGREGATION_FRAME_BYTES;
  }
}

/**
 * Builds one aggregated record incrementally from user records, keeping the key tables itself.
 * `sizeWith()` gives the exact final size before a record is added.
 */
export class AggregatedRecordBuilder {
  private readonly pkIndex = new Map<string, number>();
  private readonly ehkIndex = new Map<string, number>();
  private readonly writer: AggregateWriter;

  constructor(initialBytes = 64 * 1024) {
    this.writer = new AggregateWriter(initialBytes);
  }

  /** Number of user records added so far. */
  get count(): number {
    return this.writer.count;
  }

  /** Exact size of the finished aggregated record (magic + protobuf + MD5). */
  get size(): number {
    return this.writer.size;
  }

  /** Exact finished size if this record were added; pass the key's UTF-8 length if known. */
  sizeWith(partitionKey: string, explicitHashKey: string | undefined, dataBytes: number, pkBytes?: number): number {
    const pkIdx = this.pkIndex.get(partitionKey) ?? this.writer.pkCount;
    let extra = pkIdx === this.writer.pkCount ? fieldSize(pkBytes ?? utf8Size(partitionKey)) : 0;
    let ehkIdx = -1;
    if (explicitHashKey !== undefined) {
      ehkIdx = this.ehkIndex.get(explicitHashKey) ?? this.writer.ehkCount;
      if (ehkIdx === this.writer.ehkCount) extra += fieldSize(explicitHashKey.length);
    }
    return this.size + extra + fieldSize(1 + varintSize(pkIdx) + (ehkIdx < 0 ? 0 : 1 + varintSize(ehkIdx)) + fieldSize(dataBytes));
  }

  /** Adds the record when the finished size stays within `maxSize`; false leaves the builder unchanged. */
  tryAdd(partitionKey: string, explicitHashKey: string | undefined, data: Uint8Array, pkBytes: number | undefined, maxSize: number): boolean {
    const w = this.writer;
    const pkIdx = this.pkIndex.get(partitionKey) ?? w.pkCount;
    const ehkIdx = explicitHashKey === undefined ? -1 : (this.ehkIndex.get(explicitHashKey) ?? w.ehkCount);
    const newPk = pkIdx === w.pkCount;
    const newEhk = ehkIdx >= 0 && ehkIdx === w.ehkCount;
    if (!w.tryAdd(pkIdx, partitionKey, newPk ? (pkBytes ?? utf8Size(partitionKey)) : 0, ehkIdx, explicitHashKey, data, data.byteLength, maxSize)) return false;
    if (newPk) this.pkIndex.set(partitionKey, pkIdx);
    if (newEhk) this.ehkIndex.set(explicitHashKey as string, ehkIdx);
    return true;
  }

  add(partitionKey: string, explicitHashKey: string | undefined, data: Uint8Array, pkBytes?: number): void {
    this.tryAdd(partitionKey, explicitHashKey, data, pkBytes, Infinity);
  }

  /** The finished aggregated record; the builder is reset and reusable afterwards. */
  finish(): Uint8Array {
    const out = this.writer.finish();
    this.pkIndex.clear();
    this.ehkIndex.clear();
    return out;
  }

  reset(): void {
    this.writer.reset();
    this.pkIndex.clear();
    this.ehkIndex.clear();
  }
}

/** Encodes user records as one KPL aggregated record. */
export function encodeAggregated(records: readonly UserRecord[]): Uint8Array {
  let dataBytes = 0;
  for (const r of records) dataBytes += r.data.byteLength + 16;
  const builder = new AggregatedRecordBuilder(dataBytes);
  for (const r of records) builder.add(r.partitionKey, r.explicitHashKey, r.data);
  return builder.finish();
}

/** True when the bytes start with the KPL magic and are long enough to hold a digest. */
export function isAggregated(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= AGGREGATION_FRAME_BYTES &&
    bytes[0] === AGGREGATED_MAGIC[0] &&
    bytes[1] === AGGREGATED_MAGIC[1] &&
    bytes[2] === AGGREGATED_MAGIC[2] &&
    bytes[3] === AGGREGATED_MAGIC[3]
  );
}

/** Reads protobuf fields from a byte range; every read is bounds-checked. */
class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}
  get done(): boolean {
    return this.pos >= this.end;
  }
  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new AggregatedRecordError('truncated', `truncated protobuf in ${what} at byte ${this.pos}`);
      const b = this.bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      scale *= 128;
    }
    throw new AggregatedRecordError('invalid-protobuf', `invalid varint in ${what} at byte ${this.pos}`);
  }
  /** Returns [start, end) of a length-delimited payload. */
  delimited(what: string): [number, number] {
    const length = this.varint(what);
    const start = this.pos;
    if (length > this.end - start) {
      throw new AggregatedRecordError('truncated', `truncated protobuf: ${what} claims ${length} bytes but ${this.end - start} remain`);
    }
    this.pos = start + length;
    return [start, start + length];
  }
  skip(wireType: number, what: string): void {
    if (wireType === 0) this.varint(what);
    else if (wireType === 2) this.delimited(what);
    else if (wireType === 1 || wireType === 5) {
      const width = wireType === 1 ? 8 : 4;
      if (this.end - this.pos < width) throw new AggregatedRecordError('truncated', `truncated protobuf in ${what}`);
      this.pos += width;
    } else throw new AggregatedRecordError('invalid-protobuf', `invalid protobuf wire type ${wireType} in ${what} at byte ${this.pos}`);
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array, [start, end]: [number, number], what: string): string {
  try {
    return decoder.decode(bytes.subarray(start, end));
  } catch {
    throw new AggregatedRecordError('invalid-protobuf', `${what} is not valid UTF-8`);
  }
}

/**
 * Decodes a KPL aggregated record. The returned `data` are views into `bytes`. `verifyDigest:
 * false` skips the MD5 check (the producer splitting a record it built itself).
 * Throws AggregatedRecordError on bad magic, bad MD5, truncated or invalid protobuf.
 */
export function decodeAggregated(bytes: Uint8Array, options: { verifyDigest?: boolean } = {}): UserRecord[] {
  if (!isAggregated(bytes)) {
    throw new AggregatedRecordError('bad-magic', bytes.byteLength < AGGREGATION_FRAME_BYTES
      ? `too short (${bytes.byteLength} bytes) to be an aggregated record`
      : 'bad magic: does not start with F3 89 9A C2');
  }
  const bodyEnd = bytes.byteLength - DIGEST_BYTES;
  const body = bytes.subarray(MAGIC_BYTES, bodyEnd);
  if (options.verifyDigest !== false && !hash('md5', body, 'buffer').equals(bytes.subarray(bodyEnd))) {
    throw new AggregatedRecordError('bad-md5', 'bad MD5: checksum does not match the protobuf body (corrupt or truncated)');
  }
  const pkTable: string[] = [];
  const ehkTable: string[] = [];
  const raw: { pk: number; ehk?: number; data: [number, number] }[] = [];
  const top = new ByteReader(bytes, MAGIC_BYTES, bodyEnd);
  while (!top.done) {
    const key = top.varint('AggregatedRecord field key');
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if ((field === 1 || field === 2 || field === 3) && wire !== 2) {
      throw new AggregatedRecordError('invalid-protobuf', `invalid protobuf: AggregatedRecord field ${field} has wire type ${wire}`);
    }
    if (field === 1) pkTable.push(text(bytes, top.delimited('partition_key_table'), 'partition_key_table entry'));
    else if (field === 2) ehkTable.push(text(bytes, top.delimited('explicit_hash_key_table'), 'explicit_hash_key_table entry'));
    else if (field === 3) raw.push(readRecord(bytes, top.delimited('records'), raw.length));
    else top.skip(wire, `AggregatedRecord field ${field}`);
  }
  return raw.map((r, i) => {
    const partitionKey = pkTable[r.pk];
    if (partitionKey === undefined) {
      throw new AggregatedRecordError('invalid-protobuf', `invalid protobuf: record ${i} partition_key_index ${r.pk} outside table of ${pkTable.length}`);
    }
    const out: UserRecord = { partitionKey, data: bytes.subarray(r.data[0], r.data[1]) };
    if (r.ehk !== undefined) {
      const ehk = ehkTable[r.ehk];
      if (ehk === undefined) {
        throw new AggregatedRecordError('invalid-protobuf', `invalid protobuf: record ${i} explicit_hash_key_index ${r.ehk} outside table of ${ehkTable.length}`);
      }
      out.explicitHashKey = ehk;
    }
    return out;
  });
}

function readRecord(bytes: Uint8Array, [start, end]: [number, number], index: number): { pk: number; ehk?: number; data: [number, number] } {
  const r = new ByteReader(bytes, start, end);
  let pk: number | undefined;
  let ehk: number | undefined;
  let data: [number, number] | undefined;
  while (!r.done) {
    const key = r.varint(`record ${index} field key`);
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 1 && wire === 0) pk = r.varint(`record ${index} partition_key_index`);
    else if (field === 2 && wire === 0) ehk = r.varint(`record ${index} explicit_hash_key_index`);
    else if (field === 3 && wire === 2) data = r.delimited(`record ${index} data`);
    else r.skip(wire, `record ${index} field ${field}`); // tags (4) and unknown fields
  }
  if (pk === undefined || data === undefined) {
    throw new AggregatedRecordError('invalid-protobuf', `invalid protobuf: record ${index} lacks required ${pk === undefined ? 'partition_key_index' : 'data'}`);
  }
  return ehk === undefined ? { pk, data } : { pk, ehk, data };
}

/**
 * User records inside one Kinesis record: an aggregated record is decoded (corrupt ones throw
 * AggregatedRecordError so the caller can route them to an error output); a raw record is
 * returned as itself.
 */
export function deaggregate(data: Uint8Array, partitionKey: string): UserRecord[] {
  return isAggregated(data) ? decodeAggregated(data) : [{ partitionKey, data }];
}
