import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { UserError } from '../../common/user-error.js';
import type { Bucket } from './bucket.js';
import { FilesystemBucket } from './fs-bucket.js';
import { S3Bucket } from './s3-bucket.js';

/** A lake DuckDB can read: a folder on this machine, for as long as the caller needs it. */
export interface LocalLake {
  /** The folder holding `events/` and `errors/`. */
  root: string;
  /** What the user named: the folder, or `s3://bucket/prefix`. */
  location: string;
  /** Removes what opening created (a downloaded copy); never the user's folder. */
  close(): Promise<void>;
}

export interface LakeSourceOptions {
  /** For `s3://` lakes; default: an S3Client from the AWS SDK's default provider chain and configuration. */
  s3Client?: S3Client;
  /** Parallel downloads from S3. */
  concurrency?: number;
}

const S3_URL = /^s3:\/\/([^/]+)\/?(.*)$/;

/**
 * Opens the lake `--lake` names: a folder (which must exist), or `s3://bucket/prefix`. DuckDB's
 * httpfs cannot be installed offline, so an S3 lake is copied through the `Bucket` interface into
 * a temporary folder, which `close()` removes. Problems reaching it are one-line usage errors.
 */
export async function openLakeSource(location: string, options: LakeSourceOptions = {}): Promise<LocalLake> {
  const s3 = S3_URL.exec(location);
  if (!s3) {
    const root = resolve(location);
    const info = await stat(root).catch(() => undefined);
    if (!info) throw new UserError('lake', location, 'does not exist');
    if (!info.isDirectory()) throw new UserError('lake', location, 'is not a folder');
    return { root, location, close: async () => undefined };
  }
  const [, bucketName, rawPrefix] = s3;
  const prefix = rawPrefix === '' || rawPrefix.endsWith('/') ? rawPrefix : `${rawPrefix}/`;
  const client = options.s3Client ?? new S3Client({});
  try {
    return await download(new S3Bucket(client, bucketName), location, prefix, options.concurrency ?? 8);
  } finally {
    if (!options.s3Client) client.destroy();
  }
}

async function download(bucket: Bucket, location: string, prefix: string, concurrency: number): Promise<LocalLake> {
  const keys = (await reach(location, () => Promise.all(['events/', 'errors/'].map((p) => bucket.list(`${prefix}${p}`))))).flat();
  if (keys.length === 0) throw new UserError('lake', location, 'has no objects under events/ or errors/');
  const root = await mkdtemp(join(tmpdir(), 'sdfleet-lake-'));
  const copy = new FilesystemBucket(root);
  const limit = pLimit(concurrency);
  try {
    await Promise.all(
      keys.map((key) => limit(async () => copy.put(key.slice(prefix.length), await reach(`${bucket.location}/${key}`, () => bucket.get(key))))),
    );
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return { root, location, close: () => rm(root, { recursive: true, force: true }) };
}

/** Runs an S3 call, turning its failure (no such bucket, access denied, no credentials) into one line. */
async function reach<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof UserError) throw err;
    const { name, message } = err as Error;
    throw new UserError('lake', what, `cannot be read: ${name}: ${message.split('\n')[0]}`);
  }
}
