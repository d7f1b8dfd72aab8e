import { DeliveryCore, runDelivery, type DeliveryOptions, type DeliveryStream } from './delivery-core.js';
import type { SourceRecord } from './source-record.js';

/** The pseudo shard of direct-PUT records; their "sequence numbers" only make record ids unique. */
export const DIRECT_PUT_SOURCE = 'direct-put';

export interface DirectPutDeliveryOptions extends DeliveryOptions {
  /** The delivery stream's name: first part of every object name and of its ARN. */
  deliveryStreamName: string;
}

export interface DirectPutDelivery extends DeliveryStream {
  /**
   * Takes records accepted by PutRecord/PutRecordBatch, in order. They are buffered in memory, as
   * Firehose buffers them before delivery; stop() delivers them, a crash loses them.
   */
  put(records: readonly Uint8Array[], arrivalMs?: number): void;
}

/**
 * A delivery stream whose source is direct PUT (the local Firehose API): Lambda transform → dynamic
 * partitioning → buffered objects, exactly as with a Kinesis source, but with no shards to read and
 * no checkpoints (the events the Lambda sees carry no Kinesis metadata).
 */
export function startDirectPutDelivery(options: DirectPutDeliveryOptions): DirectPutDelivery {
  const core = new DeliveryCore(options, options.deliveryStreamName, undefined);
  let sequence = 0;
  const delivery = runDelivery(core, {
    read: () => Promise.resolve(), // put() hands records straight to the core
    save: () => {
      core.tracker.drain(); // forget settled puts; there is nothing to checkpoint
      return Promise.resolve();
    },
    stats: () => ({ kinesisRecords: 0, shardsFinished: 0, checkpointsSaved: 0 }),
  });
  return {
    ...delivery,
    put(records, arrivalMs = core.clock.now()) {
      const batch = core.tracker.open(DIRECT_PUT_SOURCE, undefined, records.length, false);
      core.enqueue(
        records.map((data): SourceRecord => {
          sequence++;
          return { shardId: DIRECT_PUT_SOURCE, sequenceNumber: String(sequence).padStart(20, '0'), subsequenceNumber: 0, partitionKey: '', arrivalMs, data, batch };
        }),
      );
    },
  };
}
