// A simulated fleet as a run's source. Scenarios are a bundled name (`demo`) or a path; the simulator's
// loader passes the `load:` block through and the runner validates it here.
import { createLocalHour, parseLocalStart } from '../simulator/clock.js';
import { createSimulation, loadScenario, type Scenario, type WorkerSlice } from '../simulator/index.js';
import { parseLoad, type LoadShape } from './load-shape.js';
import type { Source } from './source.js';

export interface LoadedScenario {
  scenario: Scenario;
  load: LoadShape | undefined;
  /** What the user named: a bundled name or the path. */
  name: string;
}

/** `--scenario NAME|PATH`: a bundled scenario by name, else a YAML/JSON file (size-capped, regular files only). */
export function readScenario(nameOrPath: string): LoadedScenario {
  const scenario = loadScenario(nameOrPath);
  return { scenario, load: scenario.load === undefined ? undefined : parseLoad(scenario.load), name: nameOrPath };
}

export interface ScenarioSourceOptions {
  seed?: number;
  worker?: WorkerSlice;
  /** Simulated seconds; undefined runs until stopped (or the scenario's own stop when `useScenarioStop`). */
  durationS?: number;
  useScenarioStop: boolean;
}

export function scenarioSource(loaded: LoadedScenario, options: ScenarioSourceOptions): Source {
  const sim = createSimulation(loaded.scenario, { seed: options.seed, worker: options.worker });
  const startMs = parseLocalStart(loaded.scenario.start);
  return {
    name: loaded.name,
    seed: sim.seed,
    startHour: createLocalHour()(startMs),
    async run(emit, { signal, maxRecords, emitBytes }) {
      const stop = options.useScenarioStop ? loaded.scenario.stop : {};
      const summary = await sim.run(
        {
          write: (event, json) => emit(event.vehicle_id, event.seq, json, event.created_at),
          writeTelemetry: (json, vehicleId, seq) => emit(vehicleId, seq, json),
          writeTelemetryBytes: emitBytes && ((buf, start, end, vehicleId, seq) => emitBytes(vehicleId, seq, buf, start, end)),
        },
        { pace: 'max', durationS: options.durationS ?? stop.durationS ?? Infinity, maxRecords: maxRecords ?? stop.maxRecords, signal },
      );
      return {
        emitted: summary.records,
        skippedBadLines: 0,
        simulation: {
          vehicles: summary.vehicles,
          simulatedS: summary.simulatedS,
          simulatedStart: summary.simulatedStart,
          simulatedEnd: summary.simulatedEnd,
          eventTypes: Object.keys(summary.eventsByType).length,
        },
      };
    },
  };
}
