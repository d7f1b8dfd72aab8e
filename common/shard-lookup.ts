// The open shards of a stream and the lookup by hash key: shared by the producer's shard
// prediction and the shard gate's metering, so both agree on which shard owns a record.
import { ListShardsCommand, type ListShardsCommandOutput } from '@aws-sdk/client-kinesis';

export interface Shard {
  shardId: string;
  startingHashKey: bigint;
  endingHashKey: bigint;
}

/** Anything with the SDK client's `send(command)`. */
export interface CommandSender {
  send(command: object, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/** Every page of ListShards, without the shards a split or merge closed, sorted by hash-key range. */
export async function listOpenShards(client: CommandSender, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    // The API rejects StreamName together with NextToken.
    const page = (await client.send(
      new ListShardsCommand(nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken }),
    )) as ListShardsCommandOutput;
    for (const s of page.Shards ?? []) {
      if (s.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue; // closed by a split or merge
      if (s.ShardId === undefined || s.HashKeyRange?.StartingHashKey === undefined || s.HashKeyRange.EndingHashKey === undefined) continue;
      shards.push({ shardId: s.ShardId, startingHashKey: BigInt(s.HashKeyRange.StartingHashKey), endingHashKey: BigInt(s.HashKeyRange.EndingHashKey) });
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  return shards.sort((a, b) => (a.startingHashKey < b.startingHashKey ? -1 : a.startingHashKey > b.startingHashKey ? 1 : 0));
}

/** The shard owning `hashKey` (binary search over sorted, contiguous ranges); undefined in a gap. */
export function findShard<T extends Shard>(shards: readonly T[], hashKey: bigint): T | undefined {
  let lo = 0;
  let hi = shards.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = shards[mid];
    if (hashKey < s.startingHashKey) hi = mid - 1;
    else if (hashKey > s.endingHashKey) lo = mid + 1;
    else return s;
  }
  return undefined;
}
