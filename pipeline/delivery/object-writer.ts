import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { silentLogger, type Logger } from '../../common/logger.js';
import { systemClock, type Clock } from '../../common/clock.js';
import { UserError } from '../../common/user-error.js';
import type { Bucket } from '../lake/bucket.js';
import type { BufferHints } from './buffer-hints.js';
import { errorRecordJson } from './error-record.js';
import type { FailedRecord, TransformedRecord } from './lambda-invoker.js';
import { objectKey, randomString } from './object-name.js';
import type { ParquetEncoder } from './parquet-encoder.js';
import { MissingPartitionKeyError, PrefixTemplate } from './prefix.js';
import type { SourceRecord } from './source-record.js';

const gzip = promisify(gzipCallback);
const NEWLINE = 0x0a;

export interface ObjectWriterOptions {
  bucket: Bucket;
  /** The delivery stream's name, first part of every object name. */
  deliveryStreamName: string;
  version?: number;
  prefix: PrefixTemplate;
  errorPrefix: PrefixTemplate;
  hints: BufferHints;
  lambdaArn: string;
  /** Parquet for the events when given; errors stay GZIP JSON as in Firehose. */
  parquet?: ParquetEncoder;
  /** Called once the object holding these records is stored. */
  onWritten: (records: SourceRecord[]) => void;
  clock?: Clock;
  random?: () => number;
  newUuid?: () => string;
  logger?: Logger;
}

export interface WriterStats {
  objects: number;
  bytes: number;
  recordsWritten: number;
  errorRecordsWritten: number;
  partitioningFailed: number;
}

interface PartitionBuffer {
  partition: string;
  errorOutputType?: string;
  lines: Uint8Array[];
  sources: SourceRecord[];
  bytes: number;
  oldestArrivalMs: number;
  openedAt: number;
  retryAt: number;
}

/**
 * Buffers records per evaluated prefix (a partition) by the S3 hints and writes each buffer as one
 * object named the Firehose way: GZIP NDJSON with one newline per record, or Parquet. A failed
 * put keeps the buffer and retries it later, so records are never settled before they are stored.
 */
export class ObjectWriter {
  private readonly buffers = new Map<string, PartitionBuffer>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly newUuid: () => string;
  private readonly logger: Logger;
  private buffered = 0;
  readonly stats: WriterStats = { objects: 0, bytes: 0, recordsWritten: 0, errorRecordsWritten: 0, partitioningFailed: 0 };

  constructor(private readonly options: ObjectWriterOptions) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.newUuid = options.newUuid ?? randomUUID;
    this.logger = options.logger ?? silentLogger;
  }

  /** Bytes held in buffers, not yet written. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  add(record: TransformedRecord): void {
    let partition: string;
    try {
      partition = this.options.prefix.partition(record.partitionKeys);
    } catch (err) {
      if (!(err instanceof MissingPartitionKeyError)) throw err;
      this.stats.partitioningFailed++;
      this.addFailed({
        source: record.source,
        outputType: 'partitioning-failed',
        errorCode: 'DynamicPartitioning.MetadataExtractionFailed',
        errorMessage: err.message,
        attemptsMade: 1,
        attemptEndingMs: this.clock.now(),
      });
      return;
    }
    const data = record.data;
    this.append(partition, undefined, data[data.byteLength - 1] === NEWLINE ? data : withNewline(data), record.source);
  }

  addFailed(failed: FailedRecord): void {
    const line = Buffer.from(`${JSON.stringify(errorRecordJson(failed, this.options.lambdaArn))}\n`);
    this.append(this.options.errorPrefix.partition(undefined), failed.outputType, line, failed.source);
  }

  /** Writes every buffer that is full or old enough (`all`: every buffer). */
  async flush(which: 'due' | 'all'): Promise<void> {
    const now = this.clock.now();
    for (const [key, buffer] of [...this.buffers]) {
      if (buffer.retryAt > now) continue;
      const due = buffer.bytes >= this.options.hints.sizeBytes || now - buffer.openedAt >= this.options.hints.intervalMs;
      if (which === 'all' || due) await this.write(key, buffer);
    }
  }

  private append(partition: string, errorOutputType: string | undefined, line: Uint8Array, source: SourceRecord): void {
    const key = `${errorOutputType ?? ''}\0${partition}`;
    let buffer = this.buffers.get(key);
    if (!buffer) {
      buffer = { partition, errorOutputType, lines: [], sources: [], bytes: 0, oldestArrivalMs: source.arrivalMs, openedAt: this.clock.now(), retryAt: 0 };
      this.buffers.set(key, buffer);
    }
    buffer.lines.push(line);
    buffer.sources.push(source);
    buffer.bytes += line.byteLength;
    buffer.oldestArrivalMs = Math.min(buffer.oldestArrivalMs, source.arrivalMs);
    this.buffered += line.byteLength;
  }

  private async write(key: string, buffer: PartitionBuffer): Promise<void> {
    const at = new Date(buffer.oldestArrivalMs);
    const prefix = PrefixTemplate.finish(buffer.partition, {
      arrival: at,
      errorOutputType: buffer.errorOutputType,
      randomString: () => randomString(this.random),
    });
    const ndjson = Buffer.concat(buffer.lines);
    const parquet = this.options.parquet && !buffer.errorOutputType ? this.options.parquet : undefined;
    const objectName = objectKey({
      prefix,
      stream: this.options.deliveryStreamName,
      version: this.options.version ?? 1,
      at,
      uuid: this.newUuid(),
      extension: parquet ? '.parquet' : '.json.gz',
    });
    let body: Uint8Array;
    try {
      body = parquet ? await parquet.encode(ndjson) : await gzip(ndjson);
    } catch (err) {
      if (!parquet) throw err;
      this.reroute(key, buffer, 'format-conversion-failed', 'DataFormatConversion.ConversionFailed', (err as Error).message);
      return;
    }
    try {
      await this.options.bucket.put(objectName, body);
      this.buffers.delete(key);
      this.buffered -= buffer.bytes;
      this.stats.objects++;
      this.stats.bytes += body.byteLength;
      if (buffer.errorOutputType) this.stats.errorRecordsWritten += buffer.sources.length;
      else this.stats.recordsWritten += buffer.sources.length;
      this.options.onWritten(buffer.sources);
    } catch (err) {
      if (err instanceof UserError && !buffer.errorOutputType) {
        // The store refused the key itself (a partition value like ".."): retrying cannot help.
        this.reroute(key, buffer, 'partitioning-failed', 'DynamicPartitioning.InvalidPrefix', err.message);
        return;
      }
      // S3 unavailable or throttling: Firehose keeps retrying delivery; so do we, a second apart.
      buffer.retryAt = this.clock.now() + 1000;
      this.logger.warn({ key: objectName, err: (err as Error).message }, 'object write failed; will retry');
    }
  }

  /** Records that cannot be stored where they belong (conversion failed, key refused) go to the error output. */
  private reroute(key: string, buffer: PartitionBuffer, outputType: FailedRecord['outputType'], errorCode: string, errorMessage: string): void {
    this.buffers.delete(key);
    this.buffered -= buffer.bytes;
    for (const source of buffer.sources) {
      this.addFailed({
        source,
        outputType,
        errorCode,
        errorMessage,
        attemptsMade: 1,
        attemptEndingMs: this.clock.now(),
      });
    }
  }
}

function withNewline(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.byteLength + 1);
  out.set(data);
  out[data.byteLength] = NEWLINE;
  return out;
}
