// Builds this worker's share of the fleet. Classes are assigned over the WHOLE fleet from the
// scenario seed, then each vehicle draws everything else from its own RNG stream, so vehicle i is
// the same vehicle whichever worker runs it.
import type { VehicleClass } from '../emissions/index.js';
import { geofencesOf } from '../events/geofences.js';
import { createRng, createRngIn } from '../../common/rng.js';
import type { Scenario } from '../scenario.js';
import { assignClasses } from './class-mix.js';
import type { SimContext } from './context.js';
import { createDetailsDrawer, type VehicleDetails, type VehicleIdentity } from './identity.js';
import { belongsTo, type WorkerSlice } from './partition.js';
import { FleetState } from './fleet-state.js';
import { Vehicle } from './vehicle.js';

export interface VehicleInfo extends VehicleIdentity, VehicleDetails {
  index: number;
  vehicle_class: VehicleClass;
  home: string;
  home_neighbourhood: string;
}

export interface Fleet {
  vehicles: Vehicle[];
  /** Their per-step state, slot i for vehicles[i]. */
  state: FleetState;
}

export function buildFleet(scenario: Scenario, ctx: SimContext, worker: WorkerSlice): Fleet {
  const classes = assignClasses(scenario.fleet.vehicles, scenario.fleet.mix, createRng(ctx.seed, 0));
  const fences = geofencesOf(ctx.graph.neighbourhoods);
  const vehicles: Vehicle[] = [];
  let size = 0;
  for (let i = 0; i < classes.length; i++) if (belongsTo(i, worker)) size++;
  const state = new FleetState(size);
  for (let i = 0; i < classes.length; i++) {
    if (!belongsTo(i, worker)) continue;
    vehicles.push(new Vehicle(i, classes[i], ctx, createRngIn(state.rng, vehicles.length * 4, ctx.seed, i + 1), fences, state, vehicles.length));
  }
  return { vehicles, state };
}

/** The vehicle list (`sim.vehicles`): identity and details, class and home. */
export function infosOf(vehicles: readonly Vehicle[], seed: number): VehicleInfo[] {
  const detailsOf = createDetailsDrawer(seed);
  return vehicles.map((v) => {
    const { vehicle_id, plate, driver_id } = v.identity;
    const { vin, make, model, model_year } = detailsOf(v.index, v.vehicleClass);
    return { index: v.index, vehicle_id, vin, make, model, model_year, plate, driver_id, vehicle_class: v.vehicleClass, home: v.home.name, home_neighbourhood: v.home.neighbourhood };
  });
}
