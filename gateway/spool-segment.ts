// The on-disk framing of the spool: one entry per reading, CRC32 per entry, explicit index so a
// corrupt entry can be skipped without renumbering the ones after it.
//
//   byte 0      magic 0xA7
//   byte 1      type (1 segment header, 2 reading, 3 ack ranges, 4 totals)
//   bytes 2-5   payload length (u32 LE)
//   bytes 6-11  entry index (u48 LE; the header entry carries the segment's first index)
//   bytes 12-15 CRC32 of bytes 0-11 and the payload
//   payload     reading: u8 vehicle-id length, vehicle id, u32 LE seq, event JSON
import { crc32 } from 'node:zlib';

export const ENTRY_MAGIC = 0xa7;
export const ENTRY_HEADER_BYTES = 16;
/** Far above any real reading; a length beyond it is corruption, not a record. */
export const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

export const enum EntryType {
  SegmentHeader = 1,
  Reading = 2,
  AckRanges = 3,
  Totals = 4,
}

export interface DecodedEntry {
  type: EntryType;
  index: number;
  /** Byte offset of the entry in its buffer. */
  offset: number;
  /** Header plus payload. */
  size: number;
  payload: Buffer;
}

export function encodeEntry(type: EntryType, index: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(ENTRY_HEADER_BYTES + payload.length);
  out[0] = ENTRY_MAGIC;
  out[1] = type;
  out.writeUInt32LE(payload.length, 2);
  out.writeUIntLE(index, 6, 6);
  payload.copy(out, ENTRY_HEADER_BYTES);
  out.writeUInt32LE(crc32(payload, crc32(out.subarray(0, 12))), 12);
  return out;
}

/** The entry at `offset`, `'short'` when the buffer ends inside it, or `'bad'` when it does not decode. */
export function decodeEntryAt(buf: Buffer, offset: number): DecodedEntry | 'short' | 'bad' {
  if (buf.length - offset < ENTRY_HEADER_BYTES) return 'short';
  const type = buf[offset + 1];
  if (buf[offset] !== ENTRY_MAGIC || type < EntryType.SegmentHeader || type > EntryType.Totals) return 'bad';
  const length = buf.readUInt32LE(offset + 2);
  if (length > MAX_PAYLOAD_BYTES) return 'bad';
  const end = offset + ENTRY_HEADER_BYTES + length;
  if (end > buf.length) return 'short';
  const payload = buf.subarray(offset + ENTRY_HEADER_BYTES, end);
  if (crc32(payload, crc32(buf.subarray(offset, offset + 12))) !== buf.readUInt32LE(offset + 12)) return 'bad';
  return { type, index: buf.readUIntLE(offset + 6, 6), offset, size: end - offset, payload };
}

export interface ScanResult {
  entries: DecodedEntry[];
  /** Offset just past the last good entry: where appending may continue. */
  validEnd: number;
  /** Corrupt stretches that were skipped (resynchronised on the next entry that decodes). */
  corrupt: { offset: number; bytes: number }[];
  /** Bytes after the last good entry that never formed a whole entry (a torn write). */
  tornTailBytes: number;
}

/**
 * Decodes every entry it can. After a bad entry it searches forward for the next offset where a
 * whole entry with a matching CRC starts, so one flipped byte costs one entry, not the segment.
 */
export function scanEntries(buf: Buffer): ScanResult {
  const entries: DecodedEntry[] = [];
  const corrupt: ScanResult['corrupt'] = [];
  let offset = 0;
  let validEnd = 0;
  while (offset < buf.length) {
    const entry = decodeEntryAt(buf, offset);
    if (typeof entry === 'object') {
      entries.push(entry);
      offset += entry.size;
      validEnd = offset;
      continue;
    }
    // A whole entry further on means this one was damaged (even a length that now runs past the end);
    // none means a torn or garbled tail.
    const next = resync(buf, offset + 1);
    if (next < 0) break;
    corrupt.push({ offset, bytes: next - offset });
    offset = next;
  }
  const tail = buf.length - validEnd;
  return { entries, validEnd, corrupt, tornTailBytes: tail };
}

/** Offset of the next whole entry with a matching CRC at or after `from`, or -1. */
export function resync(buf: Buffer, from: number): number {
  for (let at = buf.indexOf(ENTRY_MAGIC, from); at >= 0; at = buf.indexOf(ENTRY_MAGIC, at + 1)) {
    if (typeof decodeEntryAt(buf, at) === 'object') return at;
  }
  return -1;
}

export interface ReadingPayload {
  vehicleId: string;
  seq: number;
  json: Buffer;
}

export function encodeReading(vehicleId: string, seq: number, json: Buffer | string): Buffer {
  const id = Buffer.from(vehicleId, 'utf8');
  const body = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  const out = Buffer.allocUnsafe(1 + id.length + 4 + body.length);
  out[0] = id.length;
  id.copy(out, 1);
  out.writeUInt32LE(seq, 1 + id.length);
  body.copy(out, 5 + id.length);
  return out;
}

export function decodeReading(payload: Buffer): ReadingPayload {
  const idEnd = 1 + payload[0];
  return { vehicleId: payload.toString('utf8', 1, idEnd), seq: payload.readUInt32LE(idEnd), json: payload.subarray(idEnd + 4) };
}
