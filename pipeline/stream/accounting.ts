import type { Clock } from '../../common/clock.js';

export interface ShardCounts {
  acceptedRecords: number;
  acceptedBytes: number;
  throttledRecords: number;
  throttledBytes: number;
  /** Records answered with an injected InternalFailure. */
  internalFailures: number;
}

export interface RequestCounts {
  /** PutRecord and PutRecords requests that reached the gate. */
  putRequests: number;
  /** Put requests with at least one throttled record (what a producer sees as a throttled attempt). */
  throttledRequests: number;
  error500: number;
  error503: number;
  dropped: number;
  hung: number;
  delayed: number;
}

export interface ShardAccounting {
  streamName: string;
  shardId: string;
  totals: ShardCounts;
  /** One entry per wall-clock second (Unix seconds) with any activity, oldest first. */
  seconds: Array<{ second: number } & ShardCounts>;
}

export interface GateAccounting {
  shards: ShardAccounting[];
  requests: { totals: RequestCounts; seconds: Array<{ second: number } & RequestCounts> };
  totals: ShardCounts & RequestCounts;
}

const zeroShard = (): ShardCounts => ({ acceptedRecords: 0, acceptedBytes: 0, throttledRecords: 0, throttledBytes: 0, internalFailures: 0 });
const zeroRequests = (): RequestCounts => ({ putRequests: 0, throttledRequests: 0, error500: 0, error503: 0, dropped: 0, hung: 0, delayed: 0 });

/** Counters for one key: running totals plus per-second windows, bounded so a long-lived stack does not grow. */
class Windowed<T extends object> {
  readonly totals: T;
  private readonly windows = new Map<number, T>();

  constructor(
    private readonly zero: () => T,
    private readonly historySeconds: number,
  ) {
    this.totals = zero();
  }

  add(second: number, field: keyof T, amount: number): void {
    let window = this.windows.get(second);
    if (!window) {
      window = this.zero();
      this.windows.set(second, window);
      // Not in time order: acceptances are booked late, into the second they were metered in.
      for (const old of this.windows.keys()) if (old <= second - this.historySeconds) this.windows.delete(old);
    }
    (window[field] as number) += amount;
    (this.totals[field] as number) += amount;
  }

  seconds(): Array<{ second: number } & T> {
    return [...this.windows].sort(([a], [b]) => a - b).map(([second, counts]) => ({ second, ...counts }));
  }
}

/** Per shard, per second: what the gate accepted, throttled and failed on purpose. */
export class Accounting {
  private readonly shards = new Map<string, { streamName: string; shardId: string; counts: Windowed<ShardCounts> }>();
  private readonly requests: Windowed<RequestCounts>;

  constructor(
    private readonly clock: Clock,
    private readonly historySeconds = 3600,
  ) {
    this.requests = new Windowed(zeroRequests, historySeconds);
  }

  private second(atMs = this.clock.now()): number {
    return Math.floor(atMs / 1000);
  }

  /** `atMs` books the count in the second a decision was taken, not when the upstream confirmed it. */
  shard(streamName: string, shardId: string, field: keyof ShardCounts, amount = 1, atMs?: number): void {
    const key = `${streamName}\u0000${shardId}`;
    let entry = this.shards.get(key);
    if (!entry) {
      entry = { streamName, shardId, counts: new Windowed(zeroShard, this.historySeconds) };
      this.shards.set(key, entry);
    }
    entry.counts.add(this.second(atMs), field, amount);
  }

  request(field: keyof RequestCounts): void {
    this.requests.add(this.second(), field, 1);
  }

  snapshot(): GateAccounting {
    const shards = [...this.shards.values()].map(({ streamName, shardId, counts }) => ({
      streamName,
      shardId,
      totals: { ...counts.totals },
      seconds: counts.seconds(),
    }));
    const totals = { ...zeroShard(), ...this.requests.totals };
    for (const shard of shards) {
      for (const field of Object.keys(shard.totals) as Array<keyof ShardCounts>) totals[field] += shard.totals[field];
    }
    return { shards, requests: { totals: { ...this.requests.totals }, seconds: this.requests.seconds() }, totals };
  }
}
