// Predicts which shard a record lands on, from the stream's open shards (paginated ListShards).
import { hashKeyOf } from '../common/hash-key.js';
import { findShard, listOpenShards, type CommandSender, type Shard } from '../common/shard-lookup.js';
import type { Clock, Scheduler } from '../common/clock.js';

export type { CommandSender, Shard };

export interface Prediction {
  hashKey: bigint;
  /** Undefined when no open shard owns the hash key: the map was caught mid-reshard. */
  shard: Shard | undefined;
}

/** What the producer needs from a shard map; tests inject their own. */
export interface ShardPredictor {
  /** Resolves once a map is loaded; rejects only with a non-retryable ListShards error. */
  ready(): Promise<void>;
  readonly loaded: boolean;
  /** Changes whenever the map does, so callers may cache shards per key; without it they ask every time. */
  readonly version?: number;
  /** Hash key (cached per partition key) and shard of a partition key. */
  predict(partitionKey: string): Prediction;
  /** The open shard owning a hash key; undefined in a gap (a map caught mid-reshard). */
  shardFor(hashKey: bigint): Shard | undefined;
  /**
   * A record landed where the map did not expect, or a reshard happened: reload soon. `stale`: the
   * map is known to be out of date (a record landed on a shard it does not list), so reload sooner.
   */
  invalidate(stale?: boolean): void;
  shards(): readonly Shard[];
}

export interface ShardMapOptions {
  client: CommandSender;
  streamName: string;
  clock: Clock;
  scheduler: Scheduler;
  /** At most one reload per this interval after invalidate(). */
  minRefreshIntervalMs?: number;
  /** Partition keys whose hash key is cached (vehicles reuse theirs); cleared when full. */
  maxCachedKeys?: number;
  onError?: (error: unknown) => void;
}

interface CacheEntry extends Prediction {
  version: number;
}

/** Reload floor while the map is known to be stale (ListShards allows 1000 calls/s per stream). */
const STALE_REFRESH_MS = 100;

export class ShardMap implements ShardPredictor {
  private open: Shard[] = [];
  private readonly cache = new Map<string, CacheEntry>();
  private loading: Promise<void> | undefined;
  private lastLoadAt = -Infinity;
  /** When the scheduled reload runs (Infinity: none scheduled). */
  private pendingAt = Infinity;
  private pendingTimer: unknown;
  loaded = false;
  /** Increases whenever the map changes, so cached predictions can be checked. */
  version = 0;

  constructor(private readonly options: ShardMapOptions) {}

  ready(): Promise<void> {
    return this.loaded ? Promise.resolve() : this.refresh();
  }

  shards(): readonly Shard[] {
    return this.open;
  }

  /** Loads every page of ListShards; concurrent callers share one load. */
  refresh(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  invalidate(stale = false): void {
    // A reshard splits shards one after another, so a map read mid-reshard goes stale again soon;
    // while records land on shards it does not list, waiting a full interval re-sends all of them.
    const interval = this.options.minRefreshIntervalMs ?? 1000;
    const wait = this.lastLoadAt + (stale ? Math.min(interval, STALE_REFRESH_MS) : interval) - this.options.clock.now();
    const now = this.options.clock.now();
    if (wait <= 0) {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    } else if (now + wait < this.pendingAt) {
      if (this.pendingTimer !== undefined) this.options.scheduler.clearTimeout(this.pendingTimer);
      this.pendingAt = now + wait;
      this.pendingTimer = this.options.scheduler.setTimeout(() => {
        this.pendingAt = Infinity;
        this.pendingTimer = undefined;
        this.refresh().catch((error: unknown) => this.options.onError?.(error));
      }, wait);
    }
  }

  predict(partitionKey: string): Prediction {
    let entry = this.cache.get(partitionKey);
    if (entry === undefined) {
      if (this.cache.size >= (this.options.maxCachedKeys ?? 100_000)) this.cache.clear();
      const hashKey = hashKeyOf(partitionKey);
      entry = { hashKey, shard: this.shardFor(hashKey), version: this.version };
      this.cache.set(partitionKey, entry);
    } else if (entry.version !== this.version) {
      entry.shard = this.shardFor(entry.hashKey);
      entry.version = this.version;
    }
    return entry;
  }

  shardFor(hashKey: bigint): Shard | undefined {
    // Open shards always cover the whole key space; a gap means the map is mid-reshard.
    return findShard(this.open, hashKey);
  }

  private async load(): Promise<void> {
    const shards = await listOpenShards(this.options.client, this.options.streamName);
    if (shards.length === 0) throw new Error(`stream ${this.options.streamName} has no open shards`);
    this.open = shards;
    this.version++;
    this.loaded = true;
    this.lastLoadAt = this.options.clock.now();
  }
}
