// The one wiring site of a producer. A user record goes:
//   accept (bounded buffer) → transport.add (shard, aggregate, queue) → transport.stage (pace)
//   → collector (one request) → sender (bounded in-flight, timeout) → transport.settle (answers)
//   → acknowledged, or failed try → retrier (backoff, expiry, fatal) → readmitted.
// What moves is the wire record (an aggregate, or one user record): the user records inside it
// succeed or fail together, and are taken out of it only to fail, expire or re-route.
// Every user record ends exactly once, here: acknowledged, or failed with its reason and attempts.
// The Kinesis and Firehose producers differ only in the transport they plug in.
import type { Logger } from '../common/logger.js';
import { silentLogger } from '../common/logger.js';
import { classifyRequestError, type ErrorInfo } from '../common/aws-errors.js';
import { every, systemClock, systemScheduler, type Clock, type Random, type Scheduler } from '../common/clock.js';
import { BufferBudget, type BufferFullPolicy } from './buffer-budget.js';
import { Collector, type CollectorLimits } from './collector.js';
import { ProducerMetrics, type MetricsSnapshot } from './metrics.js';
import { recordAttempt, userRecord, VIA_HANDLE, type Members, type Sink, type Target, type WireRecord } from './wire-record.js';
import { PutHandle, rejectedHandle } from './put-handle.js';
import { ProducerError } from './producer-error.js';
import { FailureGroups, Retrier } from './retrier.js';
import { Sender } from './sender.js';
import { ownedBytes } from './byte-slab.js';
import type { CommandSender } from '../common/shard-lookup.js';

