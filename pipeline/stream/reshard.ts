import { MergeShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { loadStreamShards, type Shard } from './shard-map.js';
import { waitForActive } from './streams.js';

const HASH_SPACE = 1n << 128n;

/**
 * UpdateShardCount (UNIFORM_SCALING) for upstreams that lack it, such as kinesalite: split open
 * shards at the target's even boundaries, then merge neighbours that fall inside the same target
 * range. Each step waits for ACTIVE, as Kinesis requires. Returns the shard counts before and after.
 */
export async function updateShardCountBySplitMerge(
  client: KinesisClient,
  streamName: string,
  target: number,
): Promise<{ current: number; target: number }> {
  const before = await loadStreamShards(client, streamName);
  const boundaries = Array.from({ length: target - 1 }, (_, i) => (HASH_SPACE * BigInt(i + 1)) / BigInt(target));

  for (const boundary of boundaries) {
    const { shards } = await loadStreamShards(client, streamName);
    const owner = shards.find((s) => s.startingHashKey < boundary && boundary <= s.endingHashKey);
    if (!owner) continue; // already a shard boundary
    await client.send(new SplitShardCommand({ StreamName: streamName, ShardToSplit: owner.shardId, NewStartingHashKey: boundary.toString() }));
    await waitForActive(client, streamName);
  }

  const rangeOf = (shard: Shard): number => boundaries.filter((b) => b <= shard.startingHashKey).length;
  for (;;) {
    const { shards } = await loadStreamShards(client, streamName);
    const i = shards.findIndex((s, k) => k + 1 < shards.length && rangeOf(s) === rangeOf(shards[k + 1]));
    if (i < 0) break;
    await client.send(
      new MergeShardsCommand({ StreamName: streamName, ShardToMerge: shards[i].shardId, AdjacentShardToMerge: shards[i + 1].shardId }),
    );
    await waitForActive(client, streamName);
  }
  return { current: before.shards.length, target };
}
