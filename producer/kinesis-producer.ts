// The KPL-compatible producer: put() / putMany() checks, then the pipeline with the Kinesis transport.
import { availableParallelism } from 'node:os';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { leaseHashWorkers } from './hash-worker-pool.js';
import { InvalidArgumentError } from './invalid-argument-error.js';
import { KinesisTransport, type PutResult } from './kinesis-transport.js';
import { Limiter, type LimiterOptions } from './limiter.js';
import { Pipeline, type PipelineOptions, type PutManyResult, type PutManyTally } from './pipeline.js';
import { ProducerFacade } from './producer-facade.js';
import { PutHandle } from './put-handle.js';
import type { KeyEntry } from './aggregator.js';
import { sendWithTimeout } from './sender.js';
import { ShardMap, type ShardPredictor } from './shard-map.js';
import { MiB, checkData, checkExplicitHashKey, checkPartitionKey, checkPositive, checkPutInput, checkRecordLimit, type PutInput } from './validation.js';
import { putManyRefusal } from './put-many.js';

export type { PutResult };

export interface KinesisProducerOptions extends PipelineOptions {
  streamName: string;
  /** Pack user records of one shard into KPL aggregated records. Default true. */
  aggregation?: boolean;
  /** Aggregated record size limit (data + key). Default 51 200 (the KPL's), at most the record limit. */
  aggregationMaxBytes?: number;
  /** The stream's record limit: 1 MiB by default, up to 10 MiB. */
  maxRecordBytes?: number;
  /** Records per PutRecords (max 500). */
  collectionMaxCount?: number;
  /** Bytes per PutRecords including partition keys (max 5 MiB). */
  collectionMaxBytes?: number;
  /** Per-shard pace as a percent of the shard limits. Default 100 (the KPL uses 150). */
  rateLimitPercent?: number;
  /** Cut a shard's pace on throttles and recover it (default true). */
  adaptive?: boolean;
  /** Fine-tuning of the limiter (shard limits, AIMD constants). */
  limiter?: LimiterOptions;
  /** Inject a shard map (tests); by default one is read from the client with ListShards. */
  shardMap?: ShardPredictor;
  /**
   * Worker threads that compute the MD5 of aggregated records (the single-thread floor). Each
   * takes an aggregate only while it keeps up, so with no core free this thread hashes itself.
   * Producers of one process asking for the same number share the threads; the last to close
   * stops them 10 s later unless another producer takes them first.
   * 'auto': one worker when the machine has two cores or more. Default 0 (none).
   */
  hashWorkers?: number | 'auto';
  /**
   * Write new aggregated records into the buffers of acknowledged ones instead of fresh memory
   * (faster, and a flatter RSS). Only safe when the client keeps no reference to the `Data` it was
   * sent once `send()` has resolved, as the AWS SDK (which serializes the request first). Default:
   * true for a `KinesisClient`, false for any other client.
   */
  reuseBuffers?: boolean;
  /**
   * Compute the MD5 of aggregated records four at a time on this thread with WebAssembly SIMD
   * (about 2.8× node:crypto's one-at-a-time rate) when the runtime supports it. Default true;
   * false hashes each with node:crypto.
   */
  md5Lanes?: boolean;
}

function hashWorkerCount(option: number | 'auto' | undefined): number {
  if (option === 'auto') return availableParallelism() > 1 ? 1 : 0;
  if (option === undefined) return 0;
  if (!Number.isInteger(option) || option < 0 || option > 64) throw new InvalidArgumentError('hashWorkers', option, "must be 'auto' or an integer from 0 to 64");
  return option;
}

export class KinesisProducer extends ProducerFacade<PutResult> {
  readonly streamName: string;
  private readonly pipeline: Pipeline<PutResult>;
  private readonly transport: KinesisTransport;
  private readonly maxRecordBytes: number;

