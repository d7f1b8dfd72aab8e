import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../common/user-error.js';
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

  it('names a corrupt or truncated checkpoint file in a user error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-cp-'));
    const store = new CheckpointStore(join(dir, 'd'));
    await store.save({ shardId: 'shardId-000000000000', sequenceNumber: '1', finished: false });
    for (const text of ['{"shardId":"shardId-0000', '{"sequenceNumber":"1"}', '[]']) {
      await writeFile(join(dir, 'd', 'shardId-000000000000.json'), text);
      const err = await store.loadAll().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toContain(`${join(dir, 'd', 'shardId-000000000000.json')}: is not a checkpoint`);
    }
  });

  it('keeps the stream identity beside the checkpoints, and clear() deletes only its own files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sdfleet-cp-'));
    const store = new CheckpointStore(join(dir, 'd'));
    expect(await store.loadIdentity()).toBeUndefined();
    await store.saveIdentity({ streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', createdAt: '2026-11-30T06:00:00.000Z' });
    await store.save({ shardId: 'shardId-000000000000', sequenceNumber: '1', finished: false });
    expect((await store.loadAll()).size).toBe(1); // the identity is not a checkpoint
    expect(await store.loadIdentity()).toEqual({ streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', createdAt: '2026-11-30T06:00:00.000Z' });
    await writeFile(join(dir, 'd', 'notes.txt'), 'mine');
    await store.clear();
    expect(await readdir(join(dir, 'd'))).toEqual(['notes.txt']);
  });
});