/** Options both producers take. */
export interface PipelineOptions {
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
  /** A request (ListShards too) without an answer after this is abandoned and retried. Default 10 000. */
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

/** What a transport may ask of the pipeline it is plugged into. */
export interface StageContext<Result> {
  readonly stats: ProducerMetrics;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly random: Random;
  readonly maxBufferedTimeMs: number;
  readonly recordTtlMs: number;
  readonly requestTimeoutMs: number;
  readonly backoffMs: (attempt: number) => number;
  /** Records that failed one try (or could not be routed): retried, expired or failed. */
  failedTry(records: readonly WireRecord<Result>[], error: ErrorInfo): void;
  /** A record whose TTL passed while it waited in a stage. */
  expire(record: WireRecord<Result>): void;
  /** Something became ready to send: run the pump soon. */
  wake(): void;
  /** Whether the pipeline is closed and holds nothing, so background work may stop. */
  idleAndClosed(): boolean;
  /** Records of this flush epoch or an earlier one are due now (flush()). */
  flushSeq(): number;
}

/** How one answer settles: an acknowledged wire record, or a failed one. */
export interface Settlement<Result> {
  /** `resultAt(i, tries)`: the put() result of member i, which took `tries` tries. */
  acked(record: WireRecord<Result>, resultAt: (index: number, tries: number) => Result): void;
  failed(record: WireRecord<Result>, error: ErrorInfo): void;
}

/** The wire side of a producer: staging, the request, reading its answer. */
export interface Transport<Result> {
  readonly collectorLimits: CollectorLimits;
  /**
   * Takes an accepted user record (the hot path). `data` is the caller's: copied (strings written
   * as UTF-8) unless `owned`, when the producer may keep it as it is.
   */
  add(
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint | undefined,
    data: Uint8Array | string,
    dataBytes: number,
    pkBytes: number,
    owned: boolean,
    target: Target<Result>,
    seq: number,
    receivedAt: number,
  ): void;
  /** Takes back a wire record whose backoff has passed, or a user record on its own (its data owned). */
  readmit(record: WireRecord<Result>): void;
  /** The user records of a wire record of two or more, each on its own with every attempt it made; marks it settled. */
  split(record: WireRecord<Result>): WireRecord<Result>[];
  /** Moves due, paced items into the collector; returns when to look again (ms, Infinity = no need). */
  stage(now: number, collector: Collector<WireRecord<Result>>): number;
  toCommand(batch: readonly WireRecord<Result>[]): object;
  /** Reads an answer (limiter, metrics) and settles every item of the batch through `settlement`. */
  settle(batch: readonly WireRecord<Result>[], output: unknown, sentAt: number, now: number, settlement: Settlement<Result>): void;
  /** A whole request failed: metrics and limiter only (the pipeline retries the records). */
  requestFailed(batch: readonly WireRecord<Result>[], error: ErrorInfo, sentAt: number, now: number): void;
  /** Extra per-shard state for metrics. */
  rateFactors(): Record<string, number>;
  /** Bytes per second the transport may send at its current pace (Infinity when unpaced). */
  paceBytesPerSecond(): number;
  /** Optional: the longest any of its queues (a shard's) takes to drain at its own pace, in seconds. */
  backlogSeconds?(now: number): number;
  /** The pipeline closed and holds nothing: release what the transport holds (workers). */
  close(): void;
}

// ready() holds callers once the buffer holds more than this many seconds at the current pace (or a
// third of the TTL if shorter). Two seconds keep the pipe full; little enough that a pace cut to
// the limiter's floor still drains the buffer well within the TTL.
const BUFFERED_SECONDS_OF_PACE = 2;

/** Counts the records of one putMany() call and resolves once every one has settled. */
export class PutManyTally implements Target<never> {
  private acked = 0;
  private readonly failed: FailedPut[] = [];
  private remaining: number;
  constructor(
    count: number,
    private readonly resolve: (result: PutManyResult) => void,
  ) {
    this.remaining = count;
    if (count === 0) resolve({ acked: 0, failed: [] });
  }
  /** Its records settle through the tally itself, wherever they are. */
  attach(): Sink {
    return this;
  }
  /** `count` of its records were acknowledged. */
  ack(count: number): void {
    this.acked += count;
    this.settled(count);
  }
  /** One of its records failed. */
  fail(failure: FailedPut): void {
    this.failed.push(failure);
    this.settled(1);
  }
  private settled(count: number): void {
    this.remaining -= count;
    if (this.remaining === 0) this.resolve({ acked: this.acked, failed: this.failed });
  }
}

export interface FailedPut {
  /** The record as sent (its data copied unless zeroCopy). */
  record: ProducerError['record'];
  /** The error code: UserRecordExpired, a fatal AWS code, BufferFull, Closed, ... */
  reason: string;
  message: string;
  attempts: ProducerError['attempts'];
}

export interface PutManyResult {
  acked: number;
  failed: FailedPut[];
}

const noop = () => {};

interface FlushWaiter {
  seq: number;
  remaining: number;
  resolve: () => void;
}

export class Pipeline<Result> {
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly logger: Logger;
  readonly stats = new ProducerMetrics();
  readonly zeroCopy: boolean;
  private readonly transport: Transport<Result>;
  private readonly maxBufferedTimeMs: number;
  private readonly recordTtlMs: number;
  private readonly budget: BufferBudget;
  private readonly sender: Sender;
  private readonly retrier: Retrier<Result>;
  private readonly collector: Collector<WireRecord<Result>>;
  // Records carry the flush epoch they arrived in (`seq`), not a number of their own: flush() ends
  // an epoch, and waits for the records of that epoch and earlier ones. Records of one epoch (and
  // one turn of the event loop) settle together, one run per wire record (see Members).
  private flushSeq = 0;
  private seq = 1;
  private received = 0;
  private settledCount = 0;
  private flushWaiters: FlushWaiter[] = [];
  private closed = false;
  private pumpQueued = false;
  private wakeAt = Infinity;
  private wakeTimer: unknown;
  // The clock is read once per turn of the event loop, not per put.
  private turnNow = -1;
  private readonly endTurn = () => {
    this.turnNow = -1;
  };
  private readonly stopMetricsLog: () => void;

