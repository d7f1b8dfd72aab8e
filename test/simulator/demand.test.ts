import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../common/rng.js';
import { departureRatePerHour, nextDepartureDelayS } from '../../simulator/trips/demand.js';

/** The scan as it was written before Rng.drawUntilBelow: one next() per minute. */
function byMinute(hourAt: (s: number) => number, rng: Rng, rateScale: number): number {
  for (let m = 1; m <= 24 * 60; m++) {
    const u = rng.next();
    if (u < (departureRatePerHour(hourAt(m * 60)) * rateScale) / 60) return m * 60 - rng.int(60);
  }
  return 24 * 3600;
}

describe('departure demand', () => {
  it('draws the same minutes, answers and stream as a draw per minute', () => {
    for (const rateScale of [0, 0.3, 1, 4, 200]) {
      for (let seed = 1; seed <= 300; seed++) {
        const start = (seed * 37) % 24;
        const hourAt = (s: number) => (start + s / 3600) % 24;
        const fast = createRng(seed, 3);
        const slow = createRng(seed, 3);
        expect(nextDepartureDelayS(hourAt, fast, rateScale)).toBe(byMinute(hourAt, slow, rateScale));
        expect(fast.u32()).toBe(slow.u32()); // both streams left at the same place
      }
    }
  });

  it('drawUntilBelow counts the draws and returns the uniform that stopped it', () => {
    const a = createRng(7, 1);
    const b = createRng(7, 1);
    for (let i = 0; i < 2000; i++) {
      const x = a.drawUntilBelow(0.01, 500);
      let k = 0;
      let u = 1;
      while (k < 500 && !(u < 0.01)) {
        u = b.next();
        k++;
      }
      expect(x).toBe(u < 0.01 ? k + u : -1);
    }
  });
});
