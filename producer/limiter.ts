// Per-shard pacing on bytes and records, sized like the shard's own limits so a producer paces
// instead of relying on throttles. Adaptive (AIMD): a throttled response cuts that shard's
// rate multiplicatively, then the rate climbs back linearly and keeps probing up to the cap.
// The cut applies to the rate actually sent (measured), not the ceiling: a producer that only
// sends 5 % of a shard must drop below its own 5 % at once, or a fleet sharing the shard keeps
// throttling for a dozen cuts.

export interface LimiterOptions {
  /** Per-shard write limit in bytes/s (data + partition key). Default 1 MiB. */
  bytesPerSecond?: number;
  /** Per-shard write limit in records/s. Default 1000. */
  recordsPerSecond?: number;
  /** Scales both limits; the KPL's default is 150, ours 100. */
  rateLimitPercent?: number;
  /** React to throttles (default true); false gives the KPL's fixed-rate behaviour. */
  adaptive?: boolean;
  /** Largest multiplicative cut (applied when few records were throttled). Default 0.8. */
  decrease?: number;
  /** Seconds to climb back to the rate before the last cut. Default 5. */
  recoverySeconds?: number;
  /** Never cut below this fraction of the cap, so a shard keeps probing. Default 0.02. */
  minFactor?: number;
  /**
   * Slowest recovery, in fractions of the cap per second. Recovery is otherwise proportional to
   * the rate before the cut, which would leave a producer cut to a trickle stuck there while its
   * records expire. Default 0.005 (20 producers together regain 10 % of a shard per second).
   */
  minRecoveryPerSecond?: number;
  /** Bucket capacity in seconds of rate: 1 s, like the shard's own bucket. */
  burstSeconds?: number;
}

/** A token bucket whose rate can change; tokens may go into debt for one oversize item. */
class Bucket {
  tokens = 0; // start empty: a fleet of producers starting together must not burst
  constructor(private readonly capacitySeconds: number) {}
  refill(rate: number, seconds: number): void {
    this.tokens = Math.min(this.tokens + rate * seconds, rate * this.capacitySeconds);
  }
  allows(cost: number, rate: number): boolean {
    return this.tokens >= Math.min(cost, rate * this.capacitySeconds);
  }
  waitSeconds(cost: number, rate: number): number {
    const need = Math.min(cost, rate * this.capacitySeconds) - this.tokens;
    return need <= 0 ? 0 : need / rate;
  }
}

export class ShardLimiter {
  /** Current fraction of the capped rate (1 = rateLimitPercent of the shard limit). */
  factor = 1;
  private slope = 0; // factor per second while recovering
  private lastRefill: number;
  private lastCutAt = -Infinity;
  private readonly bytes: Bucket;
  private readonly records: Bucket;
  private readonly bytesCap: number;
  private readonly recordsCap: number;
  // Exponentially decayed bytes and records sent, for the measured send rate.
  private recentBytes = 0;
  private recentRecords = 0;
  private recentAt: number;
  private readonly bornAt: number;

  constructor(
    private readonly options: Required<LimiterOptions>,
    now: number,
  ) {
    const scale = options.rateLimitPercent / 100;
    this.bytesCap = options.bytesPerSecond * scale;
    this.recordsCap = options.recordsPerSecond * scale;
    this.bytes = new Bucket(options.burstSeconds);
    this.records = new Bucket(options.burstSeconds);
    this.lastRefill = now;
    this.recentAt = now;
    this.bornAt = now;
  }

  private decay(now: number): void {
    const dt = now - this.recentAt;
    if (dt <= 0) return;
    const keep = Math.exp(-dt / RATE_WINDOW_MS);
    this.recentBytes *= keep;
    this.recentRecords *= keep;
    this.recentAt = now;
  }