  constructor(options: PipelineOptions, name: string, makeTransport: (context: StageContext<Result>) => Transport<Result>) {
    this.clock = options.clock ?? systemClock;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.logger = options.logger ?? silentLogger;
    this.zeroCopy = options.zeroCopy ?? false;
    this.maxBufferedTimeMs = options.maxBufferedTimeMs ?? 100;
    this.recordTtlMs = options.recordTtlMs ?? 30_000;
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    const random = options.random ?? Math.random;
    this.budget = new BufferBudget(
      options.maxBufferedBytes ?? 32 * 1024 * 1024,
      options.maxBufferedRecords ?? 100_000,
      options.onBufferFull ?? 'wait',
      (bufferedBytes) => {
        const seconds = Math.min(BUFFERED_SECONDS_OF_PACE, this.recordTtlMs / 3000);
        if (bufferedBytes >= this.transport.paceBytesPerSecond() * seconds) return true;
        return (this.transport.backlogSeconds?.(this.clock.now()) ?? 0) >= seconds;
      },
    );
    this.sender = new Sender(options.client, this.scheduler, options.maxInFlight ?? 24, requestTimeoutMs);
    this.retrier = new Retrier<Result>(
      { clock: this.clock, scheduler: this.scheduler, random, baseBackoffMs: options.baseBackoffMs, maxBackoffMs: options.maxBackoffMs },
      {
        retry: (records) => {
          for (const r of records) if (!r.settled) this.transport.readmit(r);
          this.schedulePump();
        },
        fail: (record, code, message, retryable) => this.fail(record, code, message, retryable),
        split: (record) => this.transport.split(record),
      },
    );
    this.transport = makeTransport({
      stats: this.stats,
      clock: this.clock,
      scheduler: this.scheduler,
      logger: this.logger,
      random,
      maxBufferedTimeMs: this.maxBufferedTimeMs,
      recordTtlMs: this.recordTtlMs,
      requestTimeoutMs,
      backoffMs: (attempt) => this.retrier.backoffMs(attempt),
      failedTry: (records, error) => this.retrier.failed(records, error),
      expire: (record) => this.retrier.expire(record),
      wake: () => this.schedulePump(),
      idleAndClosed: () => this.closed && this.unsettled === 0,
      flushSeq: () => this.flushSeq,
    });
    this.collector = new Collector<WireRecord<Result>>(this.transport.collectorLimits);
    const interval = options.metricsIntervalMs ?? 60_000;
    this.stopMetricsLog =
      interval > 0
        ? every(this.scheduler, interval, () => {
            const { stream, rateFactors } = this.metrics();
            this.logger.info({ metrics: stream, rateFactors, stream: name }, 'producer metrics');
          })
        : noop;
  }

  private now(): number {
    if (this.turnNow < 0) {
      this.turnNow = this.clock.now();
      queueMicrotask(this.endTurn);
    }
    return this.turnNow;
  }

  /**
   * Accepts one validated record; the promise settles once it is acknowledged or has failed.
   * `owned`: the producer may keep `data` as it is (a copy already, or zeroCopy).
   */
  put(partitionKey: string, explicitHashKey: string | undefined, hashKey: bigint | undefined, data: Uint8Array | string, dataBytes: number, pkBytes: number, owned: boolean): PutHandle<Result> {
    if (this.closed) return rejectedHandle(this.closedError(partitionKey, explicitHashKey, data));
    // A handle, not a native promise: one is made only if the caller awaits it (see PutHandle).
    const handle = new PutHandle<Result>();
    this.accept(partitionKey, explicitHashKey, hashKey, data, dataBytes, pkBytes, owned, handle);
    return handle;
  }

  /** Starts a putMany(): the tally its records report to, and that resolves the returned promise. */
  tally(count: number): { tally: PutManyTally; done: Promise<PutManyResult> } {
    let tally: PutManyTally | undefined;
    const done = new Promise<PutManyResult>((resolve) => (tally = new PutManyTally(count, resolve)));
    return { tally: tally as PutManyTally, done };
  }

