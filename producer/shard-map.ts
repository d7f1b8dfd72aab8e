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
  /** A record landed where the map did not expect, or a reshard happened: reload soon. */
  invalidate(): void;
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

export class ShardMap implements ShardPredictor {
  private open: Shard[] = [];
  private readonly cache = new Map<string, CacheEntry>();
  private loading: Promise<void> | undefined;
  private lastLoadAt = -Infinity;
  private pendingInvalidate = false;
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

  invalidate(): void {
    const wait = this.lastLoadAt + (this.options.minRefreshIntervalMs ?? 1000) - this.options.clock.now();
    if (wait <= 0) {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    } else if (!this.pendingInvalidate) {
      this.pendingInvalidate = true;
      this.options.scheduler.setTimeout(() => {
        this.pendingInvalidate = false;
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
