// What each kind of vehicle does next: private commuters (demand by time of day), delivery vans
// (depot tours), buses (fixed loops with stops) and drayage trucks (port ⇄ freight destinations),
// one plan per file.
import type { Rng } from '../../common/rng.js';
import type { VehicleClass } from '../emissions/index.js';
import { BusPlan } from './bus-plan.js';
import { DrayagePlan } from './drayage-plan.js';
import type { Places } from './places.js';
import type { Plan } from './plan.js';
import { PrivatePlan } from './private-plan.js';
import { VanPlan } from './van-plan.js';

export type { Activity, Leg, Next, Plan } from './plan.js';

/** The plan of vehicle `index` of a class. Plans are classes: a fleet holds one per vehicle. */
export function planFor(vehicleClass: VehicleClass, index: number, places: Places, rng: Rng): Plan {
  switch (vehicleClass) {
    case 'van':
      return new VanPlan(places, rng);
    case 'bus':
      return new BusPlan(index, places, rng);
    case 'drayage':
      return new DrayagePlan(places, rng);
    default:
      return new PrivatePlan(places, rng);
  }
}
