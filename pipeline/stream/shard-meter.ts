import { z } from 'zod';
import { TokenBucket } from './token-bucket.js';
import type { Clock } from '../../common/clock.js';

export const limitsSchema = z
  .object({
    /** Data plus partition key, per shard. AWS: 1 MiB/s. */
    bytesPerSecond: z.number().positive().default(1024 * 1024),
    /** Per shard; an aggregated record counts once. AWS: 1000/s. */
    recordsPerSecond: z.number().positive().default(1000),
    /** Bucket capacity in seconds of refill: how much an idle shard may take at once. */
    burstSeconds: z.number().positive().max(60).default(1),
  })
  .strict();

export type GateLimitOptions = z.input<typeof limitsSchema>;
export type GateLimits = z.output<typeof limitsSchema>;

/** Per-shard byte and record buckets; a record is admitted only when both have room. */
export class ShardMeter {
  private readonly buckets = new Map<string, { bytes: TokenBucket; records: TokenBucket }>();

  constructor(
    readonly limits: GateLimits,
    private readonly clock: Clock,
  ) {}

  admit(streamName: string, shardId: string, bytes: number): boolean {
    const key = `${streamName}\u0000${shardId}`;
    let shard = this.buckets.get(key);
    if (!shard) {
      const { bytesPerSecond, recordsPerSecond, burstSeconds } = this.limits;
      shard = {
        bytes: new TokenBucket(bytesPerSecond, bytesPerSecond * burstSeconds, this.clock),
        records: new TokenBucket(recordsPerSecond, recordsPerSecond * burstSeconds, this.clock),
      };
      this.buckets.set(key, shard);
    }
    // Check records first: it never goes into debt, so taking bytes after it cannot be undone.
    if (!shard.records.canTake(1)) return false;
    if (!shard.bytes.tryTake(bytes)) return false;
    return shard.records.tryTake(1);
  }
}
