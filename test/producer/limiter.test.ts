// Unit tests of the per-shard limiter, driven by an explicit clock (ms) and an injected RNG.
import { describe, expect, it } from 'vitest';
import { Limiter, type LimiterOptions, type ShardLimiter } from '../../producer/limiter.js';

const MiB = 1024 * 1024;
const RECORD = 10_485; // 1 % of a shard's byte limit

/**
 * A producer with unlimited demand on one shard: every 10 ms it sends what the limiter allows,
 * and each request is answered `rttMs` later, throttled when `throttledAt(sentAt)` says so.
 * Returns the bytes sent per whole second of [from, to).
 */
function drive(limiter: ShardLimiter, from: number, to: number, opts: { rttMs?: number; recordBytes?: number; throttledAt?: (sentAt: number) => boolean } = {}): number[] {
  const rtt = opts.rttMs ?? 50;
  const record = opts.recordBytes ?? RECORD;
  const inFlight: number[] = [];
  const perSecond = new Array<number>(Math.ceil((to - from) / 1000)).fill(0);
  for (let t = from; t < to; t += 10) {
    while (inFlight.length > 0 && inFlight[0] + rtt <= t) {
      const sentAt = inFlight.shift() as number;
      limiter.answered(opts.throttledAt?.(sentAt) ? 1 : 0, sentAt, t);
    }
    while (limiter.tryTake(record, t)) {
      inFlight.push(t);
      perSecond[Math.floor((t - from) / 1000)] += record;
    }
  }
  return perSecond;
}

const shard = (options: LimiterOptions = {}, now = 0) => new Limiter({ random: () => 0.5, ...options }).forShard('s', now);

describe('Limiter pacing', () => {
  it('paces a shard at its byte rate from an empty bucket, without a burst', () => {
    const limiter = shard({ adaptive: false });
    let sent = 0;
    for (let t = 0; t <= 10_000; t += 10) while (limiter.tryTake(50_000, t)) sent += 50_000;
    // 10 s at 1 MiB/s, within one record of exact.
    expect(Math.abs(sent - 10 * MiB)).toBeLessThanOrEqual(50_000);
    expect(limiter.waitMs(50_000, 10_000)).toBeGreaterThan(0);
  });

  it('paces records at 1000/s scaled by rateLimitPercent', () => {
    const limiter = shard({ adaptive: false, rateLimitPercent: 150 });
    let sent = 0;
    for (let t = 0; t <= 2_000; t += 5) while (limiter.tryTake(10, t)) sent++;
    expect(sent).toBeGreaterThanOrEqual(2_999);
    expect(sent).toBeLessThanOrEqual(3_001);
  });

  it('does not react to throttles when adaptive is off (KPL-like)', () => {
    const limiter = shard({ adaptive: false, rateLimitPercent: 150 });
    limiter.throttled(1, 1, 2);
    expect(limiter.factor).toBe(1);
  });
});

describe('Limiter slow start', () => {
  it('a lone producer with clean answers reaches the full shard rate within 3 s', () => {
    const limiter = shard();
    const sent = drive(limiter, 0, 6_000);
    expect(sent[0]).toBeLessThan(0.5 * MiB); // it starts gently: a fleet may be starting with it
    expect(sent[3]).toBeGreaterThan(0.97 * MiB);
    expect(limiter.factor).toBe(1);
  });

  it('does not climb while no answer confirms the pace (answers delayed by a busy endpoint)', () => {
    const limiter = shard();
    const sent = drive(limiter, 0, 5_000, { rttMs: 10_000 });
    // Start pace (3 %) plus one unconfirmed growth step (× 2), not the cap.
    expect(limiter.factor).toBeCloseTo(0.06, 5);
    expect(sent[4]).toBeLessThan(0.07 * MiB);
  });
});

