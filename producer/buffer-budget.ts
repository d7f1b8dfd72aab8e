// Bounds what a producer holds (user records not yet settled, in bytes and count). A put that
// does not fit either waits its turn (bounded too) or is refused, per `onBufferFull`.

import { Queue } from './queue.js';

export type BufferFullPolicy = 'wait' | 'fail';

interface Waiter {
  bytes: number;
  admit: () => void;
}

export class BufferBudget {
  bytes = 0;
  records = 0;
  private readonly waiters = new Queue<Waiter>();
  private waitingBytes = 0;
  private readyWaiters: (() => void)[] = [];
  private closed = false;

  /**
   * @param overPace whether what the producer holds (`bufferedBytes`, and its per-shard queues) takes
   *   longer than a share of the TTL to send at its current pace: ready() then holds the caller, so
   *   a producer whose share of a shard is small is slowed down instead of expiring its records
   *   (backpressure, not loss).
   */
  constructor(
    readonly maxBytes: number,
    readonly maxRecords: number,
    readonly policy: BufferFullPolicy,
    private readonly overPace: (bufferedBytes: number) => boolean = () => false,
  ) {}

  /** One record always fits into an empty buffer, so an oversize limit cannot block forever. */
  private fits(bytes: number): boolean {
    return this.records === 0 || (this.records < this.maxRecords && this.bytes + bytes <= this.maxBytes);
  }

  get hasRoom(): boolean {
    if (this.waiters.length > 0) return false;
    return this.records === 0 || (this.records < this.maxRecords && this.bytes < this.maxBytes && !this.overPace(this.bytes));
  }

  /** Counts the record in when it fits now (and nobody waits before it). */
  tryAcquire(bytes: number): boolean {
    if (this.waiters.length > 0 || !this.fits(bytes)) return false;
    this.bytes += bytes;
    this.records++;
    return true;
  }

  /**
   * After a failed tryAcquire: queues `admit` to run once room frees up (policy 'wait'); false
   * when the policy is 'fail' or the wait line is itself full.
   */
  waitFor(bytes: number, admit: () => void): boolean {
    // Waiting puts hold their data too, so the wait line has the same bounds as the buffer.
    if (this.policy === 'fail' || this.waiters.length >= this.maxRecords || this.waitingBytes + bytes > this.maxBytes) return false;
    this.waiters.push({ bytes, admit });
    this.waitingBytes += bytes;
    return true;
  }

  /** Frees room for `records` settled records holding `bytes` together. */
  release(bytes: number, records = 1): void {
    this.bytes -= bytes;
    this.records -= records;
    while (this.waiters.length > 0 && this.fits(this.waiters.peek().bytes)) {
      const next = this.waiters.shift();
      this.waitingBytes -= next.bytes;
      this.bytes += next.bytes;
      this.records++;
      next.admit();
    }
    if (this.readyWaiters.length > 0 && this.hasRoom) {
      const ready = this.readyWaiters;
      this.readyWaiters = [];
      for (const resolve of ready) resolve();
    }
  }

  /** Resolves when a put would be admitted without waiting (like a stream's 'drain'), or once closed. */
  ready(): Promise<void> {
    if (this.hasRoom || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** No more puts will come: nobody waits for room any more. */
  close(): void {
    this.closed = true;
    const ready = this.readyWaiters;
    this.readyWaiters = [];
    for (const resolve of ready) resolve();
  }
}
