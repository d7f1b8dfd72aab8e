import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import { silentLogger, type Logger } from '../../common/logger.js';
import { systemClock, type Clock } from '../../common/clock.js';

/** Kinesis read limits per shard. */
export const MAX_READS_PER_SECOND = 5;
export const MAX_READ_BYTES_PER_SECOND = 2 * 1024 * 1024;

export interface ShardRead {
  records: _Record[];
  /** The shard is closed and every record has been read. */
  shardEnd: boolean;
}

export interface ShardReaderOptions {
  client: KinesisClient;
  streamName: string;
  shardId: string;
  /** Resume after this sequence number (from a checkpoint); else from TRIM_HORIZON. */
  afterSequenceNumber?: string;
  /** Wait between reads that found nothing new, as Firehose polls once a second. */
  idlePollMs?: number;
  /** Records per GetRecords call (Kinesis maximum 10,000). */
  limit?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Reads one shard in order with GetShardIterator + GetRecords, paced to the per-shard read limits
 * (at most 5 calls/s and 2 MiB/s averaged over each call), re-acquiring the iterator after the last
 * record read when it expires or a call fails.
 */
export class ShardReader {
  /** Earliest time (ms) the next GetRecords may be sent. */
  nextReadAt = 0;
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: ShardReaderOptions) {
    this.lastSequenceNumber = options.afterSequenceNumber;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
  }

  get shardId(): string {
    return this.options.shardId;
  }

  async read(): Promise<ShardRead> {
    const started = this.clock.now();
    try {
      this.iterator ??= await this.acquireIterator();
      const out = await this.options.client.send(new GetRecordsCommand({ ShardIterator: this.iterator, Limit: this.options.limit ?? 10_000 }));
      const records = out.Records ?? [];
      this.iterator = out.NextShardIterator ?? undefined;
      if (records.length > 0) this.lastSequenceNumber = records[records.length - 1].SequenceNumber;
      const bytes = records.reduce((sum, r) => sum + (r.Data?.byteLength ?? 0) + (r.PartitionKey?.length ?? 0), 0);
      const paced = Math.max(1000 / MAX_READS_PER_SECOND, (bytes / MAX_READ_BYTES_PER_SECOND) * 1000);
      this.nextReadAt = started + (records.length === 0 ? Math.max(paced, this.options.idlePollMs ?? 1000) : paced);
      return { records, shardEnd: out.NextShardIterator == null };
    } catch (err) {
      // Expired iterator, throttling, a dropped connection: start again after the last record read.
      this.iterator = undefined;
      this.nextReadAt = started + 1000;
      this.logger.warn({ shardId: this.shardId, err: (err as Error).message, name: (err as Error).name }, 'GetRecords failed; retrying');
      return { records: [], shardEnd: false };
    }
  }

  private async acquireIterator(): Promise<string> {
    const out = await this.options.client.send(
      new GetShardIteratorCommand({
        StreamName: this.options.streamName,
        ShardId: this.options.shardId,
        ...(this.lastSequenceNumber
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: this.lastSequenceNumber }
          : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    if (!out.ShardIterator) throw new Error(`no shard iterator for ${this.options.shardId}`);
    return out.ShardIterator;
  }
}
