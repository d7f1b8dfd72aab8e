// Per-shard pacing on bytes and records, sized like the shard's own limits so a producer paces
// instead of relying on throttles. Adaptive, for a fleet of independent producers sharing a
// shard: a slow start clocked by clean answers (left with a fast concave climb back towards the
// rate it was throttled at, like TCP CUBIC towards W_max), then fair AIMD: a throttle halves the
// pace and holds it there for a jittered while, then a probe adds the same absolute rate for
// every producer (so shares converge), slow at first and accelerating while no throttle comes.

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
  /**
   * Seconds (± 50 % jitter) to climb from a cut to the plateau (with the default plateau: to hold
   * at the cut) before probing; at most 2 when the cut reached `minFactor`. Default 4.
   */
  recoverySeconds?: number;
  /** Where recovery levels off, as a fraction of the rate last throttled at; never below the cut. Default 0.5 (a hold at the cut). */
  plateau?: number;
  /** First probing speed above the plateau, as a fraction of it per second (when above minRecoveryPerSecond). Default 0.005. */
  probeRate?: number;
  /** The probe's speed doubles every this many seconds (± 50 % jitter) without a throttle. Default 2. */
  probeDoublingSeconds?: number;
  /**
   * Slowest first probing speed, in fractions of the cap per second: the same for every producer of
   * a fleet, so their shares converge (fair AIMD). Default 0.0005.
   */
  minRecoveryPerSecond?: number;
  /** Never cut below this fraction of the cap, so a shard keeps probing. Default 0.02. */
  minFactor?: number;
  /** Slow start: a new shard's pace begins at this fraction of the cap and doubles per clean answer until throttled. Default 0.03. */
  startFactor?: number;
  /** Bucket capacity in seconds of rate: 1 s, like the shard's own bucket. */
  burstSeconds?: number;
  /** Jitter source in [0, 1); the producer passes its own (injectable) one. Default Math.random. */
  random?: () => number;
}

/** A token bucket whose rate can change; tokens may go into debt for one oversize item. */
class Bucket {
  tokens = 0; // start empty: a fleet of producers starting together must not burst at the cap
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
  factor: number;
  // The pace follows one curve per epoch (since the last cut, or birth): a linear climb from
  // `cutFactor` to `plateauFactor` until `plateauAt`, then the sum of a concave climb closing the
  // gap to `fastTarget` (time constant FAST_CLIMB_MS) and a probe whose speed starts at
  // `probeSpeed` (factor per second) and doubles every `doublingMs`.
  private cutFactor: number;
  private plateauFactor: number;
  private fastTarget: number;
  private slowStart: boolean;
  private answeredClean = false; // some answer carried no throttle: a throttle then measures the shard
  private epochAt: number;
  private plateauAt: number;
  private probeSpeed: number;
  private doublingMs: number;
  private lastRefill: number;
  private lastCutAt = -Infinity;
  private grewAt: number; // when a clean answer last raised the confirmed pace
  private roundTripMs = 0; // of the last answer
  private confirmed: number; // pace last confirmed by a clean answer
  private stepReachedAt = Infinity; // when the pace reached one step above `confirmed`
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
    this.grewAt = now;
    // Slow start: producers starting together must not each open at a whole shard's pace.
    const start = options.adaptive ? Math.min(1, options.startFactor) : 1;
    this.slowStart = options.adaptive;
    this.factor = this.cutFactor = this.plateauFactor = this.fastTarget = this.confirmed = start;
    this.epochAt = this.plateauAt = now;
    this.doublingMs = SLOW_START_DOUBLING_MS;
    this.probeSpeed = (start * Math.LN2 * 1000) / SLOW_START_DOUBLING_MS; // doubles the pace itself
    if (start < 1) {
      // One second of the start pace, so the first (large, aggregated) record goes at once and
      // its answer can confirm the pace: at 3 % of a shard it would otherwise wait a second.
      this.bytes.tokens = this.bytesCap * start * options.burstSeconds;
      this.records.tokens = this.recordsCap * start * options.burstSeconds;
    }
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

  /** The pace `now` on this epoch's curve. */
  private paceAt(now: number): number {
    if (now < this.plateauAt) {
      return this.cutFactor + ((this.plateauFactor - this.cutFactor) * (now - this.epochAt)) / (this.plateauAt - this.epochAt);
    }
    const since = now - this.plateauAt;
    // Concave: most of the way back to the old rate within a second, where the shard last had room.
    const climb = (this.fastTarget - this.plateauFactor) * (1 - Math.exp(-since / FAST_CLIMB_MS));
    // Integral of a speed that doubles every doublingMs: slow near the old rate, fast once the
    // shard has stayed quiet for a while (a peer left, or this producer was starved).
    const growth = (this.probeSpeed * this.doublingMs) / 1000 / Math.LN2;
    return this.plateauFactor + climb + growth * (Math.pow(2, since / this.doublingMs) - 1);
  }