  constructor(options: KinesisProducerOptions) {
    if (typeof options.streamName !== 'string' || options.streamName.length === 0) {
      throw new InvalidArgumentError('streamName', options.streamName, 'must name the Kinesis stream');
    }
    const streamName = options.streamName;
    const maxRecordBytes = checkRecordLimit(options.maxRecordBytes ?? MiB);
    const collectorLimits = {
      maxCount: checkPositive(options.collectionMaxCount, 500, 'collectionMaxCount', 500),
      maxBytes: checkPositive(options.collectionMaxBytes, 5 * MiB, 'collectionMaxBytes', 5 * MiB),
    };
    const aggregationMaxBytes = Math.min(checkPositive(options.aggregationMaxBytes, 51_200, 'aggregationMaxBytes', maxRecordBytes), maxRecordBytes);
    const limiter = new Limiter({
      ...options.limiter,
      rateLimitPercent: checkPositive(options.rateLimitPercent ?? options.limiter?.rateLimitPercent, 100, 'rateLimitPercent'),
      adaptive: options.adaptive ?? options.limiter?.adaptive,
      random: options.random ?? options.limiter?.random,
    });
    const workers = hashWorkerCount(options.hashWorkers);
    let transport: KinesisTransport | undefined;
    const pipeline = new Pipeline<PutResult>(options, streamName, (context) => {
      const shardMap =
        options.shardMap ??
        new ShardMap({
          // ListShards has the same timeout as puts: a hung load would park records past their TTL.
          client: { send: (command) => sendWithTimeout(options.client, context.scheduler, command, context.requestTimeoutMs) },
          streamName,
          clock: context.clock,
          scheduler: context.scheduler,
          onError: (error) => context.logger.warn({ err: error }, 'shard map refresh failed; keeping the previous map'),
        });
      const hashWorkers = workers > 0 ? leaseHashWorkers(workers, (error) => context.logger.error({ err: error }, 'hash worker failed; hashing on this thread')) : undefined;
      transport = new KinesisTransport(context, { streamName, shardMap, limiter, aggregation: options.aggregation ?? true, aggregationMaxBytes, collectorLimits, hashWorkers, reuseBuffers: options.reuseBuffers ?? options.client instanceof KinesisClient, md5Lanes: options.md5Lanes ?? true });
      return transport;
    });
    super(pipeline);
    this.pipeline = pipeline;
    this.transport = transport as unknown as KinesisTransport;
    this.streamName = streamName;
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Validates (throws an InvalidArgumentError naming the field at once; nothing is enqueued),
   * then buffers the record. `data` bytes are copied, so the caller may reuse its buffer when
   * put() returns, unless the producer was made with `zeroCopy`. Returns a Promise-compatible
   * PutHandle (not a native promise) that resolves once Kinesis acknowledged the record, or rejects
   * with a ProducerError (its record, code and attempts).
   */
  put(input: PutInput): PutHandle<PutResult> {
    const pipeline = this.pipeline;
    if (!pipeline.isClosed) {
      const now = pipeline.acceptTime();
      const handle = this.addKnown(input, undefined, pipeline.acceptSeq, now);
      if (handle !== undefined) {
        pipeline.admitted(now);
        return handle;
      }
    }
    checkPutInput(input);
    const pkBytes = this.keyBytes(input.partitionKey);
    const dataBytes = checkData(input.data, pkBytes, this.maxRecordBytes);
    const hashKey = checkExplicitHashKey(input.explicitHashKey);
    // MD5 hash keys are predicted (and cached per partition key) when the record is routed.
    return this.pipeline.put(input.partitionKey, input.explicitHashKey, hashKey, input.data, dataBytes, pkBytes, this.pipeline.zeroCopy);
  }

  /**
   * The fast path of put() and putMany(): bytes under a partition key seen (and checked) before,
   * with no explicit hash key, go straight to their shard's aggregator, counted into the buffer as
   * the general path would. Returns what the record settles through: putMany()'s tally, or for a
   * put() (no tally) its new handle. Undefined (nothing done): anything else, or no room now; the
   * general path then checks, routes, waits or refuses.
   */
  private addKnown(input: PutInput, tally: undefined, seq: number, now: number): PutHandle<PutResult> | undefined;
  private addKnown(input: PutInput, tally: PutManyTally, seq: number, now: number): PutManyTally | undefined;
  private addKnown(input: PutInput, tally: PutManyTally | undefined, seq: number, now: number): PutHandle<PutResult> | PutManyTally | undefined {
    if (input === null || typeof input !== 'object' || input.explicitHashKey !== undefined || !(input.data instanceof Uint8Array)) return undefined;
    const key = this.transport.knownKey(input.partitionKey);
    const aggregator = key === undefined ? undefined : this.transport.aggregatorFor(key);
    if (aggregator === undefined) return undefined;
    const entry = key as KeyEntry<PutResult>;
    const dataBytes = input.data.byteLength;
    const bytes = dataBytes + entry.pkBytes;
    if (bytes > this.maxRecordBytes || !this.pipeline.admit(bytes)) return undefined;
    const target = tally ?? new PutHandle<PutResult>();
    aggregator.add(entry, input.partitionKey, undefined, entry.hashKey, input.data, dataBytes, this.pipeline.zeroCopy, target, seq, now, undefined);
    return target;
  }

  /** Checks a partition key unless it was seen (and checked) before; its UTF-8 size. */
  private keyBytes(partitionKey: string): number {
    return this.transport.knownKey(partitionKey)?.pkBytes ?? checkPartitionKey(partitionKey);
  }

  /**
   * Puts many records with one promise: resolves once every one has settled, to the count
   * acknowledged and each failure with its record, reason (the error code) and attempts. It
   * never rejects: a record that fails validation is a failure with reason `InvalidArgument`.
   * Bytes are copied as by put(). Await ready() between calls for backpressure.
   */
  putMany(records: Iterable<PutInput>): Promise<PutManyResult> {
    const list = Array.isArray(records) ? (records as PutInput[]) : [...records];
    const pipeline = this.pipeline;
    const { tally, done } = pipeline.tally(list.length);
    const zeroCopy = pipeline.zeroCopy;
    // The fast path first (addKnown()). Nothing runs between two records (no callback, no await),
    // so the producer cannot close during the call and the turn of the event loop (receive time,
    // flush epoch) is the same for all of them.
    const open = !pipeline.isClosed && list.length > 0;
    const now = open ? pipeline.acceptTime() : 0;
    const seq = pipeline.acceptSeq;
    let fast = 0;
    for (let i = 0; i < list.length; i++) {
      const input = list[i];
      if (open && this.addKnown(input, tally, seq, now) !== undefined) {
        fast++;
        continue;
      }
      let pkBytes: number;
      let dataBytes: number;
      let hashKey: bigint | undefined;
      try {
        checkPutInput(input);
        pkBytes = this.keyBytes(input.partitionKey);
        dataBytes = checkData(input.data, pkBytes, this.maxRecordBytes);
        hashKey = checkExplicitHashKey(input.explicitHashKey);
      } catch (error) {
        const refusal = putManyRefusal(input, error);
        this.pipeline.refuse(tally, refusal.record, refusal.reason, refusal.message);
        continue;
      }
      pipeline.putInto(tally, input.partitionKey, input.explicitHashKey, hashKey, input.data, dataBytes, pkBytes, zeroCopy);
    }
    if (fast > 0) pipeline.admitted(now);
    return done;
  }
}
