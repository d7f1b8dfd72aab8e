// A Kinesis or Firehose target is a producer plus what it took to reach it.
import type { FirehoseProducer, KinesisProducer } from '../producer/index.js';
import type { Outcomes } from './outcomes.js';
import { shardRowsOf, throttledAttemptsOf, type Target, type TargetInfo } from './target.js';

export function producerTarget(
  info: TargetInfo,
  producer: KinesisProducer | FirehoseProducer,
  outcomes: Outcomes,
  release: () => Promise<void> | void,
): Target {
  const put: (vehicleId: string, json: string) => Promise<{ attempts: number }> =
    'streamName' in producer ? (vehicleId, json) => producer.put({ partitionKey: vehicleId, data: json }) : (_vehicleId, json) => producer.put({ data: json });
  let released = false;
  return {
    info,
    producer,
    send(vehicleId, seq, json) {
      outcomes.track(vehicleId, seq, put(vehicleId, json));
      return producer.ready();
    },
    async finish() {
      await producer.close(); // flushes; every put has settled when it resolves
      await outcomes.settled();
    },
    throttledAttempts: () => throttledAttemptsOf(producer.metrics()),
    shards: (durationS) => ('streamName' in producer ? shardRowsOf(producer.metrics(), durationS) : []),
    async dispose() {
      if (released) return;
      released = true;
      await release();
    },
  };
}