  /** Accepts one validated record of a putMany() call: no promise, no object per record. */
  putInto(
    tally: PutManyTally,
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint | undefined,
    data: Uint8Array | string,
    dataBytes: number,
    pkBytes: number,
    owned: boolean,
  ): void {
    if (this.closed) {
      const e = this.closedError(partitionKey, explicitHashKey, data);
      tally.fail({ record: e.record, reason: e.code, message: e.message, attempts: [] });
      return;
    }
    this.accept(partitionKey, explicitHashKey, hashKey, data, dataBytes, pkBytes, owned, tally);
  }

  /** Fails one record of a putMany() call at once (it did not pass validation). */
  refuse(tally: PutManyTally, record: FailedPut['record'], reason: string, message: string): void {
    tally.fail({ record, reason, message, attempts: [] });
  }

  private closedError(partitionKey: string, explicitHashKey: string | undefined, data: Uint8Array | string): ProducerError {
    return new ProducerError('Closed', 'producer is closed: put() after close()', { partitionKey: partitionKey || undefined, explicitHashKey, data: ownedBytes(data, false) });
  }

  private accept(
    partitionKey: string,
    explicitHashKey: string | undefined,
    hashKey: bigint | undefined,
    data: Uint8Array | string,
    dataBytes: number,
    pkBytes: number,
    owned: boolean,
    target: Target<Result>,
  ): void {
    const now = this.now();
    const seq = this.seq;
    this.received++;
    this.stats.received++;
    if (this.budget.tryAcquire(dataBytes + pkBytes)) {
      this.transport.add(partitionKey, explicitHashKey, hashKey, data, dataBytes, pkBytes, owned, target, seq, now);
      this.admitted(now);
      return;
    }
    // Off the hot path: the record waits on its own, with its own copy of the data.
    const record = userRecord(partitionKey, explicitHashKey, hashKey, ownedBytes(data, owned), pkBytes, target, seq, now, now + this.recordTtlMs, undefined);
    if (this.budget.waitFor(record.userBytes, () => this.admitLater(record))) return;
    this.stats.dropped++;
    this.settledCount++;
    record.settled = true;
    this.noteSettled(seq, 1);
    this.reportFailure(
      record,
      new ProducerError(
        'BufferFull',
        `producer buffer ${this.budget.policy === 'wait' ? 'and its wait line are' : 'is'} full (${this.budget.records} records, ${this.budget.bytes} bytes; limits maxBufferedRecords=${this.budget.maxRecords}, maxBufferedBytes=${this.budget.maxBytes}); await producer.ready() before putting more`,
        { partitionKey: partitionKey || undefined, explicitHashKey, data: record.data },
        [],
        true,
      ),
    );
  }

  /**
   * For a fast path that hands records straight to the transport's aggregator (put() and putMany()
   * of the Kinesis producer): counts one record of `bytes` into the buffer, as accept() does. False
   * when there is no room now: the record then goes through accept(), which waits for room or
   * refuses it per onBufferFull.
   */
  admit(bytes: number): boolean {
    if (!this.budget.tryAcquire(bytes)) return false;
    this.received++;
    this.stats.received++;
    return true;
  }

  /** Records received at `now` are buffered: the pump runs by their buffer time. */
  admitted(now: number): void {
    // Compared here, so armWake() (a call taking a double, which is boxed: garbage) runs only when
    // the wake-up moves earlier, not on every put.
    const wakeBy = now + this.maxBufferedTimeMs;
    if (wakeBy < this.wakeAt) this.armWake(wakeBy);
  }

  /** The receive time of a record accepted now (the clock is read once per turn of the event loop). */
  acceptTime(): number {
    return this.now();
  }

  /** The flush epoch of a record accepted now. */
  get acceptSeq(): number {
    return this.seq;
  }

  private admitLater(record: WireRecord<Result>): void {
    const now = this.clock.now();
    if (now >= record.deadline) {
      this.retrier.expire(record);
      return;
    }
    this.transport.readmit(record);
    this.armWake(now + this.maxBufferedTimeMs);
  }

