// `--worker i/n`: n processes together send exactly the one-process stream, each vehicle from one worker only.
import { describe, expect, it } from 'vitest';
import { lines, sdfleet } from './support.js';

describe('simulate --worker i/n', () => {
  it('splits the fleet into disjoint vehicles whose events add up to the whole run, byte for byte', async () => {
    const args = ['simulate', '--scenario', 'demo', '--duration', '120'];
    const [whole, ...slices] = await Promise.all([sdfleet(args), ...[0, 1, 2].map((i) => sdfleet([...args, '--worker', `${i}/3`]))]);
    for (const r of [whole, ...slices]) expect(r.code, r.stderr).toBe(0);
    const vehicles = slices.map((r) => new Set(lines(r.stdout).map((l) => (JSON.parse(l) as { vehicle_id: string }).vehicle_id)));
    for (const set of vehicles) expect(set.size).toBeGreaterThan(0);
    const all = vehicles.flatMap((set) => [...set]);
    expect(new Set(all).size, 'a vehicle appears in two workers').toBe(all.length);
    expect(slices.flatMap((r) => lines(r.stdout)).sort()).toEqual(lines(whole.stdout).sort());
  });
});
