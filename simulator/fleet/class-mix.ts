import { VEHICLE_CLASSES, type VehicleClass } from '../emissions/index.js';
import type { Rng } from '../../common/rng.js';

/**
 * Class of every vehicle index: exact counts by largest remainder, then a seeded shuffle so classes
 * interleave (worker slices i mod n each get a fair share). Plain loops: it runs once per fleet, and
 * with array callbacks and a destructuring swap it was the costliest function to compile (8–20 ms of
 * compiler CPU, on a thread beside the run that followed the build).
 */
export function assignClasses(total: number, mix: Partial<Record<VehicleClass, number>>, rng: Rng): VehicleClass[] {
  const n = VEHICLE_CLASSES.length;
  let sum = 0;
  for (const c of VEHICLE_CLASSES) sum += mix[c] ?? 0;
  const counts: number[] = [];
  const remainders: number[] = [];
  let assigned = 0;
  for (const c of VEHICLE_CLASSES) {
    const exact = ((mix[c] ?? 0) / sum) * total;
    counts.push(Math.floor(exact));
    remainders.push(exact - Math.floor(exact));
    assigned += Math.floor(exact);
  }
  // Classes by largest remainder, ties by their order (insertion sort: a handful of classes).
  const order: number[] = [];
  for (let i = 0; i < n; i++) {
    let at = order.length;
    while (at > 0 && remainders[order[at - 1]] < remainders[i]) at--;
    order.splice(at, 0, i);
  }
  for (let k = 0; assigned < total; k++, assigned++) counts[order[k % n]]++;
  const classes: VehicleClass[] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < counts[i]; k++) classes.push(VEHICLE_CLASSES[i]);
  for (let i = classes.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const c = classes[i];
    classes[i] = classes[j];
    classes[j] = c;
  }
  return classes;
}
