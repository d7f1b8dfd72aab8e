// Public entry of the simulator. It emits through EventSink and knows nothing about transports.
import { createLocalHour, parseLocalStart } from './clock.js';
import type { EventSink } from './events/event.js';
import type { SimContext } from './fleet/context.js';
import { buildFleet, infosOf, type VehicleInfo } from './fleet/fleet.js';
import { createIdentityDrawer } from './fleet/identity.js';
import { checkWorker, type WorkerSlice } from './fleet/partition.js';
import { tollRoadOf } from './events/road-events.js';
import { createPeakIntensity } from './motion/congestion.js';
import { rememberLast } from './remember-last.js';
import { loadRoadGraph } from './roads/graph.js';
import { createRouteBook, type RouteBook } from './roads/route.js';
import { createRouter } from './roads/router.js';
import { runFleet, type RunOptions, type RunSummary } from './runner.js';
import { type Scenario, ScenarioSchema } from './scenario.js';
import { placesOf } from './trips/places.js';

export { bundledScenarios, loadScenario, resolveScenario, ScenarioSchema, type BundledScenario, type Scenario, type ScenarioInput } from './scenario.js';
export type { EventSink, FleetEvent } from './events/event.js';
export type { TelemetryEvent } from './telemetry/wire.js';
export type { VehicleInfo } from './fleet/fleet.js';
export type { WorkerSlice } from './fleet/partition.js';
export { parseWorker } from './fleet/partition.js';
export type { Pace, RunOptions, RunProgress, RunSummary } from './runner.js';
export { encodeEvent } from './encoder.js';
export { createNdjsonSink, type NdjsonSink, type NdjsonSinkOptions } from './sinks/ndjson-sink.js';
export { EVENT_CATALOG } from './events/catalog.js';

export interface SimulationOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  worker?: WorkerSlice;
}

export interface Simulation {
  readonly scenario: Scenario;
  readonly seed: number;
  readonly worker: WorkerSlice;
  readonly vehicles: VehicleInfo[];
  /** Runs once; durationS / maxRecords default to the scenario's `stop`. */
  run(sink: EventSink, opts: RunOptions): Promise<RunSummary & { scenario: string; seed: number; worker: string }>;
}

// Routes depend only on the bundled graph, so every simulation in the process shares one cache.
let routes: RouteBook | undefined;
function sharedRoutes(): RouteBook {
  const graph = loadRoadGraph();
  routes ??= createRouteBook(graph, createRouter(graph));
  return routes;
}

export function createSimulation(scenario: Scenario, options: SimulationOptions = {}): Simulation {
  const sc = ScenarioSchema.parse(scenario); // also fills defaults for hand-built objects
  const seed = options.seed ?? sc.seed;
  const worker = options.worker ?? { index: 0, count: 1 };
  checkWorker(worker);
  const graph = loadRoadGraph();
  const epochStartMs = parseLocalStart(sc.start, 'start');
  const localHour = createLocalHour();
  const ctx: SimContext = {
    graph,
    tollRoad: tollRoadOf(graph.names),
    routes: sharedRoutes(),
    places: placesOf(graph),
    seed,
    epochStartMs,
    hourAt: rememberLast((s) => localHour(epochStartMs + s * 1000)),
    peakAt: createPeakIntensity(),
    identityOf: createIdentityDrawer(seed),
    dtS: sc.stepS,
    gpsNoiseM: sc.telemetry.gpsNoiseM,
    everySteps: sc.telemetry.everySteps,
    heartbeatS: sc.telemetry.heartbeatS,
    faultRate: sc.behaviour.faultRate,
    tripRate: sc.behaviour.tripRate,
  };
  const fleet = buildFleet(sc, ctx, worker);
  let started = false;
  let infos: VehicleInfo[] | undefined;
  return {
    scenario: sc,
    seed,
    worker,
    // Built when asked for: 100k info objects held for the whole run were ~100 B per vehicle.
    get vehicles() {
      infos ??= infosOf(fleet.vehicles, seed);
      return infos;
    },
    async run(sink, opts) {
      if (started) throw new Error('a Simulation runs once; create another for a new run');
      started = true;
      const summary = await runFleet(fleet, ctx, sink, { ...opts, durationS: opts.durationS ?? sc.stop.durationS, maxRecords: opts.maxRecords ?? sc.stop.maxRecords });
      // Its properties copied as they are: a spread would read (and so build) the lazy lastSeq.
      const head = { scenario: sc.name, seed, worker: `${worker.index}/${worker.count}` };
      return Object.defineProperties(head, Object.getOwnPropertyDescriptors(summary)) as typeof head & RunSummary;
    },
  };
}
