import { access, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '../../pipeline/lake/bucket.js';
import { defaultLakeRoot, FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';
import { openLakeSource } from '../../pipeline/lake/lake-source.js';
import { createLocalS3Client, S3Bucket } from '../../pipeline/lake/s3-bucket.js';

let dir: string;
let s3rver: S3rver;
let s3: S3Client;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-buckets-'));
  s3rver = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3rver'), configureBuckets: [{ name: 'lake' }] });
  const { port } = await s3rver.run();
  s3 = createLocalS3Client({ endpoint: `http://127.0.0.1:${port}` });
});
afterAll(async () => {
  s3.destroy();
  await s3rver.close();
  await rm(dir, { recursive: true, force: true });
});

const kinds: [string, () => Bucket][] = [
  ['filesystem', () => new FilesystemBucket(join(dir, 'fs', 'lake'))],
  ['S3 (s3rver)', () => new S3Bucket(s3, 'lake')],
];

describe.each(kinds)('%s bucket', (_kind, make) => {
  it('puts, gets and lists objects by S3 key', async () => {
    const bucket = make();
    const body = Uint8Array.from({ length: 3000 }, (_, i) => i % 251);
    await bucket.put('events/event_type=trip/year=2026/a.json.gz', body);
    await bucket.put('events/event_type=alert/year=2026/b.json.gz', Uint8Array.of(1, 2, 3));
    await bucket.put('errors/processing-failed/c.json.gz', Uint8Array.of(4));
    expect(Buffer.from(await bucket.get('events/event_type=trip/year=2026/a.json.gz')).equals(Buffer.from(body))).toBe(true);
    expect(await bucket.list('events/')).toEqual(['events/event_type=alert/year=2026/b.json.gz', 'events/event_type=trip/year=2026/a.json.gz']);
    expect(await bucket.list('')).toHaveLength(3);
    expect(await bucket.list('nothing/')).toEqual([]);
  });

  it('refuses a key with NUL, naming it, instead of failing deep in fs or S3', async () => {
    const bucket = make();
    await expect(bucket.put('events/a\0b.json.gz', Uint8Array.of(1))).rejects.toThrow(/^key: must not contain a NUL character \(got "events\/a\\u0000b.json.gz"\)$/);
    await expect(bucket.get('a\0')).rejects.toThrow(/^key: must not contain a NUL character/);
    await expect(bucket.put('k'.repeat(1025), Uint8Array.of(1))).rejects.toThrow(/^key: must be at most 1024 bytes of UTF-8/);
  });
});

describe('filesystem bucket', () => {
  it('lives under ./data/lake/<bucket> by default and keeps the S3 keys as paths', async () => {
    expect(defaultLakeRoot('sdfleet-lake', '/srv/app')).toBe('/srv/app/data/lake/sdfleet-lake');
    const root = join(dir, 'fs2');
    await new FilesystemBucket(root).put('a/b/c.txt', Buffer.from('x'));
    expect(await readdir(join(root, 'a', 'b'))).toEqual(['c.txt']); // no temp file left behind
  });

  it('refuses keys that escape the bucket, naming the key', async () => {
    const bucket = new FilesystemBucket(join(dir, 'fs3'));
    await expect(bucket.put('../outside.txt', Buffer.from('x'))).rejects.toThrow(/key: must be a relative object key inside the bucket \(got "..\/outside.txt"\)/);
    await expect(bucket.get('/etc/passwd')).rejects.toThrow(/key:/);
  });
});

describe('lake source', () => {
  it('copies an s3://bucket/prefix lake down through the bucket interface and removes the copy on close', async () => {
    const bucket = new S3Bucket(s3, 'lake');
    await bucket.put('runs/r7/events/event_type=trip/a.json.gz', Uint8Array.of(7, 7));
    await bucket.put('runs/r7/errors/processing-failed/b.json.gz', Uint8Array.of(8));
    await bucket.put('runs/r7/notes.txt', Uint8Array.of(9)); // not part of the lake
    await bucket.put('runs/r70/events/c.json.gz', Uint8Array.of(10)); // another prefix that merely starts the same

    const lake = await openLakeSource('s3://lake/runs/r7', { s3Client: s3 });
    expect(lake.location).toBe('s3://lake/runs/r7');
    expect(await new FilesystemBucket(lake.root).list('')).toEqual(['errors/processing-failed/b.json.gz', 'events/event_type=trip/a.json.gz']);
    expect([...(await readFile(join(lake.root, 'events/event_type=trip/a.json.gz')))]).toEqual([7, 7]);
    await lake.close();
    await expect(access(lake.root)).rejects.toThrow(/ENOENT/);
  });

  it('names a lake it cannot reach in one line', async () => {
    await expect(openLakeSource('s3://lake/runs/none', { s3Client: s3 })).rejects.toThrow(/^lake: has no objects under events\/ or errors\/ \(got "s3:\/\/lake\/runs\/none"\)$/);
    await expect(openLakeSource(join(dir, 'nowhere'))).rejects.toThrow(/^lake: does not exist/);
    const folder = await openLakeSource(dir);
    expect(folder.root).toBe(dir);
    await folder.close();
    expect(await readdir(dir)).toContain('s3rver'); // a folder lake is the user's: close leaves it alone
  });
});
