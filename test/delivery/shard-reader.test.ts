import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { describe, expect, it } from 'vitest';
import { MAX_READ_BYTES_PER_SECOND, ShardReader } from '../../pipeline/delivery/shard-reader.js';
import { readyShards } from '../../pipeline/delivery/shard-lineage.js';

/** A scripted Kinesis client for one shard: the reader's pacing and iterator handling alone. */
function scripted(replies: (() => object)[]) {
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: async (command: GetRecordsCommand | GetShardIteratorCommand) => {
      sent.push({ name: command.constructor.name, input: command.input as unknown as Record<string, unknown> });
      if (command instanceof GetShardIteratorCommand) return { ShardIterator: `it-${sent.length}` };
      return replies.shift()!();
    },
  } as unknown as KinesisClient;
  return { client, sent };
}

const record = (seq: string, bytes: number) => ({ SequenceNumber: seq, PartitionKey: 'k', Data: new Uint8Array(bytes), ApproximateArrivalTimestamp: new Date(0) });

describe('shard reader', () => {
  it('paces reads to 5 calls/s and 2 MiB/s, and polls an idle shard at the idle period', async () => {
    let now = 10_000;
    const big = Array.from({ length: 4 }, (_, i) => record(String(i + 1), 1024 * 1024));
    const { client } = scripted([() => ({ Records: [record('1', 10)], NextShardIterator: 'a' }), () => ({ Records: big, NextShardIterator: 'b' }), () => ({ Records: [], NextShardIterator: 'c' })]);
    const reader = new ShardReader({ client, streamName: 's', shardId: 'shardId-0', idlePollMs: 1000, clock: { now: () => now } });
    await reader.read();
    expect(reader.nextReadAt).toBe(now + 200);
    now = reader.nextReadAt;
    await reader.read();
    expect(reader.nextReadAt).toBeCloseTo(now + ((4 * 1024 * 1024 + 4) / MAX_READ_BYTES_PER_SECOND) * 1000, 0); // ~2 s for 4 MiB
    now = reader.nextReadAt;
    await reader.read();
    expect(reader.nextReadAt).toBe(now + 1000);
  });

  it('starts after the checkpoint, and after a failure resumes after the last record read', async () => {
    const { client, sent } = scripted([
      () => ({ Records: [record('105', 1)], NextShardIterator: 'a' }),
      () => {
        throw Object.assign(new Error('Iterator expired'), { name: 'ExpiredIteratorException' });
      },
      () => ({ Records: [], NextShardIterator: undefined }),
    ]);
    const reader = new ShardReader({ client, streamName: 's', shardId: 'shardId-0', afterSequenceNumber: '100', clock: { now: () => 0 } });
    expect((await reader.read()).records).toHaveLength(1);
    expect(await reader.read()).toEqual({ records: [], shardEnd: false });
    expect(await reader.read()).toEqual({ records: [], shardEnd: true });
    const iterators = sent.filter((s) => s.name === 'GetShardIteratorCommand').map((s) => s.input);
    expect(iterators).toEqual([
      expect.objectContaining({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '100' }),
      expect.objectContaining({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: '105' }),
    ]);
  });
});

describe('shard lineage', () => {
  const shards = [
    { shardId: 'p0', parents: [] },
    { shardId: 'p1', parents: [] },
    { shardId: 'c0', parents: ['p0'] },
    { shardId: 'c1', parents: ['p0'] },
    { shardId: 'm', parents: ['c1', 'p1'] },
    { shardId: 'orphan', parents: ['trimmed-away'] },
  ];

  it('offers a child only once all its listed parents are finished', () => {
    expect(readyShards(shards, new Set(), new Set())).toEqual(['p0', 'p1', 'orphan']);
    expect(readyShards(shards, new Set(['p0']), new Set(['p1', 'orphan']))).toEqual(['c0', 'c1']);
    expect(readyShards(shards, new Set(['p0', 'c1']), new Set(['p1', 'c0', 'orphan']))).toEqual([]);
    expect(readyShards(shards, new Set(['p0', 'c1', 'p1']), new Set(['c0', 'orphan']))).toEqual(['m']);
  });
});
