// Gathers ready items into one request: at most `maxCount` items and `maxBytes` bytes
// (PutRecords: 500 and 5 MiB; PutRecordBatch: 500 and 4 MiB).

export interface Collectable {
  bytes: number;
  receivedAt: number;
  /** Receive order of the oldest user record inside (for flush()). */
  seq: number;
  /** A KPL aggregated record: finished when it reaches the collector (it cannot grow any more). */
  aggregated?: boolean;
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
  /** Aggregated records collected (each one finished: waiting longer only makes the request bigger). */
  aggregates = 0;
  /** Set when an item did not fit: the batch must go before anything else can join. */
  private sealed = false;

  constructor(private readonly limits: CollectorLimits) {}

  get count(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.sealed || this.items.length >= this.limits.maxCount || this.bytes >= this.limits.maxBytes;
  }

  /** Whether the item fits into this batch (an oversize item fits into an empty one). */
  hasRoomFor(item: T): boolean {
    return this.items.length < this.limits.maxCount && (this.items.length === 0 || this.bytes + item.bytes <= this.limits.maxBytes);
  }

  /** Marks the batch full: an item did not fit, so it goes out now instead of waiting for age. */
  seal(): void {
    this.sealed = true;
  }

  /** Adds the item when it fits; false (and the batch sealed) means "send what you have first". */
  offer(item: T): boolean {
    if (!this.hasRoomFor(item)) {
      this.seal();
      return false;
    }
    this.items.push(item);
    this.bytes += item.bytes;
    if (item.aggregated === true) this.aggregates++;
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
    this.aggregates = 0;
    this.sealed = false;
    return batch;
  }
}
