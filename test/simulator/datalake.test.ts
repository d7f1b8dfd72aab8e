// One simulated data-lake hour: emissions plausibility per class and event-type coverage.
import { beforeAll, describe, expect, it } from 'vitest';
import { EVENT_CATALOG } from '../../simulator/index.js';
import { capture, type Captured } from './support.js';

let hour: Captured;
const perClass: Record<string, { co2: number; wh: number; km: number }> = {};
beforeAll(async () => {
  const lastKm = new Map<string, number>();
  // Aggregated on the fly: keeping a million events would cost more than simulating them.
  hour = await capture('scenarios/datalake-1m-per-hour.yaml', {
    keep: false,
    onEvent(ev) {
      if (ev.event_name !== 'vehicle:telemetry') return;
      const c = (perClass[ev.vehicle_class as string] ??= { co2: 0, wh: 0, km: 0 });
      c.co2 += ev.co2_g as number;
      c.wh += (ev.energy_wh as number | undefined) ?? 0;
      const prev = lastKm.get(ev.vehicle_id);
      if (prev !== undefined) c.km += (ev.odometer_km as number) - prev;
      lastKm.set(ev.vehicle_id, ev.odometer_km as number);
    },
  });
}, 240_000);

describe('data-lake hour', () => {
  it('is about 1M events', () => {
    expect(hour.summary.records).toBeGreaterThan(700_000);
    expect(hour.summary.records).toBeLessThan(1_500_000);
  });

  it.each([
    ['car', 150, 300],
    ['light_truck', 200, 400],
    ['bus', 900, 2000],
    ['drayage', 700, 1600],
  ])('fleet-average CO2 of %s is within %i–%i g/km', (cls, lo, hi) => {
    const c = perClass[cls];
    expect(c.km).toBeGreaterThan(50);
    const gkm = c.co2 / c.km;
    expect(gkm).toBeGreaterThanOrEqual(lo);
    expect(gkm).toBeLessThanOrEqual(hi);
  });

  it('EVs emit no CO2 and use 120–250 Wh/km', () => {
    const ev = perClass.ev;
    expect(ev.co2).toBe(0);
    expect(ev.wh / ev.km).toBeGreaterThanOrEqual(120);
    expect(ev.wh / ev.km).toBeLessThanOrEqual(250);
  });

  it('mixes at least 100 event types, all from the catalog', () => {
    const seen = Object.keys(hour.summary.eventsByType);
    expect(seen.filter((n) => !EVENT_CATALOG.includes(n))).toEqual([]);
    expect(seen.length, `missing: ${EVENT_CATALOG.filter((n) => !seen.includes(n)).join(', ')}`).toBeGreaterThanOrEqual(100);
  });
});
