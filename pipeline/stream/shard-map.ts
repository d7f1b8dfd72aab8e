import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { listOpenShards, type Shard } from '../../common/shard-lookup.js';

export type { Shard };

/** The open shards of one stream, sorted by hash-key range, plus the account for AWS-style messages. */
export interface StreamShards {
  streamName: string;
  account: string;
  shards: Shard[];
}

/** Reads the open shards (every ListShards page) and the account from the stream ARN. */
export async function loadStreamShards(client: KinesisClient, streamName: string): Promise<StreamShards> {
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const arn = summary.StreamDescriptionSummary?.StreamARN ?? '';
  return { streamName, account: arn.split(':')[4] || '000000000000', shards: await listOpenShards(client, streamName) };
}

/**
 * Cached shard maps per stream. A reshard or a surprising ShardId from the upstream triggers a
 * reload; until it lands, puts are metered with the previous map.
 */
export class ShardMaps {
  private readonly maps = new Map<string, Promise<StreamShards>>();
  private readonly reloading = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();

  constructor(private readonly load: (streamName: string) => Promise<StreamShards>) {}

  get(streamName: string): Promise<StreamShards> {
    let map = this.maps.get(streamName);
    if (!map) {
      map = this.load(streamName);
      this.maps.set(streamName, map);
      map.catch(() => this.maps.delete(streamName)); // e.g. not created yet: ask again next time
    }
    return map;
  }

  /**
   * Reloads after `before` settles (e.g. the stream turning ACTIVE again). One reload per stream
   * runs at a time; calls during it coalesce into a single follow-up, so no reshard is missed.
   */
  reload(streamName: string, before: () => Promise<void> = async () => {}): Promise<void> {
    const running = this.reloading.get(streamName);
    if (running) {
      let queued = this.queued.get(streamName);
      if (!queued) {
        queued = running
          .catch(() => {})
          .then(() => {
            this.queued.delete(streamName);
            return this.reload(streamName, before);
          });
        this.queued.set(streamName, queued);
      }
      return queued;
    }
    const done = before()
      .then(() => this.load(streamName))
      .then((map) => {
        this.maps.set(streamName, Promise.resolve(map));
      })
      .finally(() => this.reloading.delete(streamName));
    this.reloading.set(streamName, done);
    return done;
  }
}
