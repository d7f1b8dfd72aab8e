import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointTracker } from '../../pipeline/delivery/checkpoint-tracker.js';
import { ObjectWriter } from '../../pipeline/delivery/object-writer.js';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX, PrefixTemplate } from '../../pipeline/delivery/prefix.js';
import type { SourceRecord } from '../../pipeline/delivery/source-record.js';
import type { Bucket } from '../../pipeline/lake/bucket.js';
import { FilesystemBucket } from '../../pipeline/lake/fs-bucket.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sdfleet-writer-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const tracker = new CheckpointTracker();
const keys = (event_type: string) => ({ event_type, year: '2026', month: '01', day: '05', hour: '08' });

function source(i: number): SourceRecord {
  const batch = tracker.open('s', String(i), 1, false);
  return { shardId: 's', sequenceNumber: String(i), subsequenceNumber: 0, partitionKey: 'k', arrivalMs: Date.UTC(2026, 0, 5, 8, 30, i), data: Buffer.from(`raw-${i}`), batch };
}

function writer(bucket: Bucket, clock: { now: number }, settled: SourceRecord[]) {
  return new ObjectWriter({
    bucket,
    deliveryStreamName: 'd',
    prefix: new PrefixTemplate(DEFAULT_PREFIX, 'prefix'),
    errorPrefix: new PrefixTemplate(DEFAULT_ERROR_PREFIX, 'errorPrefix', { errorPrefix: true }),
    hints: { sizeBytes: 100, intervalMs: 1000 },
    lambdaArn: 'arn:aws:lambda:us-west-2:000000000000:function:f:$LATEST',
    clock: { now: () => clock.now },
    newUuid: () => '11111111-2222-4333-8444-555555555555',
    onWritten: (records) => settled.push(...records),
  });
}

describe('object writer', () => {
  it('buffers per partition and writes when the size or the interval hint is reached', async () => {
    const clock = { now: 0 };
    const settled: SourceRecord[] = [];
    const bucket = new FilesystemBucket(join(dir, 'hints'));
    const w = writer(bucket, clock, settled);
    w.add({ source: source(1), data: Buffer.from('{"a":1}\n'), partitionKeys: keys('trip') });
    w.add({ source: source(2), data: Buffer.from('{"b":2}'), partitionKeys: keys('alert') });
    await w.flush('due');
    expect(settled).toHaveLength(0);
    w.add({ source: source(3), data: Buffer.alloc(120, 0x61), partitionKeys: keys('trip') }); // trip is now over 100 bytes
    await w.flush('due');
    expect(settled.map((s) => s.sequenceNumber)).toEqual(['1', '3']);
    clock.now = 1000;
    await w.flush('due'); // alert has waited its interval
    expect(settled.map((s) => s.sequenceNumber)).toEqual(['1', '3', '2']);
    expect(await bucket.list('')).toEqual([
      'events/event_type=alert/year=2026/month=01/day=05/hour=08/d-1-2026-01-05-08-30-02-11111111-2222-4333-8444-555555555555.json.gz',
      'events/event_type=trip/year=2026/month=01/day=05/hour=08/d-1-2026-01-05-08-30-01-11111111-2222-4333-8444-555555555555.json.gz',
    ]);
    const alert = gunzipSync(await bucket.get((await bucket.list('events/event_type=alert/'))[0])).toString();
    expect(alert).toBe('{"b":2}\n'); // one newline per record, never two
    expect(w.bufferedBytes).toBe(0);
    expect(w.stats).toMatchObject({ objects: 2, recordsWritten: 3 });
  });

  it('sends records it cannot partition or place to the error output', async () => {
    const settled: SourceRecord[] = [];
    const bucket = new FilesystemBucket(join(dir, 'partitioning'));
    const w = writer(bucket, { now: 0 }, settled);
    w.add({ source: source(4), data: Buffer.from('{}'), partitionKeys: { event_type: 'trip' } });
    w.add({ source: source(5), data: Buffer.from('{}'), partitionKeys: keys('../../../../../../../../../escape') });
    await w.flush('all');
    await w.flush('all');
    expect(settled.map((s) => s.sequenceNumber).sort()).toEqual(['4', '5']);
    const errorKeys = await bucket.list('errors/');
    expect(errorKeys.every((k) => k.startsWith('errors/partitioning-failed/year=2026/month=01/day=05/hour=08/'))).toBe(true);
    const records = (await Promise.all(errorKeys.map(async (k) => gunzipSync(await bucket.get(k)).toString().trim().split('\n')))).flat().map((l) => JSON.parse(l));
    expect(records.map((r) => r.errorCode).sort()).toEqual(['DynamicPartitioning.InvalidPrefix', 'DynamicPartitioning.MetadataExtractionFailed']);
    expect(records.find((r) => r.errorCode === 'DynamicPartitioning.MetadataExtractionFailed').errorMessage).toMatch(/"year"/);
    expect(Buffer.from(records[0].rawData, 'base64').toString()).toMatch(/^raw-[45]$/);
  });

  it('keeps a buffer whose put failed and settles its records only once a retry stores them', async () => {
    const clock = { now: 0 };
    const settled: SourceRecord[] = [];
    let failures = 1;
    const stored = new Map<string, Uint8Array>();
    const flaky: Bucket = {
      location: 'flaky',
      put: async (key, body) => {
        if (failures-- > 0) throw new Error('503 Slow Down');
        stored.set(key, body);
      },
      get: async (key) => stored.get(key)!,
      list: async () => [...stored.keys()],
    };
    const w = writer(flaky, clock, settled);
    w.add({ source: source(6), data: Buffer.from('{}'), partitionKeys: keys('trip') });
    await w.flush('all');
    expect(settled).toHaveLength(0);
    await w.flush('all'); // within the retry delay: not attempted
    expect(stored.size).toBe(0);
    clock.now = 1000;
    await w.flush('all');
    expect(settled).toHaveLength(1);
    expect(stored.size).toBe(1);
  });
});
