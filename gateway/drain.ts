// Moves spooled readings to the transport and deletes them only on acknowledgement. Two lanes:
// live (readings appended since the transport was last healthy) and backlog (everything owed from
// before), each oldest first, sharing every batch so an hours-long backlog never starves live data.
// A failed send pauses the pump, waits out a jittered exponential backoff, and starts again from
// the oldest reading still owed: the agent never gives up on an unreachable stream or broker.
import { setTimeout as sleep } from 'node:timers/promises';
import { silentLogger, type Logger } from '../common/logger.js';
import type { Spool, SpooledReading } from './spool.js';
import type { Transport } from './transport.js';

export interface DrainOptions {
  logger?: Logger;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  random?: () => number;
}

export interface DrainStats {
  sends: number;
  failures: number;
  lastFailure: string | null;
  inFlight: number;
}

export class Drain {
  private live = 0;
  private backlog = { next: 0, until: 0 };
  private inFlight = 0;
  private failed: string | undefined;
  private attempt = 0;
  private wake: (() => void) | undefined;
  private readonly idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly stats_: DrainStats = { sends: 0, failures: 0, lastFailure: null, inFlight: 0 };
  private readonly logger: Logger;

  constructor(
    private readonly spool: Spool,
    private readonly transport: Transport,
    private readonly options: DrainOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    spool.onAppend(() => this.poke());
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Resolves once nothing is owed and nothing is in flight. */
  drained(): Promise<void> {
    if (this.isDrained()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): DrainStats {
    return { ...this.stats_, inFlight: this.inFlight };
  }

  /** Stops sending; in-flight sends still settle (and ack) before it resolves. */
  async stop(): Promise<void> {
    this.abort.abort();
    this.poke();
    await this.loop;
    while (this.inFlight > 0) await new Promise<void>((resolve) => (this.wake = resolve));
  }

  private isDrained(): boolean {
    return this.inFlight === 0 && this.spool.stats().pending === 0;
  }

  private restart(): void {
    this.backlog = { next: this.spool.oldestPending(), until: this.spool.nextIndex };
    this.live = this.spool.nextIndex;
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    this.restart();
    let connections = this.transport.connections;
    while (!signal.aborted) {
      if (this.failed !== undefined) {
        while (this.inFlight > 0 && !signal.aborted) await this.nextWake();
        const cap = Math.min(this.options.maxBackoffMs ?? 30_000, (this.options.minBackoffMs ?? 500) * 2 ** Math.min(this.attempt, 20));
        const wait = Math.round(cap * (0.5 + 0.5 * (this.options.random ?? Math.random)()));
        this.logger.warn({ transport: this.transport.name, reason: this.failed, retryInMs: wait, pending: this.spool.stats().pending }, 'transport failed; readings stay spooled, retrying');
        this.attempt++;
        this.failed = undefined;
        await sleep(wait, undefined, { signal }).catch(() => undefined);
        this.restart();
        continue;
      }
      await this.transport.ready(signal).catch(() => undefined);
      if (signal.aborted) break;
      if (this.failed !== undefined) continue;
      if (this.transport.connections !== connections && this.inFlight === 0) {
        // Back after an outage: what piled up meanwhile becomes the backlog, new readings are live.
        connections = this.transport.connections;
        this.restart();
      }
      const batch = this.take(this.transport.batchSize);
      if (batch.length === 0) {
        await this.nextWake();
        continue;
      }
      this.dispatch(batch);
    }
  }

  /** Live readings first, but never more than half a batch while a backlog waits. */
  private take(max: number): SpooledReading[] {
    const backlogWaiting = this.backlog.next < this.backlog.until;
    const live = this.spool.read(this.live, this.spool.nextIndex, backlogWaiting ? Math.ceil(max / 2) : max);
    this.live = live.next;
    if (!backlogWaiting || live.readings.length >= max) return live.readings;
    const old = this.spool.read(this.backlog.next, this.backlog.until, max - live.readings.length);
    this.backlog.next = old.next;
    return old.readings.concat(live.readings);
  }

  private dispatch(batch: SpooledReading[]): void {
    this.inFlight++;
    this.stats_.sends++;
    this.transport.send(batch).then(
      (result) => {
        this.spool.ack(result.acked);
        if (result.failure) this.fail(`${result.failure.count} of ${batch.length} not acknowledged: ${result.failure.reason}`);
        else if (result.acked.length > 0) this.attempt = 0;
      },
      (err: unknown) => this.fail(err instanceof Error ? err.message : String(err)),
    ).finally(() => {
      this.inFlight--;
      this.poke();
      if (this.isDrained()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  private fail(reason: string): void {
    this.stats_.failures++;
    this.stats_.lastFailure = reason;
    this.failed ??= reason;
  }

  private nextWake(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
