import { ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface ShardInfo {
  shardId: string;
  /** ParentShardId and AdjacentParentShardId (a merge has two). */
  parents: string[];
}

/** Every shard of the stream, open and closed, with its parents (ListShards, following NextToken). */
export async function listShardLineage(client: KinesisClient, streamName: string): Promise<ShardInfo[]> {
  const out: ShardInfo[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(nextToken ? new ListShardsCommand({ NextToken: nextToken }) : new ListShardsCommand({ StreamName: streamName }));
    for (const shard of page.Shards ?? []) {
      out.push({
        shardId: shard.ShardId!,
        parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((p): p is string => typeof p === 'string'),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

/**
 * Shards that may be read now: not yet finished or started, and every parent still listed has
 * been read to SHARD_END (a parent no longer listed has aged out of retention). This keeps a
 * partition key's records in order across splits and merges, as Firehose and the KCL do.
 */
export function readyShards(shards: readonly ShardInfo[], finished: ReadonlySet<string>, started: ReadonlySet<string>): string[] {
  const listed = new Set(shards.map((s) => s.shardId));
  return shards
    .filter((s) => !finished.has(s.shardId) && !started.has(s.shardId))
    .filter((s) => s.parents.every((p) => finished.has(p) || !listed.has(p)))
    .map((s) => s.shardId);
}