  /** Reports the failure of a wire record holding one user record to its put() or putMany(). */
  private reportFailure(record: WireRecord<Result>, error: ProducerError): void {
    const sink = record.members.firstSink;
    if (sink === VIA_HANDLE) {
      record.members.failed(error); // the put()'s handle settles to this rejection
      return;
    }
    sink.fail({ record: error.record, reason: error.code, message: error.message, attempts: error.attempts });
  }

  /**
   * Settles the user records of an acknowledged wire record: one budget release for all of them,
   * one tally update per run of a putMany() call, and put() handles read their result from the
   * members (only those already awaited are told now).
   */
  private succeed(record: WireRecord<Result>, resultAt: (index: number, tries: number) => Result): void {
    if (record.settled) return;
    record.settled = true;
    const members = record.members;
    const count = members.length;
    const failedTries = record.attempts?.length ?? 0;
    this.settledCount += count;
    this.budget.release(record.userBytes, count);
    if (members.earlier === undefined) this.stats.retried(failedTries, count);
    else for (let i = 0; i < count; i++) this.stats.retried(members.triesOf(i, failedTries) - 1);
    this.settleRuns(members);
    members.acked(resultAt, failedTries);
  }

  private settleRuns(members: Members<Result>): void {
    const runs = members.runStarts.length;
    for (let r = 0; r < runs; r++) {
      const n = members.runEnd(r) - members.runStarts[r];
      if (this.flushWaiters.length > 0) this.noteSettled(members.runSeqs[r], n);
      const sink = members.runSinks[r];
      if (sink !== VIA_HANDLE) sink.ack(n);
    }
  }

  private fail(record: WireRecord<Result>, code: string, message: string, retryable: boolean): void {
    if (record.settled) return;
    if (record.members.length > 1) {
      for (const part of this.transport.split(record)) this.fail(part, code, message, retryable);
      return;
    }
    record.settled = true;
    this.budget.release(record.userBytes);
    this.stats.failed++;
    if (code === 'UserRecordExpired') this.stats.expired++;
    this.stats.retried(Math.max(0, (record.attempts?.length ?? 1) - 1));
    this.settledCount++;
    if (this.flushWaiters.length > 0) this.noteSettled(record.seq, 1);
    this.logger.debug({ code, partitionKey: record.partitionKey, attempts: record.attempts?.length ?? 0 }, 'user record failed');
    this.reportFailure(
      record,
      new ProducerError(code, message, { partitionKey: record.partitionKey || undefined, explicitHashKey: record.explicitHashKey, data: record.data }, record.attempts ?? [], retryable),
    );
  }

  /** `count` records of flush epoch `seq` settled. */
  private noteSettled(seq: number, count: number): void {
    let done = false;
    for (const w of this.flushWaiters) {
      if (seq <= w.seq && w.remaining > 0 && (w.remaining -= count) <= 0) {
        w.resolve();
        done = true;
      }
    }
    // Rebuilt only when a flush completed, not per settled record.
    if (done) this.flushWaiters = this.flushWaiters.filter((w) => w.remaining > 0);
  }

  /**
   * Whether the collector's batch should go now: full, due, or holding a finished aggregate while
   * nothing is in flight. An aggregate reaches the collector sealed (full, or its buffer time is
   * up), so waiting only makes the request bigger: an idle connection sends it at once, and batches
   * grow while requests are out (as with Nagle's algorithm). Lower latency, and put()s settle
   * sooner, so fewer of their promises outlive a young-generation GC. Raw records (aggregation
   * off, Firehose) still wait for a full batch or their buffer time.
   */
  private batchDue(now: number): boolean {
    const c = this.collector;
    return c.count > 0 && (c.full || (c.aggregates > 0 && this.sender.inFlight === 0) || now - c.oldestReceivedAt >= this.maxBufferedTimeMs || c.oldestSeq <= this.flushSeq);
  }

  /** Runs the pump soon (once per turn of the event loop, however many events asked). */
  private schedulePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  /** Makes sure the pump runs by `at` (ms on the injected clock); a no-op when it already will. */
  private armWake(at: number): void {
    if (at >= this.wakeAt) return;
    if (this.wakeTimer !== undefined) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = this.scheduler.setTimeout(
      () => {
        this.wakeTimer = undefined;
        this.wakeAt = Infinity;
        this.pump();
      },
      Math.max(0, at - this.clock.now()),
    );
  }

