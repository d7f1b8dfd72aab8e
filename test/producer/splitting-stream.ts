// A stream of one shard that splits in two while the producer's first PutRecords waits for its
// answer (the reshard race): for tests of aggregates that land on a shard they were not built for.
import { KinesisProducer, ShardMap } from '../../producer/index.js';
import { ManualTime } from './manual-time.js';
import { ScriptedKinesis, evenShards } from './scripted-kinesis.js';

export async function splittingStream() {
  const time = new ManualTime();
  const client = new ScriptedKinesis(evenShards(1));
  const shardMap = new ShardMap({ client, streamName: 'test', clock: time, scheduler: time });
  const producer = new KinesisProducer({ client, streamName: 'test', shardMap, clock: time, scheduler: time, metricsIntervalMs: 0 });
  await shardMap.ready();
  let release = () => {};
  client.beforeCall = (call) => (call === 0 ? new Promise<void>((resolve) => (release = resolve)) : undefined);
  const [lower, upper] = evenShards(2);
  /** Once the first PutRecords is out: splits the shard into `children`, lets the map learn them, then answers that call. */
  const split = async (): Promise<void> => {
    await time.runUntil(() => client.calls.length === 1, 5_000);
    client.shards = [{ ...client.shards[0], closed: true }, { ...lower, shardId: 'shardId-child-0' }, { ...upper, shardId: 'shardId-child-1' }];
    await shardMap.refresh();
    release();
  };
  return { time, client, producer, split, children: [lower, upper] };
}
