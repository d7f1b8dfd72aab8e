// A simulated fleet as a run's source. Scenarios are a bundled name (`demo`) or a path; the
// `load:` block is the runner's, so it is taken out before the simulator validates the rest.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../common/user-error.js';
import { createLocalHour, parseLocalStart } from '../simulator/clock.js';
import { createSimulation, loadScenario, type Scenario, type WorkerSlice } from '../simulator/index.js';
import { parseLoad, type LoadShape } from './load-shape.js';
import type { Source } from './source.js';

const BUNDLED = new URL('../scenarios/', import.meta.url);

export interface LoadedScenario {
  scenario: Scenario;
  load: LoadShape | undefined;
  /** What the user named: a bundled name or the path. */
  name: string;
}

/** `--scenario NAME|PATH`: a bundled scenario by name, else a YAML/JSON file. */
export function readScenario(nameOrPath: string): LoadedScenario {
  const bundled = /^[a-z0-9][a-z0-9-]*$/i.test(nameOrPath) ? fileURLToPath(new URL(`${nameOrPath}.yaml`, BUNDLED)) : undefined;
  const path = bundled && existsSync(bundled) && !existsSync(nameOrPath) ? bundled : nameOrPath;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError('--scenario', nameOrPath, `is neither a bundled scenario nor a readable file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (err) {
    throw new UserError('--scenario', nameOrPath, `not valid YAML/JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  let load: LoadShape | undefined;
  if (data !== null && typeof data === 'object' && 'load' in data) {
    const { load: raw, ...rest } = data as Record<string, unknown>;
    load = parseLoad(raw);
    data = rest;
  }
  return { scenario: loadScenario(data as Scenario), load, name: nameOrPath };
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
    async run(emit, { signal, maxRecords }) {
      const stop = options.useScenarioStop ? loaded.scenario.stop : {};
      const summary = await sim.run(
        {
          write: (event, json) => emit(event.vehicle_id, event.seq, json, event.created_at),
          writeTelemetry: (json, vehicleId, seq) => emit(vehicleId, seq, json),
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
