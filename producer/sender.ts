// Bounded in-flight requests with a per-request timeout. Callers ask `hasCapacity` before
// building a request, so requests never queue here and records stay in the stages that
// batch them (bigger batches under load, nothing hidden in an unbounded queue).
import pLimit, { type LimitFunction } from 'p-limit';
import type { CommandSender } from './shard-map.js';
import type { Scheduler } from '../common/clock.js';

export class RequestTimeoutError extends Error {
  override readonly name = 'RequestTimeout';
  constructor(ms: number) {
    super(`no response within ${ms} ms (requestTimeoutMs)`);
  }
}

export class Sender {
  private readonly limit: LimitFunction;

  constructor(
    private readonly client: CommandSender,
    private readonly scheduler: Scheduler,
    readonly maxInFlight: number,
    private readonly requestTimeoutMs: number,
  ) {
    this.limit = pLimit(maxInFlight);
  }

  get inFlight(): number {
    return this.limit.activeCount + this.limit.pendingCount;
  }

  get hasCapacity(): boolean {
    return this.inFlight < this.maxInFlight;
  }

  /** Sends one command; rejects with RequestTimeoutError when no answer comes in time. */
  send<T>(command: object): Promise<T> {
    return this.limit(() => this.withTimeout<T>(command));
  }

  private withTimeout<T>(command: object): Promise<T> {
    return sendWithTimeout(this.client, this.scheduler, command, this.requestTimeoutMs) as Promise<T>;
  }
}

/** Sends one command; rejects with RequestTimeoutError (and aborts it) when no answer comes in `ms`. */
export function sendWithTimeout(client: CommandSender, scheduler: Scheduler, command: object, ms: number): Promise<unknown> {
  const abort = new AbortController();
  return new Promise((resolve, reject) => {
    const timer = scheduler.setTimeout(() => {
      abort.abort();
      reject(new RequestTimeoutError(ms));
    }, ms);
    client.send(command, { abortSignal: abort.signal }).then(
      (output) => {
        scheduler.clearTimeout(timer);
        resolve(output);
      },
      (error: unknown) => {
        scheduler.clearTimeout(timer);
        reject(error);
      },
    );
  });
}
