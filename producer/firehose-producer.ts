// Firehose direct PUT: newline-delimited records in PutRecordBatch requests (500 records,
// 4 MiB, 1000 KiB per record), retrying what FailedPutCount reports. Same surface and
// buffering, retry and metrics machinery as the Kinesis producer.
import { PutRecordBatchCommand, type PutRecordBatchCommandOutput } from '@aws-sdk/client-firehose';
import { UserError } from '../common/user-error.js';
import type { PendingRecord } from './pending-record.js';
import { ProducerCore, type CoreOptions } from './producer-core.js';
import { Queue } from './queue.js';
import { FailureGroups, classifyRequestError, describeCode } from './retrier.js';
import { MiB, checkPositive, checkPutInput, toBytes } from './validation.js';

/** Firehose's per-record limit (before base64). */
export const FIREHOSE_MAX_RECORD_BYTES = 1000 * 1024;

export interface FirehoseProducerOptions extends CoreOptions {
  deliveryStreamName: string;
  /** Appended to every record that does not already end with it. Default "\n"; "" sends records as they are. */
  delimiter?: string;
  /** Records per PutRecordBatch (max 500). */
  collectionMaxCount?: number;
  /** Bytes per PutRecordBatch (max 4 MiB). */
  collectionMaxBytes?: number;
}

export interface FirehosePutResult {
  recordId: string;
  /** Tries it took, including the one that succeeded. */
  attempts: number;
}

type Pending = PendingRecord<FirehosePutResult>;

export class FirehoseProducer extends ProducerCore<Pending, FirehosePutResult> {
  readonly deliveryStreamName: string;
  private readonly delimiter: Uint8Array;
  private readonly queue = new Queue<Pending>();

  constructor(options: FirehoseProducerOptions) {
    if (typeof options.deliveryStreamName !== 'string' || options.deliveryStreamName.length === 0) {
      throw new UserError('deliveryStreamName', options.deliveryStreamName, 'must name the Firehose delivery stream');
    }
    super(
      options,
      {
        maxCount: checkPositive(options.collectionMaxCount, 500, 'collectionMaxCount', 500),
        maxBytes: checkPositive(options.collectionMaxBytes, 4 * MiB, 'collectionMaxBytes', 4 * MiB),
      },
      options.deliveryStreamName,
    );
    this.deliveryStreamName = options.deliveryStreamName;
    this.delimiter = new TextEncoder().encode(options.delimiter ?? '\n');
  }

  /**
   * Validates (throws naming the field at once), then buffers the record. `data` bytes are copied
   * (the caller may reuse its buffer when put() returns) unless the producer was made with `zeroCopy`.
   */
  put(input: { data: Uint8Array | string }): Promise<FirehosePutResult> {
    checkPutInput(input);
    let data = this.delimited(toBytes(input.data, true)); // a copy when the delimiter is appended
    if (data === input.data && !this.zeroCopy) data = new Uint8Array(data);
    if (data.byteLength > FIREHOSE_MAX_RECORD_BYTES) {
      throw new UserError('data', data, `record with its delimiter is ${data.byteLength} bytes, over Firehose's limit of ${FIREHOSE_MAX_RECORD_BYTES} bytes (1000 KiB)`);
    }
    return this.enqueue('', undefined, data, 0, undefined);
  }

  private delimited(data: Uint8Array): Uint8Array {
    const d = this.delimiter;
    if (d.byteLength === 0) return data;
    if (data.byteLength >= d.byteLength && d.every((b, i) => data[data.byteLength - d.byteLength + i] === b)) return data;
    const out = new Uint8Array(data.byteLength + d.byteLength);
    out.set(data, 0);
    out.set(d, data.byteLength);
    return out;
  }

  protected route(record: Pending): void {
    this.queue.push(record);
    if (this.queue.length === 1) this.schedulePump();
  }

  protected recordsOf(batch: Pending[]): readonly Pending[] {
    return batch;
  }

  protected stage(now: number): number {
    while (this.queue.length > 0) {
      const head = this.queue.peek();
      if (head.deadline <= now) {
        this.queue.shift();
        this.retrier.expire(head);
        continue;
      }
      if (!this.collector.offer(head)) break;
      this.queue.shift();
    }
    return Infinity;
  }

  protected async sendBatch(batch: Pending[], now: number): Promise<void> {
    for (const r of batch) if (r.attempts === undefined) this.stats.bufferingTime.recordValue(Math.max(0, now - r.receivedAt));
    let output: PutRecordBatchCommandOutput;
    try {
      output = await this.sender.send<PutRecordBatchCommandOutput>(
        new PutRecordBatchCommand({ DeliveryStreamName: this.deliveryStreamName, Records: batch.map((r) => ({ Data: r.data })) }),
      );
    } catch (error) {
      this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - now));
      const info = classifyRequestError(error);
      this.stats.error(undefined, info.code, batch.length);
      this.failedTry(batch, info);
      return;
    }
    this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - now));
    const responses = output.RequestResponses ?? [];
    if (responses.length !== batch.length) {
      const message = `InternalFailure: PutRecordBatch answered ${responses.length} results for ${batch.length} records`;
      this.stats.error(undefined, 'InternalFailure', batch.length);
      this.failedTry(batch, { code: 'InternalFailure', message, retryable: true });
      return;
    }
    const failures = new FailureGroups<FirehosePutResult>();
    for (let i = 0; i < batch.length; i++) {
      const record = batch[i];
      const r = responses[i];
      if (r.ErrorCode !== undefined) {
        this.stats.error(undefined, r.ErrorCode);
        failures.add(r.ErrorCode, () => describeCode(r.ErrorCode as string, r.ErrorMessage), [record]);
        continue;
      }
      this.stats.put(undefined, 1, record.data.byteLength, record.data.byteLength);
      this.succeed(record, { recordId: r.RecordId ?? '', attempts: (record.attempts?.length ?? 0) + 1 });
    }
    failures.forEach((records, info) => this.failedTry(records, info));
  }
}
