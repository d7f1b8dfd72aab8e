// Time-of-day congestion: the fraction of the free-flow speed traffic allows, by local hour and road.
// Peaks follow SANDAG's usual commute pattern (AM 7–9, PM 16–18:30); freeways suffer most.
import { isFreewayKind } from '../roads/graph.js';
import { rememberLast } from '../remember-last.js';

/** 0 (free flow) … 1 (peak of the peak) at local hour h, remembering the last answer (motion asks per vehicle). */
export function createPeakIntensity(): (h: number) => number {
  return rememberLast(peakIntensity);
}

export function peakIntensity(h: number): number {
  const am = Math.exp(-(((h - 7.9) / 0.8) ** 2));
  const pm = Math.exp(-(((h - 17.2) / 1.1) ** 2));
  const midday = 0.25 * Math.exp(-(((h - 12.5) / 2) ** 2));
  return Math.min(1, Math.max(am, pm, midday));
}

/**
 * Multiplier on the speed limit for a road kind at peak intensity `peak`. Congested traffic is stop-and-go, not a steady slow
 * crawl: `wave` ∈ [0,1] is the vehicle's position in a ~90 s shock-wave cycle.
 */
export function congestionFactor(peak: number, edgeKind: number, wave: number): number {
  const depth = isFreewayKind(edgeKind) ? 0.95 : 0.5;
  return 1 - depth * peak * wave;
}

/** Stop-and-go wave at simulated second t for a vehicle with phase φ ∈ [0,1). */
export function congestionWave(t: number, phase: number): number {
  const x = Math.sin(2 * Math.PI * (t / 90 + phase));
  return x > 0 ? x : 0.3 * x + 0.3; // long slow stretches, short free-moving ones
}
