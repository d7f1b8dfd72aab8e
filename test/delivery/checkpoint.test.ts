import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../pipeline/delivery/checkpoint-store.js';
import { CheckpointTracker } from '../../pipeline/delivery/checkpoint-tracker.js';

describe('checkpoint tracker', () => {
  it('advances a shard only across a prefix of fully settled reads', () => {
    const t = new CheckpointTracker();
    const a1 = t.open('s-0', '10', 2, false);
    const a2 = t.open('s-0', '20', 1, false);
    const b1 = t.open('s-1', '15', 1, false);
    expect(t.pendingRecords).toBe(4);

    t.settle(a2); // later read settled first: s-0 must not move past 10's records
    t.settle(b1);
    expect(t.drain()).toEqual([{ shardId: 's-1', sequenceNumber: '15', finished: false }]);
    t.settle(a1);
    expect(t.drain()).toEqual([]);
    t.settle(a1);
    expect(t.drain()).toEqual([{ shardId: 's-0', sequenceNumber: '20', finished: false }]);
    expect(t.pendingRecords).toBe(0);
    expect(t.drain()).toEqual([]);
  });

  it('marks a shard finished once its SHARD_END read settles, keeping the last sequence number', () => {
    const t = new CheckpointTracker();
    const a = t.open('s-0', '10', 1, false);
    t.open('s-0', undefined, 0, true);
    expect(t.drain()).toEqual([]);
    t.settle(a);
    expect(t.drain()).toEqual([{ shardId: 's-0', sequenceNumber: '10', finished: true }]);
  });

  it('refuses to settle more records than a read had', () => {
    const t = new CheckpointTracker();
    const a = t.open('s-0', '10', 1, false);
    t.settle(a);
    expect(() => t.settle(a)).toThrow(/s-0/);
  });
});

describe('checkpoint store', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves one file per shard atomically and loads them back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-cp-'));
    const store = new CheckpointStore(join(dir, 'd'));
    expect((await store.loadAll()).size).toBe(0);
    await store.save({ shardId: 'shardId-000000000000', sequenceNumber: '1', finished: false });
    await store.save({ shardId: 'shardId-000000000000', sequenceNumber: '2', finished: false });
    await store.save({ shardId: 'shardId-000000000001', finished: true });
    expect((await readdir(join(dir, 'd'))).sort()).toEqual(['shardId-000000000000.json', 'shardId-000000000001.json']);
    const loaded = await new CheckpointStore(join(dir, 'd')).loadAll();
    expect(loaded.get('shardId-000000000000')).toEqual({ shardId: 'shardId-000000000000', sequenceNumber: '2', finished: false });
    expect(loaded.get('shardId-000000000001')?.finished).toBe(true);
  });
});
