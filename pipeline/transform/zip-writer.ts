import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Unix mode bits; Lambda needs files readable by its runtime user. Default 0o644. */
  mode?: number;
}

// Fixed 1980-01-01 00:00 timestamps make the archive a pure function of its contents,
// so rebuilding unchanged code gives a byte-identical zip (and an unchanged CDK asset hash).
const DOS_TIME = 0;
const DOS_DATE = (1 << 5) | 1;
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
const VERSION = 20;
const MADE_BY_UNIX = (3 << 8) | VERSION;

/** A deflated zip archive (no zip64: entries and archive stay under 4 GiB, as Lambda's limits do). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);

    // The local header and the central directory entry share this run of fields.
    const shared = Buffer.alloc(26);
    shared.writeUInt16LE(VERSION, 0);
    shared.writeUInt16LE(UTF8_NAMES, 2);
    shared.writeUInt16LE(DEFLATE, 4);
    shared.writeUInt16LE(DOS_TIME, 6);
    shared.writeUInt16LE(DOS_DATE, 8);
    shared.writeUInt32LE(crc, 10);
    shared.writeUInt32LE(compressed.byteLength, 14);
    shared.writeUInt32LE(entry.data.byteLength, 18);
    shared.writeUInt16LE(name.byteLength, 22);
    // Extra field length (24) stays zero.

    const local = Buffer.concat([uint32(0x04034b50), shared]);
    const centralTail = Buffer.alloc(14);
    // Comment length, disk number and internal attributes stay zero.
    centralTail.writeUInt32LE(((0o100000 | (entry.mode ?? 0o644)) << 16) >>> 0, 6);
    centralTail.writeUInt32LE(offset, 10);
    const madeBy = Buffer.alloc(2);
    madeBy.writeUInt16LE(MADE_BY_UNIX, 0);
    const central = Buffer.concat([uint32(0x02014b50), madeBy, shared, centralTail]);

    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.byteLength + name.byteLength + compressed.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value, 0);
  return bytes;
}