  /**
   * Growth is clocked by clean answers, like TCP's by acks: the pace may run only a step ahead of
   * the last pace confirmed by a request sent at it and answered without throttles. When answers
   * take seconds (a busy endpoint), a fleet would otherwise climb far past the shard unaware.
   * The step is at least PROBE_MIN_STEP of the cap: a producer cut to a trickle sends a request
   * only every few seconds, and 10 % steps would keep it starved while its records expire.
   * Below the old rate (`fastTarget`) a clean answer confirms a large share of the gap at once.
   */
  private nextStep(): number {
    if (this.slowStart) return this.confirmed * SLOW_START_GROWTH;
    const probe = Math.max(this.confirmed * PROBE_GROWTH, this.confirmed + PROBE_MIN_STEP);
    return Math.max(probe, this.confirmed + FAST_GAP_SHARE * (this.fastTarget - this.confirmed));
  }

  private refill(now: number): void {
    const seconds = (now - this.lastRefill) / 1000;
    if (seconds <= 0) return;
    this.lastRefill = now;
    if (this.factor < 1) {
      const allowed = this.nextStep();
      let pace = this.paceAt(now);
      // Slow start only raises a pace that is used: a producer held back by something else (a
      // slow endpoint, few puts) would otherwise reach the cap untested and burst there.
      if (this.slowStart) pace = Math.min(pace, Math.max(this.options.startFactor, SLOW_START_HEADROOM * this.measuredFactor(now)));
      if (pace >= allowed && this.stepReachedAt === Infinity) this.stepReachedAt = now;
      this.factor = Math.min(1, pace, allowed);
    }
    this.bytes.refill(this.bytesCap * this.factor, seconds);
    this.records.refill(this.recordsCap * this.factor, seconds);
  }

  /** The current pace in bytes per second. */
  get bytesPerSecond(): number {
    return this.bytesCap * this.factor;
  }

