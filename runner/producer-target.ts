// A Kinesis or Firehose target is one or more producers plus what it took to reach the stream.
// Several producers (a scenario's `producers: N`) share the shards the way a gateway fleet does:
// each vehicle always goes through the same one, and each backs off on its own.
import { UpdateShardCountCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { FirehoseProducer, KinesisProducer, MetricsSnapshot, ShardMetrics } from '../producer/index.js';
import type { Outcomes } from './outcomes.js';
import { shardRowsOf, throttledAttemptsOf, type Target, type TargetInfo } from './target.js';

type AnyProducer = KinesisProducer | FirehoseProducer;

const READY_EVERY = 64;

export function producerTarget(
  info: TargetInfo,
  producers: readonly AnyProducer[],
  outcomes: Outcomes,
  release: () => Promise<void> | void,
  kinesis?: { client: KinesisClient; streamName: string },
): Target {
  // The producers copy Uint8Array data on put() (zeroCopy is off), so the source may reuse its buffer.
  const put = (producer: AnyProducer, vehicleId: string, data: string | Uint8Array): Promise<{ attempts: number }> =>
    'streamName' in producer ? producer.put({ partitionKey: vehicleId, data }) : producer.put({ data });
  const pick = producers.length === 1 ? () => 0 : (vehicleId: string) => stringHash(vehicleId) % producers.length;
  // Asking ready() for every record costs a Promise and an await per record in the source; once per
  // READY_EVERY records per producer bounds the overshoot to that many records (the buffer's wait
  // line takes them) at a fraction of the cost.
  const sinceReady = new Array<number>(producers.length).fill(0);
  const metrics = () => combine(producers.map((p) => p.metrics()));
  const send = (vehicleId: string, seq: number, data: string | Uint8Array): void | Promise<void> => {
    const i = pick(vehicleId);
    const producer = producers[i];
    outcomes.track(vehicleId, seq, put(producer, vehicleId, data));
    if (++sinceReady[i] < READY_EVERY) return undefined;
    sinceReady[i] = 0;
    return producer.ready();
  };
  let released = false;
  return {
    info,
    producer: producers[0],
    producers,
    send(vehicleId, seq, json) {
      return send(vehicleId, seq, json);
    },
    sendBytes(vehicleId, seq, buf, start, end) {
      return send(vehicleId, seq, buf.subarray(start, end));
    },
    async finish() {
      await Promise.all(producers.map((p) => p.close())); // flushes; every put has settled when it resolves
      await outcomes.settled();
    },
    throttledAttempts: () => throttledAttemptsOf(metrics()),
    shards: (durationS) => (kinesis ? shardRowsOf(metrics(), durationS) : []),
    reshard: kinesis
      ? async (shards) => {
          await kinesis.client.send(new UpdateShardCountCommand({ StreamName: kinesis.streamName, TargetShardCount: shards, ScalingType: 'UNIFORM_SCALING' }));
        }
      : undefined,
    async dispose() {
      if (released) return;
      released = true;
      await release();
    },
  };
}

/** Stream and per-shard counters of several producers, added up. */
function combine(snapshots: MetricsSnapshot[]): MetricsSnapshot {
  if (snapshots.length === 1) return snapshots[0];
  const byCode: Record<string, number> = {};
  const shards: Record<string, ShardMetrics> = {};
  for (const s of snapshots) {
    for (const [code, n] of Object.entries(s.stream.ErrorsByCode)) byCode[code] = (byCode[code] ?? 0) + n;
    for (const [id, m] of Object.entries(s.shards)) {
      const into = (shards[id] ??= { UserRecordsPut: 0, UserRecordsDataPut: 0, KinesisRecordsPut: 0, KinesisRecordsDataPut: 0, AllErrors: 0, ErrorsByCode: {} });
      into.UserRecordsPut += m.UserRecordsPut;
      into.UserRecordsDataPut += m.UserRecordsDataPut;
      into.KinesisRecordsPut += m.KinesisRecordsPut;
      into.KinesisRecordsDataPut += m.KinesisRecordsDataPut;
      into.AllErrors += m.AllErrors;
    }
  }
  return { ...snapshots[0], stream: { ...snapshots[0].stream, ErrorsByCode: byCode }, shards };
}

function stringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) >>> 0;
  return h;
}
