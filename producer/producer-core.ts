// What the Kinesis and Firehose producers share: accepting puts into a bounded buffer,
// the pump that moves due items into batches and sends them, settling every record exactly
// once, flush/close, retries and metrics. Subclasses own staging and the wire format.
import type { Histogram } from 'hdr-histogram-js';
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { BufferBudget, type BufferFullPolicy } from './buffer-budget.js';
import { Collector, type Collectable } from './collector.js';
import { ProducerMetrics, logMetricsPeriodically, type MetricsSnapshot } from './metrics.js';
import { recordAttempt, type PendingRecord } from './pending-record.js';
import { ProducerError } from './producer-error.js';
import { Retrier, type ErrorInfo } from './retrier.js';
import { systemClock, systemScheduler, type Clock, type Random, type Scheduler } from '../common/clock.js';
import { Sender } from './sender.js';
import type { CommandSender } from './shard-map.js';

/** Options both producers take. */
export interface CoreOptions {
  /** An AWS SDK v3 client, or anything with its `send(command)`. */
  client: CommandSender;
  /** Buffer time before a partial batch goes out. Default 100 ms. */
  maxBufferedTimeMs?: number;
  /** A user record not acknowledged within this fails as UserRecordExpired. Default 30 000. */
  recordTtlMs?: number;
  /** Unsettled bytes held at most (data + keys). Default 32 MiB. */
  maxBufferedBytes?: number;
  /** Unsettled user records held at most. Default 100 000. */
  maxBufferedRecords?: number;
  /** What put() does when the buffer is full. Default 'wait'. */
  onBufferFull?: BufferFullPolicy;
  /** Concurrent requests at most (the KPL's MaxConnections). Default 24. */
  maxInFlight?: number;
  /** A request without an answer after this is abandoned and retried. Default 10 000. */
  requestTimeoutMs?: number;
  /** First retry backoff ceiling (doubles per attempt, full jitter). Default 100. */
  baseBackoffMs?: number;
  /** Retry backoff ceiling. Default 5 000. */
  maxBackoffMs?: number;
  /**
   * Keep a reference to a put()'s Uint8Array instead of copying it. Default false: put() copies, so
   * the caller may reuse its buffer at once. With true the caller must not change the bytes until
   * the put has settled, or what is sent changes with them.
   */
  zeroCopy?: boolean;
  /** Log a metrics line this often; 0 turns it off. Default 60 000. */
  metricsIntervalMs?: number;
  logger?: Logger;
  clock?: Clock;
  scheduler?: Scheduler;
  /** Jitter source; inject a seeded one for reproducible retries. Default Math.random. */
  random?: Random;
}

// Promise executors run synchronously, so one module-level executor can hand each put's
// resolving functions to enqueue() without allocating a closure per put.
let capturedResolve: (result: never) => void = () => {};
let capturedReject: (error: ProducerError) => void = () => {};
function captureResolvers(resolve: (result: never) => void, reject: (error: ProducerError) => void): void {
  capturedResolve = resolve;
  capturedReject = reject;
}

interface FlushWaiter {
  seq: number;
  remaining: number;
  resolve: () => void;
}

export abstract class ProducerCore<Item extends Collectable, Result> {
  protected readonly clock: Clock;
  protected readonly scheduler: Scheduler;
  protected readonly logger: Logger;
  protected readonly maxBufferedTimeMs: number;
  protected readonly recordTtlMs: number;
  protected readonly requestTimeoutMs: number;
  protected readonly zeroCopy: boolean;
  protected readonly budget: BufferBudget;
  protected readonly sender: Sender;
  protected readonly retrier: Retrier<Result>;
  protected readonly stats = new ProducerMetrics();
  protected readonly collector: Collector<Item>;
  /** Records received up to this sequence are due now (set by flush). */
  protected flushSeq = 0;
  private seq = 0;
  private settled = 0;
  private flushWaiters: FlushWaiter[] = [];
  protected closed = false;
  private pumpQueued = false;
  private wakeAt = Infinity;
  private wakeTimer: unknown;
  private readonly stopMetricsLog: () => void;

