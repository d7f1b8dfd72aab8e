import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback } from 'node:zlib';
import { exceedsNesting, MAX_NESTING_DEPTH } from '../transform/nesting-depth.js';
import { FilesystemBucket } from './fs-bucket.js';

const gunzip = promisify(gunzipCallback);

/** A lake object that cannot be read, by key, with why. */
export interface UnreadableObject {
  key: string;
  reason: string;
}

/** The readable objects of a lake folder, by kind (absolute paths), and the unreadable ones. */
export interface LakeFiles {
  root: string;
  /** Delivered events, GZIP NDJSON. */
  eventsNdjson: string[];
  eventsParquet: string[];
  /** Error output records, GZIP NDJSON (Firehose never converts the error output). */
  errors: string[];
  unreadable: UnreadableObject[];
}

const GZIP_MAGIC = [0x1f, 0x8b];
const PARQUET_MAGIC = Buffer.from('PAR1');

/**
 * Lists the lake's objects under `events/` and `errors/` and checks each before DuckDB sees it:
 * kind by content (gzip or Parquet magic bytes, so an AWS object without an extension still
 * counts), gzip that decompresses completely, and JSON no deeper than the transform allows
 * (DuckDB's schema detection recurses per level and crashes the process on 100k-deep JSON).
 * What fails is named in `unreadable` and left out, so one bad object never stops a query.
 */
export async function inspectLake(root: string): Promise<LakeFiles> {
  const files: LakeFiles = { root, eventsNdjson: [], eventsParquet: [], errors: [], unreadable: [] };
  const keys = await new FilesystemBucket(root).list('');
  for (const key of keys) {
    const isEvents = key.startsWith('events/');
    if (!isEvents && !key.startsWith('errors/')) continue;
    const path = join(root, key);
    const checked = await checkObject(await readFile(path), isEvents);
    if (checked.kind === 'unreadable') files.unreadable.push({ key, reason: checked.reason });
    else if (checked.kind === 'parquet') files.eventsParquet.push(path);
    else (isEvents ? files.eventsNdjson : files.errors).push(path);
  }
  return files;
}

type Checked = { kind: 'ndjson' | 'parquet' } | { kind: 'unreadable'; reason: string };

async function checkObject(body: Buffer, parquetAllowed: boolean): Promise<Checked> {
  if (body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1]) {
    let text: Buffer;
    try {
      text = await gunzip(body);
    } catch (err) {
      return { kind: 'unreadable', reason: `gzip: ${(err as Error).message}` };
    }
    const deep = exceedsNesting(text);
    if (deep) return { kind: 'unreadable', reason: `JSON nests deeper than ${MAX_NESTING_DEPTH} levels (at byte ${deep.offset} of the decompressed data)` };
    return { kind: 'ndjson' };
  }
  if (parquetAllowed && body.subarray(0, 4).equals(PARQUET_MAGIC)) {
    // The footer (and its magic) is written last, so a truncated file lacks it.
    if (body.length < 12 || !body.subarray(-4).equals(PARQUET_MAGIC)) return { kind: 'unreadable', reason: 'Parquet: truncated (no footer)' };
    return { kind: 'parquet' };
  }
  return { kind: 'unreadable', reason: parquetAllowed ? 'neither GZIP NDJSON nor Parquet' : 'not GZIP NDJSON' };
}
