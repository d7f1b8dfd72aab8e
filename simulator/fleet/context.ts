import type { VehicleClass } from '../emissions/index.js';
import type { RoadGraph } from '../roads/graph.js';
import type { RouteBook } from '../roads/route.js';
import type { Places } from '../trips/places.js';
import type { VehicleIdentity } from './identity.js';

/** What every vehicle shares: the city, the clock and the scenario's knobs. */
export interface SimContext {
  readonly graph: RoadGraph;
  /** The toll road's index in `graph.names` (−1: none; events/road-events.ts). */
  readonly tollRoad: number;
  readonly routes: RouteBook;
  readonly places: Places;
  readonly seed: number;
  readonly epochStartMs: number;
  /** Local hour of day (fraction) at simulated second t. */
  readonly hourAt: (simS: number) => number;
  /** Peak-hour intensity 0…1 at a local hour (motion/congestion.ts), cached per step. */
  readonly peakAt: (hour: number) => number;
  /** Vehicle i's identity, drawn from its own stream (the same whenever it is drawn). */
  readonly identityOf: (index: number, vehicleClass: VehicleClass, vehicleId: string) => VehicleIdentity;
  readonly dtS: number;
  readonly gpsNoiseM: number;
  readonly everySteps: number;
  readonly heartbeatS: number;
  readonly faultRate: number;
  readonly tripRate: number;
}
