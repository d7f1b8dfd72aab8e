// Origin–destination demand by time of day: when a parked vehicle leaves, and where it goes.
import type { Rng } from '../../common/rng.js';

export type TripPurpose = 'commute_to_work' | 'commute_home' | 'errand' | 'night';

/** Departures per parked private vehicle per hour at local hour h (AM/PM peaks, midday, night). */
export function departureRatePerHour(h: number): number {
  const am = 0.9 * Math.exp(-(((h - 7.6) / 0.9) ** 2));
  const pm = 0.8 * Math.exp(-(((h - 17) / 1.2) ** 2));
  const midday = 0.3 * Math.exp(-(((h - 12.5) / 2.2) ** 2));
  const night = h < 5 || h > 22 ? 0.02 : 0.08;
  return am + pm + midday + night;
}

/**
 * departureRatePerHour, remembered by exact hour value: a departure scan asks for up to 1,440
 * minutes ahead (three exp each), and vehicles parking in the same second ask for the same minutes.
 */
export function createDepartureRates(): (h: number) => number {
  const rates = new Map<number, number>();
  return (h) => {
    let r = rates.get(h);
    if (r === undefined) {
      if (rates.size >= 1 << 16) rates.clear();
      r = departureRatePerHour(h);
      rates.set(h, r);
    }
    return r;
  };
}

export function purposeAt(h: number, atHome: boolean, rng: Rng): TripPurpose {
  if (h < 5 || h >= 22) return atHome ? 'night' : 'commute_home';
  if (h < 10.5) return atHome && rng.chance(0.8) ? 'commute_to_work' : atHome ? 'errand' : 'commute_home';
  if (h >= 15.5) return atHome ? 'errand' : rng.chance(0.85) ? 'commute_home' : 'errand';
  return rng.chance(0.4) ? (atHome ? 'errand' : 'commute_home') : 'errand';
}

/**
 * Seconds until the next departure from now, by thinning a non-homogeneous Poisson process at
 * one-minute resolution (local hour from `hourAt`). Capped at a day.
 */
export function nextDepartureDelayS(hourAt: (offsetS: number) => number, rng: Rng, rateScale = 1, rateAt: (h: number) => number = departureRatePerHour): number {
  for (let m = 1; m <= 24 * 60; m++) {
    const p = (rateAt(hourAt(m * 60)) * rateScale) / 60;
    if (rng.next() < p) return m * 60 - rng.int(60);
  }
  return 24 * 3600;
}