describe('Limiter adaptation', () => {
  /** A limiter that has sent 10 % of a shard for 5 s, answered without throttles, past slow start. */
  function atTenPercent(options: LimiterOptions = {}): ShardLimiter {
    const limiter = shard({ startFactor: 1, ...options });
    for (let t = 0; t < 5_000; t += 100) {
      limiter.tryTake(RECORD, t);
      limiter.answered(0, t, t + 50);
    }
    return limiter;
  }

  /** A limiter throttled on every answer for 3 s (till 8 s): down to its floor. */
  function cutToFloor(): ShardLimiter {
    const limiter = atTenPercent();
    for (let t = 5_000; t < 8_000; t += 100) {
      drive(limiter, t, t + 100);
      limiter.answered(1, t + 99, t + 100);
    }
    return limiter;
  }

  it('cuts from the measured rate, not the ceiling, and ignores answers that predate the cut', () => {
    const limiter = atTenPercent();
    limiter.throttled(1, 4_950, 5_000); // leaving slow start halves
    const first = limiter.factor;
    expect(first).toBeGreaterThan(0.04);
    expect(first).toBeLessThan(0.06);
    limiter.throttled(1, 4_990, 5_010); // sent before the cut: already accounted for
    expect(limiter.factor).toBe(first);
  });

  it('one cut per congestion episode: throttled retries soon after a cut hold the pace at the cut instead of cutting again', () => {
    const limiter = atTenPercent();
    limiter.throttled(1, 4_950, 5_000); // leaving slow start halves, and would climb back fast
    const cut = limiter.factor;
    // The records throttled with the cut, retried at once into the same full shard.
    limiter.answered(1, 5_100, 5_200);
    limiter.answered(1, 5_250, 5_350);
    expect(limiter.factor).toBe(cut);
    // The shard is still full: no climb back while the episode lasts.
    drive(limiter, 5_350, 6_000);
    expect(limiter.factor).toBeCloseTo(cut, 5);
    // Throttled again once the cut had time to act: a new episode, a new cut.
    limiter.answered(1, 6_300, 6_350);
    expect(limiter.factor).toBeLessThan(0.6 * cut);
  });

  it('a throttle cuts by 20 % and holds there, below the throttled rate, then probes slowly, then faster', () => {
    const limiter = atTenPercent();
    limiter.throttled(1, 4_950, 5_000); // slow start ends at 5 %
    // Clean answers: the probe climbs back; throttle it once it sends 10 % of the shard again.
    let now = 5_000;
    while (limiter.measuredFactor(now) < 0.1 && now < 60_000) drive(limiter, now, (now += 100));
    const before = limiter.measuredFactor(now);
    expect(before).toBeLessThan(0.12);
    limiter.answered(0.1, now - 10, now);
    expect(limiter.factor).toBeCloseTo(before * 0.8, 2);
    // Plateau: for recoverySeconds (4 s with this jitter draw) it stays at 80 % of the throttled rate.
    drive(limiter, now, now + 4_000);
    expect(limiter.factor).toBeCloseTo(before * 0.8, 3);
    // Slow probe: its first second adds about 0.05 % of the shard (1 % for a fleet of 20).
    drive(limiter, now + 4_000, now + 5_000);
    expect(limiter.factor - before * 0.8).toBeLessThan(0.0015);
    // Still clean 15 s later: the probe accelerated (the fleet left), well past the old rate.
    drive(limiter, now + 5_000, now + 20_000);
    expect(limiter.factor).toBeGreaterThan(before * 2);
  });

  it('a cut far below the throttled rate (leaving slow start) climbs back fast to near it, then probes slowly there', () => {
    const limiter = shard();
    // Slow start with clean answers for 1 s (it then sends about 10 % of the shard), then one throttle.
    const now = 1_000;
    drive(limiter, 0, now);
    const before = Math.min(limiter.factor, limiter.measuredFactor(now)); // the rate actually sent
    expect(before).toBeGreaterThan(0.08);
    limiter.answered(1, now - 10, now);
    expect(limiter.factor).toBeCloseTo(before * 0.5, 2);
    // The hold (4 s with this jitter draw), then 2 s of clean answers: above 80 % of the old rate.
    drive(limiter, now, now + 6_000);
    expect(limiter.factor).toBeGreaterThan(0.8 * before);
    expect(limiter.factor).toBeLessThan(before);
    // Near the old rate only the slow probe is left: its next second adds under 5 % of that rate.
    const near = limiter.factor;
    drive(limiter, now + 6_000, now + 7_000);
    expect(limiter.factor - near).toBeLessThan(0.05 * before);
  });

  it('a first throttle long after the pace stopped growing (the producer had all it wanted while its peers were cut) halves and holds, with no climb back', () => {
    const limiter = shard();
    // 5 % of a shard for 5 s, every answer clean: slow start, held back by demand, not by the pace.
    for (let t = 0; t < 5_000; t += 100) {
      limiter.tryTake(RECORD * 5, t);
      limiter.answered(0, t, t + 20);
    }
    const before = limiter.measuredFactor(5_000);
    expect(before).toBeGreaterThan(0.04);
    limiter.answered(1, 4_990, 5_000);
    expect(limiter.factor).toBeCloseTo(before / 2, 2);
    // The hold (4 s with this jitter draw), then 2 s of the slow probe: still near half, not back near `before`.
    drive(limiter, 5_000, 11_000);
    expect(limiter.factor).toBeLessThan(0.6 * before);
  });

  it('a throttle before any clean answer (the shard already full) keeps slow start: alone, the producer has the whole shard 3 s later', () => {
    const limiter = shard();
    limiter.tryTake(RECORD, 0);
    limiter.answered(1, 0, 50);
    expect(limiter.factor).toBe(0.02);
    const sent = drive(limiter, 50, 6_050);
    expect(sent[3]).toBeGreaterThan(0.97 * MiB);
  });

  it('never cuts below minFactor, and regains the whole shard within 20 s once throttles stop', () => {
    const limiter = cutToFloor();
    expect(limiter.factor).toBe(0.02);
    const sent = drive(limiter, 8_000, 30_000);
    expect(sent.at(-1)).toBeGreaterThan(0.97 * MiB);
  });

  it('a producer cut to the floor regains a fair share of a 20-producer fleet (5 %) within 20 s, sending a 50 KB record every few seconds', () => {
    const limiter = cutToFloor();
    expect(limiter.factor).toBe(0.02);
    drive(limiter, 8_000, 28_000, { rttMs: 1_000, recordBytes: 51_200 });
    expect(limiter.factor).toBeGreaterThanOrEqual(0.05);
  });

  it('fair AIMD: a throttle halves the pace and holds it, then producers at unequal paces probe by the same absolute rate', () => {
    // Two producers with all the demand they want, out of slow start at different paces.
    const big = shard();
    const small = shard();
    drive(big, 0, 1_000);
    big.answered(1, 990, 1_000);
    drive(small, 0, 500);
    small.answered(1, 490, 500);
    drive(big, 1_000, 8_000);
    drive(small, 500, 8_000);
    expect(big.factor).toBeGreaterThan(1.5 * small.factor);
    // Both throttled at 8 s (the shard was full): each pace halves and holds (4 s with this draw).
    const before = [big.factor, small.factor];
    big.answered(1, 7_990, 8_000);
    small.answered(1, 7_990, 8_000);
    const cut = [big.factor, small.factor];
    expect(cut[0]).toBeCloseTo(before[0] / 2, 2);
    expect(cut[1]).toBeCloseTo(before[1] / 2, 2);
    drive(big, 8_000, 11_900);
    drive(small, 8_000, 11_900);
    expect([big.factor, small.factor]).toEqual(cut);
    // Then each probe adds the same absolute rate, whatever the pace: the gap the cut halved is
    // not widened again (a probe proportional to the pace would keep the ratio).
    drive(big, 11_900, 18_000);
    drive(small, 11_900, 18_000);
    expect(big.factor - cut[0]).toBeGreaterThan(0.001);
    expect(big.factor - cut[0]).toBeCloseTo(small.factor - cut[1], 4);
  });

  it('jitter comes from the injected RNG: different draws desynchronize, the same draws repeat', () => {
    const run = (random: () => number) => {
      const limiter = atTenPercent({ random });
      limiter.throttled(1, 4_950, 5_000);
      drive(limiter, 5_000, 15_000);
      limiter.answered(0.1, 14_990, 15_000);
      const curve: number[] = [];
      for (let t = 15_000; t < 20_000; t += 500) {
        drive(limiter, t, t + 500);
        curve.push(limiter.factor);
      }
      return curve;
    };
    expect(run(() => 0.1)).toEqual(run(() => 0.1));
    expect(run(() => 0.1)).not.toEqual(run(() => 0.9));
  });
});