  constructor(options: CoreOptions, collectorLimits: { maxCount: number; maxBytes: number }, name: string) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.logger = options.logger ?? silentLogger;
    this.maxBufferedTimeMs = options.maxBufferedTimeMs ?? 100;
    this.recordTtlMs = options.recordTtlMs ?? 30_000;
    this.zeroCopy = options.zeroCopy ?? false;
    this.budget = new BufferBudget(options.maxBufferedBytes ?? 32 * 1024 * 1024, options.maxBufferedRecords ?? 100_000, options.onBufferFull ?? 'wait');
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.sender = new Sender(options.client, this.scheduler, options.maxInFlight ?? 24, this.requestTimeoutMs);
    this.collector = new Collector<Item>(collectorLimits);
    this.retrier = new Retrier<Result>(
      { clock: this.clock, scheduler: this.scheduler, random: options.random ?? Math.random, baseBackoffMs: options.baseBackoffMs, maxBackoffMs: options.maxBackoffMs },
      {
        retry: (records) => {
          for (const r of records) if (!r.settled) this.route(r);
          this.schedulePump();
        },
        fail: (record, code, message, retryable) => this.fail(record, code, message, retryable),
      },
    );
    this.stopMetricsLog = logMetricsPeriodically(this.logger, options.metricsIntervalMs ?? 60_000, () => this.metrics(), name);
  }

  /** Puts a staged record where it waits for its batch (aggregator, queue). */
  protected abstract route(record: PendingRecord<Result>): void;
  /** Moves due/paced items into the collector; returns when to look again (ms, Infinity = no need). */
  protected abstract stage(now: number): number;
  /** Sends one batch and settles or retries every record in it. */
  protected abstract sendBatch(batch: Item[], now: number): Promise<void>;
  /** The user records a batch carries. */
  protected abstract recordsOf(batch: Item[]): readonly PendingRecord<Result>[];
  /** Extra per-shard state for metrics. */
  protected rateFactors(): Record<string, number> {
    return {};
  }

  /** Accepts a validated record: counted, bounded, then routed (or refused/queued). */
  protected enqueue(
    partitionKey: string,
    explicitHashKey: string | undefined,
    data: Uint8Array,
    pkBytes: number,
    hashKey: bigint | undefined,
  ): Promise<Result> {
    if (this.closed) {
      return Promise.reject(new ProducerError('Closed', 'producer is closed: put() after close()', { partitionKey, data }));
    }
    // One shared executor (no closure per put): it hands the resolving functions over here.
    const promise = new Promise<Result>(captureResolvers);
    const resolve = capturedResolve as (result: Result) => void;
    const reject = capturedReject;
    const now = this.clock.now();
    // A literal with every field (no spread) keeps one object shape on the hot path.
    const record: PendingRecord<Result> = {
      partitionKey,
      explicitHashKey,
      data,
      bytes: data.byteLength + pkBytes,
      pkBytes,
      hashKey,
      seq: ++this.seq,
      receivedAt: now,
      deadline: now + this.recordTtlMs,
      attempts: undefined,
      settled: false,
      resolve,
      reject,
    };
    this.stats.received++;
    if (this.budget.tryAcquire(record.bytes)) {
      this.route(record);
      this.armWake(now + this.maxBufferedTimeMs);
    } else if (!this.budget.waitFor(record.bytes, () => this.admitLater(record))) {
      this.stats.dropped++;
      this.settled++;
      this.noteSettled(record.seq);
      reject(
        new ProducerError(
          'BufferFull',
          `producer buffer ${this.budget.policy === 'wait' ? 'and its wait line are' : 'is'} full (${this.budget.records} records, ${this.budget.bytes} bytes; limits maxBufferedRecords=${this.budget.maxRecords}, maxBufferedBytes=${this.budget.maxBytes}); await producer.ready() before putting more`,
          { partitionKey, explicitHashKey, data },
          [],
          true,
        ),
      );
    }
    return promise;
  }

  private admitLater(record: PendingRecord<Result>): void {
    const now = this.clock.now();
    if (now >= record.deadline) {
      this.retrier.expire(record);
      return;
    }
    this.route(record);
    this.armWake(now + this.maxBufferedTimeMs);
  }

  /** Settles an acknowledged record. */
  protected succeed(record: PendingRecord<Result>, result: Result): void {
    if (record.settled) return;
    record.settled = true;
    this.budget.release(record.bytes);
    this.stats.retried(record.attempts?.length ?? 0);
    this.settled++;
    if (this.flushWaiters.length > 0) this.noteSettled(record.seq);
    record.resolve(result);
  }

  /**
   * Settles the acknowledged user records of one Kinesis record: one budget release and one
   * flush-waiter pass for all of them, then each put resolves with `resultAt(index)`.
   */
  protected succeedAll(records: readonly PendingRecord<Result>[], resultAt: (index: number) => Result): void {
    let bytes = 0;
    let count = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (record.settled) continue;
      bytes += record.bytes;
      count++;
      this.stats.retried(record.attempts?.length ?? 0);
    }
    this.settled += count;
    this.budget.release(bytes, count);
    if (this.flushWaiters.length > 0) for (const record of records) if (!record.settled) this.noteSettled(record.seq);
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      if (record.settled) continue;
      record.settled = true;
      record.resolve(resultAt(i));
    }
  }

  protected fail(record: PendingRecord<Result>, code: string, message: string, retryable: boolean): void {
    if (record.settled) return;
    record.settled = true;
    this.budget.release(record.bytes);
    this.stats.failed++;
    if (code === 'UserRecordExpired') this.stats.expired++;
    this.stats.retried(Math.max(0, (record.attempts?.length ?? 1) - 1));
    this.settled++;
    if (this.flushWaiters.length > 0) this.noteSettled(record.seq);
    this.logger.debug({ code, partitionKey: record.partitionKey, attempts: record.attempts?.length ?? 0 }, 'user record failed');
    record.reject(
      new ProducerError(code, message, { partitionKey: record.partitionKey || undefined, explicitHashKey: record.explicitHashKey, data: record.data }, record.attempts ?? [], retryable),
    );
  }

  /** Retries, expires or fails records after one failed try. */
  protected failedTry(records: readonly PendingRecord<Result>[], error: ErrorInfo): void {
    this.retrier.failed(records, error);
  }

  private noteSettled(seq: number): void {
    let done = false;
    for (const w of this.flushWaiters) {
      if (seq <= w.seq && --w.remaining === 0) {
        w.resolve();
        done = true;
      }
    }
    // Rebuilt only when a flush completed, not per settled record.
    if (done) this.flushWaiters = this.flushWaiters.filter((w) => w.remaining > 0);
  }

  /** Whether the collector's batch should go now. */
  protected batchDue(now: number): boolean {
    return (
      this.collector.count > 0 &&
      (this.collector.full || now - this.collector.oldestReceivedAt >= this.maxBufferedTimeMs || this.collector.oldestSeq <= this.flushSeq)
    );
  }

  /** A bug while handling a response: the batch's records that have not settled fail with it (none stranded). */
  private abandon(batch: Item[], error: unknown): void {
    this.logger.error({ err: error }, 'producer: unexpected error while handling a response');
    const message = `ResponseHandlingFailed: an unexpected error while handling the response: ${error instanceof Error ? error.message : String(error)}`;
    for (const record of this.recordsOf(batch)) {
      if (record.settled) continue;
      recordAttempt(record, { at: this.clock.now(), code: 'ResponseHandlingFailed', message });
      this.fail(record, 'ResponseHandlingFailed', message, false);
    }
  }

  /** Runs the pump soon (once per turn of the event loop, however many events asked). */
  protected schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Makes sure the pump runs by `at` (ms on the injected clock). */
  protected armWake(at: number): void {
    if (at >= this.wakeAt) return;
    if (this.wakeTimer !== undefined) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.scheduler.setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, at - this.clock.now()));
  }

  private pump(): void {
    const now = this.clock.now();
    let wake = this.stage(now);
    while (this.batchDue(now) && this.sender.hasCapacity) {
      const batch = this.collector.take();
      this.stats.putRequests++;
      this.stats.kinesisRecordsPerRequest.recordValue(batch.length);
      this.sendBatch(batch, now)
        .catch((error: unknown) => this.abandon(batch, error))
        .finally(() => this.schedulePump());
      wake = Math.min(wake, this.stage(now));
    }
    // A batch that is not due yet wakes the pump when it is; a busy sender wakes it on answer.
    if (this.collector.count > 0 && !this.batchDue(now)) wake = Math.min(wake, this.collector.oldestReceivedAt + this.maxBufferedTimeMs);
    if (wake < Infinity) this.armWake(Math.max(wake, now + 1));
  }

  /** User records received (or waiting for room) and not yet settled. */
  protected get unsettled(): number {
    return this.seq - this.settled;
  }

  /** Sends everything buffered now and resolves once those records have all settled. */
  flush(): Promise<void> {
    this.flushSeq = this.seq;
    const remaining = this.unsettled;
    this.schedulePump();
    if (remaining === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ seq: this.seq, remaining, resolve }));
  }

  /** Flushes, then refuses further puts and stops timers. */
  async close(): Promise<void> {
    this.closed = true;
    this.budget.close(); // ready() no longer waits: later puts reject with 'Closed'
    await this.flush();
    this.stopMetricsLog();
    if (this.wakeTimer !== undefined) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
  }

  /** Resolves when the buffer has room again, or the producer is closed (await it between puts for backpressure). */
  ready(): Promise<void> {
    return this.budget.ready();
  }

  metrics(): MetricsSnapshot {
    return this.stats.snapshot(this.rateFactors());
  }

  /** Read-only, for live views (observe/): requests sent and not yet answered. */
  get inFlight(): number {
    return this.sender.inFlight;
  }

  /** Read-only, for live views (observe/): a copy of the cumulative RequestTime histogram in ms. */
  requestTimeHistogram(): Histogram {
    return this.stats.requestTimeCopy();
  }
}
