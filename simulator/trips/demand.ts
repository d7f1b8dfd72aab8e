// Origin–destination demand by time of day: when a parked vehicle leaves, and where it goes.
import type { Rng } from '../../common/rng.js';

export type TripPurpose = 'commute_to_work' | 'commute_home' | 'errand' | 'night';

/** Departures per parked private vehicle per hour at local hour h (AM/PM peaks, midday, night). */
export function departureRatePerHour(h: number): number {
  // Keep MAX_DEPARTURE_RATE_PER_HOUR in step with these coefficients.
  const am = 0.9 * Math.exp(-(((h - 7.6) / 0.9) ** 2));
  const pm = 0.8 * Math.exp(-(((h - 17) / 1.2) ** 2));
  const midday = 0.3 * Math.exp(-(((h - 12.5) / 2.2) ** 2));
  const night = h < 5 || h > 22 ? 0.02 : 0.08;
  return am + pm + midday + night;
}

export function purposeAt(h: number, atHome: boolean, rng: Rng): TripPurpose {
  if (h < 5 || h >= 22) return atHome ? 'night' : 'commute_home';
  if (h < 10.5) return atHome && rng.chance(0.8) ? 'commute_to_work' : atHome ? 'errand' : 'commute_home';
  if (h >= 15.5) return atHome ? 'errand' : rng.chance(0.85) ? 'commute_home' : 'errand';
  return rng.chance(0.4) ? (atHome ? 'errand' : 'commute_home') : 'errand';
}

/** departureRatePerHour never exceeds this: each term is at most its coefficient (exp ≤ 1), summed in the same order. */
const MAX_DEPARTURE_RATE_PER_HOUR = 0.9 + 0.8 + 0.3 + 0.08;

/**
 * Seconds until the next departure from now, by thinning a non-homogeneous Poisson process at
 * one-minute resolution (local hour from `hourAt`). Capped at a day. A minute's probability is
 * computed only when its draw falls below the bound on it: the same draws and answers, with ~30×
 * fewer exp calls (a parked car scans up to 1,440 minutes); the minutes in between are drawn by
 * `Rng.drawUntilBelow`, one call per candidate.
 */
export function nextDepartureDelayS(hourAt: (offsetS: number) => number, rng: Rng, rateScale = 1): number {
  const pMax = (MAX_DEPARTURE_RATE_PER_HOUR * rateScale) / 60;
  for (let m = 0; m < 24 * 60; ) {
    const x = rng.drawUntilBelow(pMax, 24 * 60 - m);
    if (x < 0) break;
    const k = Math.floor(x);
    m += k;
    if (x - k < (departureRatePerHour(hourAt(m * 60)) * rateScale) / 60) return m * 60 - rng.int(60);
  }
  return 24 * 3600;
}