  /** Fraction of the capped rate this shard actually sent at recently (bytes or records, whichever is higher). */
  measuredFactor(now: number): number {
    this.decay(now);
    // Unbias the estimate while the limiter is younger than the window.
    const seconds = (RATE_WINDOW_MS / 1000) * (1 - Math.exp(-Math.max(1, now - this.bornAt) / RATE_WINDOW_MS));
    return Math.max(this.recentBytes / seconds / this.bytesCap, this.recentRecords / seconds / this.recordsCap);
  }

  private refill(now: number): void {
    const seconds = (now - this.lastRefill) / 1000;
    if (seconds <= 0) return;
    this.lastRefill = now;
    if (this.factor < 1) this.factor = Math.min(1, this.factor + this.slope * seconds);
    this.bytes.refill(this.bytesCap * this.factor, seconds);
    this.records.refill(this.recordsCap * this.factor, seconds);
  }

  /** Takes tokens for one Kinesis record if the shard's pace allows it now. */
  tryTake(bytes: number, now: number): boolean {
    this.refill(now);
    const byteRate = this.bytesCap * this.factor;
    const recordRate = this.recordsCap * this.factor;
    if (!this.bytes.allows(bytes, byteRate) || !this.records.allows(1, recordRate)) return false;
    this.bytes.tokens -= bytes;
    this.records.tokens -= 1;
    this.decay(now);
    this.recentBytes += bytes;
    this.recentRecords += 1;
    return true;
  }

  /** Milliseconds until a record of this size may go (0 when it may go now). */
  waitMs(bytes: number, now: number): number {
    this.refill(now);
    const seconds = Math.max(
      this.bytes.waitSeconds(bytes, this.bytesCap * this.factor),
      this.records.waitSeconds(1, this.recordsCap * this.factor),
    );
    return Math.ceil(seconds * 1000);
  }

  /**
   * A response sent at `sentAt` had `throttledFraction` of this shard's records throttled.
   * Responses to requests sent before the last cut are ignored: they predate the reaction.
   */
  throttled(throttledFraction: number, sentAt: number, now: number): void {
    if (!this.options.adaptive || sentAt <= this.lastCutAt) return;
    this.refill(now);
    // Heavy throttling (many producers starting together) cuts harder, down to half.
    const cut = Math.max(0.5, Math.min(this.options.decrease, 1 - throttledFraction));
    const before = Math.min(this.factor, this.measuredFactor(now));
    this.factor = Math.max(this.options.minFactor, before * cut);
    this.slope = Math.max((before - this.factor) / this.options.recoverySeconds, this.options.minRecoveryPerSecond);
    this.lastCutAt = now;
    this.bytes.tokens = Math.min(this.bytes.tokens, 0);
    this.records.tokens = Math.min(this.records.tokens, 0);
  }
}

const RATE_WINDOW_MS = 1000;

export const LIMITER_DEFAULTS: Required<LimiterOptions> = {
  bytesPerSecond: 1024 * 1024,
  recordsPerSecond: 1000,
  rateLimitPercent: 100,
  adaptive: true,
  decrease: 0.8,
  recoverySeconds: 5,
  minFactor: 0.02,
  minRecoveryPerSecond: 0.005,
  burstSeconds: 1,
};

/** One ShardLimiter per shard id, created on first use. */
export class Limiter {
  private readonly shards = new Map<string, ShardLimiter>();
  private readonly options: Required<LimiterOptions>;

  constructor(options: LimiterOptions = {}) {
    this.options = { ...LIMITER_DEFAULTS, ...stripUndefined(options) };
  }

  forShard(shardId: string, now: number): ShardLimiter {
    let limiter = this.shards.get(shardId);
    if (limiter === undefined) {
      limiter = new ShardLimiter(this.options, now);
      this.shards.set(shardId, limiter);
    }
    return limiter;
  }

  /** Current rate factor per shard, for metrics. */
  factors(): Record<string, number> {
    return Object.fromEntries([...this.shards].map(([id, l]) => [id, l.factor]));
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
