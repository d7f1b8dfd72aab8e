import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';

export interface StoredRecord {
  shardId: string;
  /** The hash-key range of the shard it was read from (a KCL consumer drops user records outside it). */
  startingHashKey: bigint;
  endingHashKey: bigint;
  sequenceNumber: string;
  partitionKey: string;
  data: Buffer;
}

/** Every record stored in every shard (open and closed), in shard then sequence order. */
export async function readBack(client: KinesisClient, streamName: string): Promise<StoredRecord[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const out: StoredRecord[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? '';
    const startingHashKey = BigInt(shard.HashKeyRange?.StartingHashKey ?? '0');
    const endingHashKey = BigInt(shard.HashKeyRange?.EndingHashKey ?? '0');
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        out.push({ shardId, startingHashKey, endingHashKey, sequenceNumber: r.SequenceNumber ?? '', partitionKey: r.PartitionKey ?? '', data: Buffer.from(r.Data ?? []) });
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
}
