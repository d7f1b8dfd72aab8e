import { VEHICLE_CLASSES, type VehicleClass } from '../emissions/index.js';
import type { Rng } from '../../common/rng.js';

/**
 * Class of every vehicle index: exact counts by largest remainder, then a seeded shuffle so classes
 * interleave (worker slices i mod n each get a fair share).
 */
export function assignClasses(total: number, mix: Partial<Record<VehicleClass, number>>, rng: Rng): VehicleClass[] {
  const weights = VEHICLE_CLASSES.map((c) => mix[c] ?? 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < total; k++) counts[order[k % order.length][1]]++;
  const classes: VehicleClass[] = VEHICLE_CLASSES.flatMap((c, i) => Array<VehicleClass>(counts[i]).fill(c));
  for (let i = classes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [classes[i], classes[j]] = [classes[j], classes[i]];
  }
  return classes;
}
