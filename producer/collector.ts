// Gathers ready items into one request: at most `maxCount` items and `maxBytes` bytes
// (PutRecords: 500 and 5 MiB; PutRecordBatch: 500 and 4 MiB).

export interface Collectable {
  bytes: number;
  receivedAt: number;
  /** Receive order of the oldest user record inside (for flush()). */
  seq: number;
}

export interface CollectorLimits {
  maxCount: number;
  maxBytes: number;
}

export class Collector<T extends Collectable> {
  private items: T[] = [];
  private bytes = 0;
  /** Oldest receive time and lowest sequence among collected items. */
  oldestReceivedAt = Infinity;
  oldestSeq = Infinity;
  /** Set when an item did not fit: the batch must go before anything else can join. */
  private sealed = false;

  constructor(private readonly limits: CollectorLimits) {}

  get count(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.sealed || this.items.length >= this.limits.maxCount || this.bytes >= this.limits.maxBytes;
  }

  /**
   * Whether the item fits into this batch (an oversize item fits into an empty one). When it
   * does not, the batch counts as full from now on, so it goes out instead of waiting for age.
   */
  fits(item: T): boolean {
    const fits = this.items.length < this.limits.maxCount && (this.items.length === 0 || this.bytes + item.bytes <= this.limits.maxBytes);
    if (!fits) this.sealed = true;
    return fits;
  }

  /** Adds the item when it fits; false means "send what you have first". */
  offer(item: T): boolean {
    if (!this.fits(item)) return false;
    this.items.push(item);
    this.bytes += item.bytes;
    if (item.receivedAt < this.oldestReceivedAt) this.oldestReceivedAt = item.receivedAt;
    if (item.seq < this.oldestSeq) this.oldestSeq = item.seq;
    return true;
  }

  /** Hands over the collected batch and starts a new one. */
  take(): T[] {
    const batch = this.items;
    this.items = [];
    this.bytes = 0;
    this.oldestReceivedAt = Infinity;
    this.oldestSeq = Infinity;
    this.sealed = false;
    return batch;
  }
}
