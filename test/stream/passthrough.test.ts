import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  ListStreamsCommand,
  PutRecordsCommand,
  UpdateShardCountCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalKinesisClient } from '../../producer/local-client.js';
import { ACCOUNTING_PATH } from '../../pipeline/stream/gate.js';
import { startLocalStream, type LocalStream } from '../../pipeline/stream/local-stream.js';
import { waitForActive } from '../../pipeline/stream/streams.js';
import { keysInRange } from './support/keys.js';

describe('shard gate: other actions pass through, the shard map follows reshards', () => {
  let stack: LocalStream;
  let gate: KinesisClient;
  let direct: KinesisClient;

  beforeAll(async () => {
    // One record per shard per 50 s: how many records a put gets accepted counts the shards it is metered on.
    stack = await startLocalStream({ streamName: 'pass', shardCount: 2, gate: { limits: { recordsPerSecond: 0.02, burstSeconds: 50 } } });
    gate = createLocalKinesisClient({ endpoint: stack.endpoint });
    direct = createLocalKinesisClient({ endpoint: stack.upstreamEndpoint });
  });
  afterAll(async () => {
    gate?.destroy();
    direct?.destroy();
    await stack?.close();
  });

  it('passes control and read actions through unchanged, errors included', async () => {
    await gate.send(new CreateStreamCommand({ StreamName: 'made-through-gate', ShardCount: 1 }));
    await waitForActive(gate, 'made-through-gate');
    expect((await gate.send(new ListStreamsCommand({}))).StreamNames).toEqual((await direct.send(new ListStreamsCommand({}))).StreamNames);
    expect((await gate.send(new ListShardsCommand({ StreamName: 'pass' }))).Shards).toEqual((await direct.send(new ListShardsCommand({ StreamName: 'pass' }))).Shards);

    const put = await gate.send(new PutRecordsCommand({ StreamName: 'made-through-gate', Records: [{ PartitionKey: 'a', Data: Buffer.from('hello') }] }));
    const iterator = await gate.send(
      new GetShardIteratorCommand({ StreamName: 'made-through-gate', ShardId: put.Records?.[0].ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const got = await gate.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }));
    expect(got.Records?.map((r) => [r.SequenceNumber, Buffer.from(r.Data ?? []).toString()])).toEqual([[put.Records?.[0].SequenceNumber, 'hello']]);

    const viaGate = await gate.send(new DescribeStreamSummaryCommand({ StreamName: 'nope' })).catch((e: Error) => e);
    const viaDirect = await direct.send(new DescribeStreamSummaryCommand({ StreamName: 'nope' })).catch((e: Error) => e);
    expect(viaGate).toBeInstanceOf(Error);
    expect([(viaGate as Error).name, (viaGate as Error).message]).toEqual([(viaDirect as Error).name, (viaDirect as Error).message]);
    expect((viaGate as Error).name).toBe('ResourceNotFoundException');
  });

  let round = 0;
  /** Puts two records into each open shard's range at once; with one token per shard, one per shard gets through. */
  async function meteredShards(): Promise<{ open: string[]; accepted: string[]; throttledOn: string[] }> {
    const shards = ((await gate.send(new ListShardsCommand({ StreamName: 'pass' }))).Shards ?? []).filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber);
    round++;
    const keys = shards.flatMap((s) => keysInRange(`round${round}`, BigInt(s.HashKeyRange?.StartingHashKey ?? 0), BigInt(s.HashKeyRange?.EndingHashKey ?? 0), 2));
    const out = await gate.send(new PutRecordsCommand({ StreamName: 'pass', Records: keys.map((k) => ({ PartitionKey: k, Data: Buffer.from(k) })) }));
    const results = out.Records ?? [];
    return {
      open: shards.map((s) => s.ShardId ?? '').sort(),
      accepted: results.filter((r) => !r.ErrorCode).map((r) => r.ShardId ?? '').sort(),
      throttledOn: results.filter((r) => r.ErrorCode).map((r) => /shard (\S+) in stream/.exec(r.ErrorMessage ?? '')?.[1] ?? '').sort(),
    };
  }

  it('meters the new shards after UpdateShardCount 2→4 (split) and 4→2 (merge)', async () => {
    const before = await meteredShards();
    expect(before.open).toHaveLength(2);
    expect(before.accepted).toEqual(before.open);
    expect(before.throttledOn).toEqual(before.open);

    const up = await gate.send(new UpdateShardCountCommand({ StreamName: 'pass', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
    expect([up.CurrentShardCount, up.TargetShardCount]).toEqual([2, 4]);
    await waitForActive(gate, 'pass');
    const four = await meteredShards();
    expect(four.open).toHaveLength(4);
    expect(four.open.some((id) => before.open.includes(id))).toBe(false);
    expect(four.accepted).toEqual(four.open);
    expect(four.throttledOn).toEqual(four.open);

    // Uniform ranges, as AWS's UNIFORM_SCALING gives.
    const ranges = ((await direct.send(new ListShardsCommand({ StreamName: 'pass' }))).Shards ?? [])
      .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
      .map((s) => BigInt(s.HashKeyRange?.StartingHashKey ?? -1))
      .sort((a, b) => (a < b ? -1 : 1));
    expect(ranges).toEqual([0n, 1n, 2n, 3n].map((k) => (k << 128n) / 4n));

    const down = await gate.send(new UpdateShardCountCommand({ StreamName: 'pass', TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }));
    expect([down.CurrentShardCount, down.TargetShardCount]).toEqual([4, 2]);
    await waitForActive(gate, 'pass');
    const two = await meteredShards();
    expect(two.open).toHaveLength(2);
    expect(two.accepted).toEqual(two.open);
    expect(two.throttledOn).toEqual(two.open);
  });

  it('meters puts addressed by StreamARN, and leaves puts to unknown streams to the upstream’s error', async () => {
    const arn = (await gate.send(new DescribeStreamSummaryCommand({ StreamName: 'made-through-gate' }))).StreamDescriptionSummary?.StreamARN;
    const out = await gate.send(new PutRecordsCommand({ StreamARN: arn, Records: ['a', 'b', 'c'].map((k) => ({ PartitionKey: 'same', Data: Buffer.from(k) })) }));
    // One token per shard per 50 s, and this shard spent its token in the first test.
    expect(out.FailedRecordCount).toBe(3);
    expect(out.Records?.[0].ErrorMessage).toMatch(/^Rate exceeded for shard shardId-\d{12} in stream made-through-gate under account \d{12}\.$/);

    const put = (client: KinesisClient) =>
      client.send(new PutRecordsCommand({ StreamName: 'nope', Records: [{ PartitionKey: 'k', Data: Buffer.from('x') }] })).catch((e: Error) => e);
    const [viaGate, viaDirect] = [await put(gate), await put(direct)];
    expect(viaGate).toBeInstanceOf(Error);
    expect([(viaGate as Error).name, (viaGate as Error).message]).toEqual([(viaDirect as Error).name, (viaDirect as Error).message]);
  });

  it('serves the accounting as JSON over HTTP', async () => {
    const res = await fetch(`${stack.endpoint}${ACCOUNTING_PATH}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ReturnType<LocalStream['accounting']>;
    expect(body.totals).toEqual(stack.accounting().totals);
    expect(body.shards.length).toBeGreaterThan(0);
    for (const shard of body.shards) {
      expect(shard.totals.acceptedRecords).toBe(shard.seconds.reduce((sum, s) => sum + s.acceptedRecords, 0));
    }
  });
});