  /**
   * The largest aggregated record worth building now: what the pace sends in `windowMs` (the
   * producer's buffering time), at least MIN_AGGREGATE_BYTES. A shard admits a record only when
   * its bucket holds the whole record, so in a full shard small records slip through where large
   * ones are throttled. A producer held to a small share sends its backlog in bursts, which would
   * otherwise make 50 KB aggregates and draw most of the fleet's throttles, while a producer
   * sending at will (small aggregates, flushed by age) escaped them and kept more than its share.
   */
  aggregateBytes(windowMs: number): number {
    return Math.max(MIN_AGGREGATE_BYTES, (this.bytesCap * this.factor * windowMs) / 1000);
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

  /** A response to a request sent at `sentAt` carried this shard's records: `throttledFraction` of them were throttled. */
  answered(throttledFraction: number, sentAt: number, now: number): void {
    this.roundTripMs = now - sentAt;
    if (throttledFraction > 0) this.throttled(throttledFraction, sentAt, now);
    else if (sentAt > this.lastCutAt) this.answeredClean = true;
    if (throttledFraction === 0 && sentAt >= this.stepReachedAt) {
      this.confirmed = this.nextStep();
      this.grewAt = now;
      this.stepReachedAt = Infinity;
    }
  }

  /**
   * A response sent at `sentAt` had `throttledFraction` of this shard's records throttled.
   * Responses to requests sent before the last cut are ignored: they predate the reaction.
   * The cut applies to the rate actually sent (measured), not the ceiling: a producer sending 5 %
   * of a shard must drop below its own 5 % at once. Recovery then levels off below that rate,
   * where the shard was full, instead of climbing on to the cap; a fleet of producers all
   * doing so would overshoot together.
   */
  throttled(throttledFraction: number, sentAt: number, now: number): void {
    if (!this.options.adaptive || sentAt <= this.lastCutAt) return;
    this.refill(now);
    if (!this.slowStart && now - this.lastCutAt < Math.max(RECUT_MS, RECUT_ROUND_TRIPS * this.roundTripMs)) {
      // One cut per congestion episode: the records throttled with the cut, retried into the same
      // full shard, are throttled again before the cut could act. Cutting for each would take a
      // producer from its share to the floor in one episode while its peers lose nothing; the
      // shard is still full, though, so the pace holds at the cut (no climb back) from now.
      this.factor = this.plateauFactor = this.fastTarget = this.cutFactor;
      this.epochAt = now;
      this.plateauAt = Math.max(this.plateauAt, now + 1);
      return;
    }
    const o = this.options;
    const before = Math.min(this.factor, this.measuredFactor(now));
    // Leaving slow start halves the pace: the doubling overshot for as long as the first throttle
    // took to come back. Later cuts are milder.
    const slowStart = this.slowStart;
    const cut = slowStart ? 0.5 : Math.max(0.5, Math.min(o.decrease, 1 - throttledFraction));
    this.factor = this.cutFactor = this.confirmed = Math.max(o.minFactor, before * cut);
    this.stepReachedAt = Infinity;
    this.epochAt = this.plateauAt = this.lastCutAt = now;
    this.bytes.tokens = Math.min(this.bytes.tokens, 0);
    this.records.tokens = Math.min(this.records.tokens, 0);
    if (slowStart && !this.answeredClean) {
      // Throttled before any clean answer: the shard was already full (peers, or an empty bucket),
      // which says nothing about the rate it can take. Keep doubling per clean answer from here.
      this.plateauFactor = this.fastTarget = this.cutFactor;
      this.doublingMs = SLOW_START_DOUBLING_MS;
      this.probeSpeed = (this.cutFactor * Math.LN2 * 1000) / SLOW_START_DOUBLING_MS;
      return;
    }
    this.slowStart = false;
    // Jitter desynchronizes producers that were throttled by the same overshoot.
    const jitter = 0.5 + o.random();
    this.plateauFactor = slowStart ? this.cutFactor : Math.max(this.cutFactor, before * o.plateau);
    // Leaving slow start, like CUBIC, climbs back fast towards the rate throttled at (the shard
    // had room up to about there). Later cuts hold and probe: a fleet whose probes shared a
    // shard's last bit of room would otherwise overshoot together again at once.
    // Only a throttle that answers slow start's own doubling (the pace grew within the last
    // OVERSHOT_MS or OVERSHOT_ROUND_TRIPS) climbs back: a producer that has sent at one pace for a
    // while, and is throttled only now, held more than its share while its peers were cut.
    const overshot = slowStart && now - this.grewAt < Math.max(OVERSHOT_MS, OVERSHOT_ROUND_TRIPS * this.roundTripMs);
    this.fastTarget = overshot ? Math.max(this.plateauFactor, FAST_TARGET * before) : this.plateauFactor;
    // A pace cut to the floor has nothing left to give the fleet: it holds briefly, so a producer
    // starved there regains its share (or a shard its peers left) soon.
    const holdSeconds = this.cutFactor <= o.minFactor ? Math.min(o.recoverySeconds, FLOOR_RECOVERY_SECONDS) : o.recoverySeconds;
    this.plateauAt = now + Math.max(1, holdSeconds * 1000 * jitter);
    this.doublingMs = Math.max(1, o.probeDoublingSeconds * 1000 * jitter);
    this.probeSpeed = Math.max(o.probeRate * this.plateauFactor, o.minRecoveryPerSecond);
  }
}

const SLOW_START_DOUBLING_MS = 400;
const FLOOR_RECOVERY_SECONDS = 2;
const OVERSHOT_MS = 1000;
const RECUT_MS = 400;
const RECUT_ROUND_TRIPS = 2;
const OVERSHOT_ROUND_TRIPS = 3;
const SLOW_START_HEADROOM = 3;
// The fast climb after slow start heads for FAST_TARGET of the rate throttled at, closing 63 % of
// the gap every FAST_CLIMB_MS, FAST_GAP_SHARE per clean answer.
const FAST_TARGET = 0.85;
const FAST_CLIMB_MS = 300;
const FAST_GAP_SHARE = 0.5;
// How far the pace may run ahead of the last pace confirmed by a clean answer.
const SLOW_START_GROWTH = 2;
const PROBE_GROWTH = 1.1;
const PROBE_MIN_STEP = 0.005;
const RATE_WINDOW_MS = 1000;
const MIN_AGGREGATE_BYTES = 4096;

export const LIMITER_DEFAULTS: Required<LimiterOptions> = {
  bytesPerSecond: 1024 * 1024,
  recordsPerSecond: 1000,
  rateLimitPercent: 100,
  adaptive: true,
  decrease: 0.8,
  recoverySeconds: 4,
  plateau: 0.5,
  probeRate: 0.005,
  probeDoublingSeconds: 2,
  minRecoveryPerSecond: 0.0005,
  minFactor: 0.02,
  startFactor: 0.03,
  burstSeconds: 1,
  random: Math.random,
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

  /** Bytes per second all shards together may take at their current paces (Infinity before any is paced). */
  bytesPerSecond(): number {
    if (this.shards.size === 0) return Infinity;
    let total = 0;
    for (const l of this.shards.values()) total += l.bytesPerSecond;
    return total;
  }

  /** Current rate factor per shard, for metrics. */
  factors(): Record<string, number> {
    return Object.fromEntries([...this.shards].map(([id, l]) => [id, l.factor]));
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
