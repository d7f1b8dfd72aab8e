// Firehose direct PUT: newline-delimited records in PutRecordBatch requests (500 records, 4 MiB,
// 1000 KiB per record), paced by the adaptive limiter, retrying what FailedPutCount reports.
// Same pipeline as the Kinesis producer, with the Firehose transport.
import { copyBytes } from './byte-slab.js';
import { FirehoseTransport, type FirehosePutResult } from './firehose-transport.js';
import { InvalidArgumentError } from './invalid-argument-error.js';
import { Limiter, type LimiterOptions } from './limiter.js';
import { Pipeline, type PipelineOptions, type PutManyResult } from './pipeline.js';
import { ProducerFacade } from './producer-facade.js';
import type { PutHandle } from './put-handle.js';
import { putManyRefusal } from './put-many.js';
import { MiB, checkPositive, checkPutInput, toBytes } from './validation.js';

export type { FirehosePutResult };

/** Firehose's per-record limit (before base64). */
export const FIREHOSE_MAX_RECORD_BYTES = 1000 * 1024;

/**
 * Firehose direct PUT quotas per delivery stream (the larger regions' defaults): 5 MiB/s, 5,000
 * records/s. A delivery stream is rarely shared by a fleet, so the pace starts at the quota (no
 * slow start) and only throttles cut it.
 */
const FIREHOSE_LIMITS = { bytesPerSecond: 5 * MiB, recordsPerSecond: 5_000, startFactor: 1 };

export interface FirehoseProducerOptions extends PipelineOptions {
  deliveryStreamName: string;
  /** Appended to every record that does not already end with it. Default "\n"; "" sends records as they are. */
  delimiter?: string;
  /** Records per PutRecordBatch (max 500). */
  collectionMaxCount?: number;
  /** Bytes per PutRecordBatch (max 4 MiB). */
  collectionMaxBytes?: number;
  /** Cut the pace on throttles (ServiceUnavailableException) and recover it (default true). */
  adaptive?: boolean;
  /** The delivery stream's quotas and the limiter's constants. Default 5 MiB/s and 5,000 records/s. */
  limiter?: LimiterOptions;
}

export class FirehoseProducer extends ProducerFacade<FirehosePutResult> {
  readonly deliveryStreamName: string;
  private readonly pipeline: Pipeline<FirehosePutResult>;
  private readonly delimiter: Uint8Array;

  constructor(options: FirehoseProducerOptions) {
    if (typeof options.deliveryStreamName !== 'string' || options.deliveryStreamName.length === 0) {
      throw new InvalidArgumentError('deliveryStreamName', options.deliveryStreamName, 'must name the Firehose delivery stream');
    }
    const name = options.deliveryStreamName;
    const collectorLimits = {
      maxCount: checkPositive(options.collectionMaxCount, 500, 'collectionMaxCount', 500),
      maxBytes: checkPositive(options.collectionMaxBytes, 4 * MiB, 'collectionMaxBytes', 4 * MiB),
    };
    const limiter = new Limiter({ ...FIREHOSE_LIMITS, ...options.limiter, adaptive: options.adaptive ?? options.limiter?.adaptive, random: options.random ?? options.limiter?.random });
    const pipeline = new Pipeline<FirehosePutResult>(options, name, (context) => new FirehoseTransport(context, name, limiter, collectorLimits));
    super(pipeline);
    this.pipeline = pipeline;
    this.deliveryStreamName = name;
    this.delimiter = new TextEncoder().encode(options.delimiter ?? '\n');
  }

  /** Validates and delimits one record; throws an InvalidArgumentError naming the field. */
  private prepare(input: { data: Uint8Array | string }): Uint8Array {
    checkPutInput(input);
    let data = this.delimited(toBytes(input.data, true)); // a copy when the delimiter is appended
    if (data === input.data && !this.pipeline.zeroCopy) data = copyBytes(data);
    if (data.byteLength > FIREHOSE_MAX_RECORD_BYTES) {
      throw new InvalidArgumentError('data', data, `record with its delimiter is ${data.byteLength} bytes, over Firehose's limit of ${FIREHOSE_MAX_RECORD_BYTES} bytes (1000 KiB)`);
    }
    return data;
  }

  /**
   * Validates (throws an InvalidArgumentError naming the field at once), then buffers the record.
   * `data` bytes are copied (the caller may reuse its buffer when put() returns) unless the
   * producer was made with `zeroCopy`. Returns a Promise-compatible PutHandle, as KinesisProducer.put().
   */
  put(input: { data: Uint8Array | string }): PutHandle<FirehosePutResult> {
    const data = this.prepare(input);
    return this.pipeline.put('', undefined, undefined, data, data.byteLength, 0, true);
  }

  /** Puts many records with one promise, like KinesisProducer.putMany(). */
  putMany(records: Iterable<{ data: Uint8Array | string }>): Promise<PutManyResult> {
    const list = Array.isArray(records) ? (records as { data: Uint8Array | string }[]) : [...records];
    const { tally, done } = this.pipeline.tally(list.length);
    for (const input of list) {
      let data: Uint8Array;
      try {
        data = this.prepare(input);
      } catch (error) {
        const refusal = putManyRefusal(input, error);
        this.pipeline.refuse(tally, refusal.record, refusal.reason, refusal.message);
        continue;
      }
      this.pipeline.putInto(tally, '', undefined, undefined, data, data.byteLength, 0, true);
    }
    return done;
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
}
