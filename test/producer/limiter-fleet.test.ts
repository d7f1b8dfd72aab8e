// A fleet of independent producers sharing shards through the gate's own per-shard meter, on a
// simulated clock (test/producer/limiter-fleet-sim.ts): deterministic, no wall-clock asserts.
// The figures are the fleet goals (#12), which `npm run bench -- gate` measures for real.
import { describe, expect, it } from 'vitest';
import { jain, simulateFleet, type FleetOptions, type FleetResult } from './limiter-fleet-sim.js';

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// One seed is one draw of latencies, jitter and routing: the figures are medians over five.
const SEEDS = [1, 2, 3, 4, 5];
const fleets = (options: Omit<FleetOptions, 'seed'>) => SEEDS.map((seed) => simulateFleet({ ...options, seed }));
let plain: FleetResult[] | undefined;
const plainFleets = () => (plain ??= fleets({ producers: 20, shards: 2, load: 1.5, seconds: 20 }));

describe('Limiter fleet: 20 producers sharing 2 shards at 1.5× the offered load, callers on ready()', () => {
  it('keeps the shards full with few throttled requests, shares them fairly, and expires nothing', () => {
    const runs = plainFleets();
    expect(median(runs.map((f) => f.utilization))).toBeGreaterThanOrEqual(0.97);
    expect(median(runs.map((f) => f.throttledRequests))).toBeLessThanOrEqual(0.02);
    expect(median(runs.map((f) => f.fairness))).toBeGreaterThanOrEqual(0.95);
    for (const fleet of runs) {
      expect(fleet.expired).toBe(0);
      // Every record offered was acknowledged: backpressure held the callers, nothing was lost.
      expect(Math.min(...fleet.acked)).toBeGreaterThan(0);
    }
  });

  it('shares fairly in the steady state too (seconds 10–20), not only over a run that starts equal', () => {
    // Producers that escaped the start-up throttles, or drew fewer later ones, must not keep a surplus.
    const runs = plainFleets();
    const steady = runs.map((f) => jain(f.ackedPerSecond.map((perSecond) => sum(perSecond.slice(10, 20)))));
    expect(median(steady)).toBeGreaterThanOrEqual(0.9);
  });

  it('expires nothing when answers are slow and uneven and the process stalls (a busy machine)', () => {
    const runs = fleets({
      producers: 20,
      shards: 2,
      load: 1.5,
      seconds: 20,
      latencyMs: (random) => 100 + 2500 * random() * random(),
      stallEveryMs: 1000,
      stallMs: 300,
    });
    for (const fleet of runs) expect(fleet.expired).toBe(0);
    expect(median(runs.map((f) => f.utilization))).toBeGreaterThanOrEqual(0.9);
    expect(median(runs.map((f) => f.fairness))).toBeGreaterThanOrEqual(0.9);
  });

  it('ten producers joining a running fleet of ten get an equal share within 10 s', () => {
    const fleet = simulateFleet({ producers: 20, shards: 2, load: 1.5, seconds: 30, seed: 1, startMs: (i) => (i < 10 ? 0 : 10_000) });
    // Seconds 18–28: both groups offering; acknowledged records per producer in that window.
    const window = fleet.ackedPerSecond.map((perSecond) => sum(perSecond.slice(18, 29)));
    const ratio = sum(window.slice(10)) / sum(window.slice(0, 10));
    expect(ratio).toBeGreaterThan(0.75);
    expect(ratio).toBeLessThan(1.33);
    expect(jain(window)).toBeGreaterThan(0.85);
    expect(fleet.expired).toBe(0);
  });
});
