import { PutRecordsCommand, type KinesisClient, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';

export interface SentBatch {
  records: Array<{ partitionKey: string; data: Buffer }>;
  results: PutRecordsResultEntry[];
  failedRecordCount: number;
}

export interface DriveOptions {
  client: KinesisClient;
  streamName: string;
  /** One PutRecords per entry per tick; each entry's keys all map to one shard. */
  keysPerShard: string[][];
  recordsPerTick: number;
  /** Billed size of each record (data + partition key). */
  recordBytes: number;
  tickMs: number;
  durationMs: number;
  maxInFlight?: number;
  /**
   * The gate's manual clock: each tick's puts are sent, answered, and then the clock moves on by
   * `tickMs`. The offered rate is then exact whatever the machine's speed (no real waiting).
   */
  advance?: (ms: number) => void;
}

/**
 * Raw-SDK load on a fixed schedule: every tick, one PutRecords per shard. Late ticks fire at once,
 * so the offered rate holds as long as the gate keeps up (or exactly, with a manual clock: `advance`). Each record's data names its batch and
 * position, so read-back can check order.
 */
export async function drive(options: DriveOptions): Promise<SentBatch[]> {
  const start = Date.now();
  const batches: SentBatch[] = [];
  const inFlight = new Set<Promise<void>>();
  const errors: unknown[] = [];
  let batchNo = 0;
  for (let tick = 0; tick * options.tickMs < options.durationMs; tick++) {
    if (options.advance && tick > 0) {
      await Promise.all(inFlight);
      options.advance(options.tickMs);
    }
    const due = start + tick * options.tickMs;
    if (!options.advance && due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    for (const keys of options.keysPerShard) {
      const id = batchNo++;
      const records = Array.from({ length: options.recordsPerTick }, (_, i) => {
        const partitionKey = keys[i % keys.length];
        const label = `b${id}r${i}:`;
        const data = Buffer.alloc(options.recordBytes - Buffer.byteLength(partitionKey), 'x');
        data.write(label);
        return { partitionKey, data };
      });
      const sent = options.client
        .send(new PutRecordsCommand({ StreamName: options.streamName, Records: records.map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })) }))
        .then(
          (out) => {
            batches.push({ records, results: out.Records ?? [], failedRecordCount: out.FailedRecordCount ?? -1 });
          },
          (err: unknown) => {
            errors.push(err);
          },
        )
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
      while (inFlight.size >= (options.maxInFlight ?? 8)) await Promise.race(inFlight);
    }
  }
  await Promise.all(inFlight);
  if (errors.length > 0) throw errors[0];
  return batches;
}