  private pump(): void {
    const now = this.clock.now();
    let wake = this.transport.stage(now, this.collector);
    while (this.batchDue(now) && this.sender.hasCapacity) {
      const batch = this.collector.take();
      this.stats.putRequests++;
      this.stats.kinesisRecordsPerRequest.recordValue(batch.length);
      this.send(batch, now)
        .catch((error: unknown) => this.abandon(batch, error))
        .finally(() => this.schedulePump());
      wake = Math.min(wake, this.transport.stage(now, this.collector));
    }
    // A batch that is not due yet wakes the pump when it is; a busy sender wakes it on answer.
    if (this.collector.count > 0 && !this.batchDue(now)) wake = Math.min(wake, this.collector.oldestReceivedAt + this.maxBufferedTimeMs);
    if (wake < Infinity) this.armWake(Math.max(wake, now + 1));
  }

  /** The one send-and-settle path: request, then every record acknowledged or handed to the retrier. */
  private async send(batch: WireRecord<Result>[], sentAt: number): Promise<void> {
    let output: unknown;
    try {
      output = await this.sender.send(this.transport.toCommand(batch));
    } catch (error) {
      const info = classifyRequestError(error);
      this.stats.requestTime.recordValue(Math.max(0, this.clock.now() - sentAt));
      this.transport.requestFailed(batch, info, sentAt, this.clock.now());
      this.retrier.failed(batch, info);
      return;
    }
    const now = this.clock.now();
    this.stats.requestTime.recordValue(Math.max(0, now - sentAt));
    const failures = new FailureGroups<Result>();
    this.transport.settle(batch, output, sentAt, now, {
      acked: (record, resultAt) => this.succeed(record, resultAt),
      failed: (record, error) => failures.add(error, record),
    });
    failures.forEach((records, info) => this.retrier.failed(records, info));
  }

  /** A bug while handling a response: the batch's records that have not settled fail with it (none stranded). */
  private abandon(batch: WireRecord<Result>[], error: unknown): void {
    this.logger.error({ err: error }, 'producer: unexpected error while handling a response');
    const message = `ResponseHandlingFailed: an unexpected error while handling the response: ${error instanceof Error ? error.message : String(error)}`;
    for (const record of batch) {
      if (record.settled) continue;
      recordAttempt(record, { at: this.clock.now(), code: 'ResponseHandlingFailed', message });
      this.fail(record, 'ResponseHandlingFailed', message, false);
    }
  }

  /** User records received (or waiting for room) and not yet settled. */
  get unsettled(): number {
    return this.received - this.settledCount;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends everything buffered now and resolves once those records have all settled. */
  flush(): Promise<void> {
    // Ends this epoch: the records received so far are due now; later ones start the next epoch.
    const seq = (this.flushSeq = this.seq++);
    const remaining = this.unsettled;
    this.schedulePump();
    if (remaining === 0) return Promise.resolve();
    return new Promise((resolve) => this.flushWaiters.push({ seq, remaining, resolve }));
  }

  /** Flushes, then refuses further puts and stops timers. */
  async close(): Promise<void> {
    this.closed = true;
    this.budget.close(); // ready() no longer waits: later puts reject with 'Closed'
    await this.flush();
    this.transport.close();
    this.stopMetricsLog();
    if (this.wakeTimer !== undefined) this.scheduler.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
  }

  /**
   * Resolves when the buffer has room again, or the producer is closed. Room means under the
   * buffer limits and under what the current pace drains in 2 s (a third of the TTL if shorter).
   */
  ready(): Promise<void> {
    return this.budget.ready();
  }

  metrics(): MetricsSnapshot {
    return this.stats.snapshot(this.transport.rateFactors());
  }

  /** Requests sent and not yet answered. */
  get inFlight(): number {
    return this.sender.inFlight;
  }
}
