// `--worker i/n`: n processes together send exactly the one-process stream, each vehicle from one worker only.
import { describe, expect, it } from 'vitest';
import { createSimulation, loadScenario, parseWorker } from '../../simulator/index.js';
import { lines, sdfleet } from './support.js';

async function events(worker?: string): Promise<string[]> {
  const out: string[] = [];
  const sim = createSimulation(loadScenario('demo'), { worker: worker === undefined ? undefined : parseWorker(worker) });
  await sim.run({ write: (_ev, json) => void out.push(json), writeTelemetry: (json) => void out.push(json) }, { pace: 'max', durationS: 120 });
  return out;
}

describe('--worker i/n', () => {
  it('splits the fleet into disjoint vehicles whose events add up to the whole run, byte for byte', async () => {
    const whole = await events();
    const slices = await Promise.all(['0/3', '1/3', '2/3'].map(events));
    const vehicles = slices.map((slice) => new Set(slice.map((l) => (JSON.parse(l) as { vehicle_id: string }).vehicle_id)));
    for (const set of vehicles) expect(set.size).toBeGreaterThan(0);
    const all = vehicles.flatMap((set) => [...set]);
    expect(new Set(all).size, 'a vehicle appears in two workers').toBe(all.length);
    expect(slices.flat().sort()).toEqual([...whole].sort());
  });

  it('simulate --worker writes only that slice', async () => {
    const r = await sdfleet(['simulate', '--scenario', 'demo', '--duration', '120', '--worker', '1/3']);
    expect(r.code, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual(await events('1/3'));
  });
});
