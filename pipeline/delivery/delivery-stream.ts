import { join } from 'node:path';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CheckpointStore, type StreamIdentity } from './checkpoint-store.js';
import type { Checkpoint } from './checkpoint-tracker.js';
import { userRecordsOf } from './deaggregation.js';
import { DeliveryCore, runDelivery, type DeliveryOptions, type DeliverySource, type DeliveryStream } from './delivery-core.js';
import { listShardLineage, readyShards } from './shard-lineage.js';
import { ShardReader } from './shard-reader.js';
import type { SourceRecord } from './source-record.js';

export type { DeliveryStats, DeliveryStream } from './delivery-core.js';

export interface DeliveryStreamOptions extends DeliveryOptions {
  client: KinesisClient;
  /** The Kinesis stream to read. */
  streamName: string;
  /** Durable checkpoints live in `<checkpointDir>/<deliveryStreamName>/`. */
  checkpointDir: string;
  /** Default `<streamName>-delivery`; first part of every object name. */
  deliveryStreamName?: string;
  /** Poll period of a shard that had nothing new (default 1000 ms, as Firehose). */
  idlePollMs?: number;
  /** How often to look for new shards after a reshard (default 10 s; also at every SHARD_END). */
  shardRefreshMs?: number;
}

export function defaultDeliveryStreamName(streamName: string): string {
  return `${streamName}-delivery`;
}

/** The checkpoints on disk were taken on another stream (or by a version that did not record which). */
export class StreamIdentityMismatch extends Error {
  constructor(
    readonly checkpointDir: string,
    readonly stored: StreamIdentity | undefined,
    readonly actual: StreamIdentity,
  ) {
    super(
      stored
        ? `the checkpoints in ${checkpointDir} belong to ${stored.streamArn} created ${stored.createdAt}, but this ${actual.streamArn} was created ${actual.createdAt}`
        : `the checkpoints in ${checkpointDir} do not say which stream they belong to (written before sdfleet recorded it)`,
    );
    this.name = 'StreamIdentityMismatch';
  }
}

/**
 * A Firehose-faithful local delivery stream with a Kinesis source: de-aggregation → Lambda transform →
 * dynamic partitioning → buffered GZIP/Parquet objects in a bucket, with per-shard checkpoints
 * saved only after the objects holding the records are stored (at-least-once across restarts).
 */
export async function startDeliveryStream(options: DeliveryStreamOptions): Promise<DeliveryStream> {
  const region = options.region ?? 'us-west-2';
  const account = options.account ?? '000000000000';
  const name = options.deliveryStreamName ?? defaultDeliveryStreamName(options.streamName);
  const summary = await options.client.send(new DescribeStreamSummaryCommand({ StreamName: options.streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:${region}:${account}:stream/${options.streamName}`;
  const identity: StreamIdentity = { streamArn, createdAt: summary.StreamDescriptionSummary?.StreamCreationTimestamp?.toISOString() ?? 'unknown' };

  const store = new CheckpointStore(join(options.checkpointDir, name));
  const checkpoints = await store.loadAll();
  await checkIdentity(store, identity, checkpoints.size > 0);
  const core = new DeliveryCore(options, name, streamArn);
  return runDelivery(core, kinesisSource(options, core, store, checkpoints));
}

/** Resuming from another stream's sequence numbers would fail on every read, forever: refuse instead. */
async function checkIdentity(store: CheckpointStore, actual: StreamIdentity, hasCheckpoints: boolean): Promise<void> {
  const stored = await store.loadIdentity();
  if (stored?.streamArn === actual.streamArn && stored.createdAt === actual.createdAt) return;
  if (stored || hasCheckpoints) throw new StreamIdentityMismatch(store.dir, stored, actual);
  await store.saveIdentity(actual);
}

/** Reads every shard (parents before children), de-aggregates, and checkpoints what the core settled. */
function kinesisSource(options: DeliveryStreamOptions, core: DeliveryCore, store: CheckpointStore, checkpoints: Map<string, Checkpoint>): DeliverySource {
  const { tracker, logger, clock } = core;
  const finished = new Set([...checkpoints.values()].filter((c) => c.finished).map((c) => c.shardId));
  const readers = new Map<string, ShardReader>();
  const counts = { kinesisRecords: 0, checkpointsSaved: 0 };
  let lineageAt = -Infinity;

  async function refreshShards(): Promise<void> {
    const lineage = await listShardLineage(options.client, options.streamName);
    lineageAt = clock.now();
    for (const shardId of readyShards(lineage, finished, new Set(readers.keys()))) {
      readers.set(
        shardId,
        new ShardReader({
          client: options.client,
          streamName: options.streamName,
          shardId,
          afterSequenceNumber: checkpoints.get(shardId)?.sequenceNumber,
          idlePollMs: options.idlePollMs,
          clock,
          logger,
        }),
      );
      logger.info({ shardId, after: checkpoints.get(shardId)?.sequenceNumber ?? 'TRIM_HORIZON' }, 'reading shard');
    }
  }

  async function readDueShards(): Promise<void> {
    const due = [...readers.values()].filter((r) => r.nextReadAt <= clock.now());
    const reads = await Promise.all(due.map(async (reader) => ({ reader, read: await reader.read() })));
    let shardEnded = false;
    for (const { reader, read } of reads) {
      counts.kinesisRecords += read.records.length;
      if (read.records.length === 0 && !read.shardEnd) continue;
      const batch = tracker.open(reader.shardId, read.records[read.records.length - 1]?.SequenceNumber, 0, read.shardEnd);
      const records: SourceRecord[] = [];
      for (const kinesisRecord of read.records) {
        const { corrupt } = userRecordsOf(reader.shardId, kinesisRecord, batch, records);
        if (!corrupt) continue;
        tracker.add(batch, 1);
        core.counts.corruptAggregated++;
        logger.warn({ shardId: reader.shardId, sequenceNumber: kinesisRecord.SequenceNumber, err: corrupt.error.message }, 'corrupt aggregated record sent to the error output');
        core.addFailed({
          source: corrupt.record,
          outputType: 'processing-failed',
          errorCode: 'Kinesis.CorruptAggregatedRecord',
          errorMessage: `${corrupt.error.message}; rawData is the whole Kinesis record`,
          attemptsMade: 0,
          attemptEndingMs: clock.now(),
        });
      }
      tracker.add(batch, records.length);
      core.enqueue(records);
      if (read.shardEnd) {
        finished.add(reader.shardId);
        readers.delete(reader.shardId);
        shardEnded = true;
        logger.info({ shardId: reader.shardId }, 'shard read to SHARD_END');
      }
    }
    if (shardEnded) await refreshShards();
  }

  return {
    async read() {
      if (clock.now() - lineageAt >= (options.shardRefreshMs ?? 10_000)) await refreshShards();
      await readDueShards();
    },
    async save() {
      for (const checkpoint of tracker.drain()) {
        await store.save(checkpoint);
        counts.checkpointsSaved++;
      }
    },
    stats: () => ({ ...counts, shardsFinished: finished.size }),
  };
}
