// The simulated fleet as a gateway source. The simulator is deterministic (same seed and scenario,
// same events), so after a restart it re-runs from the start as fast as it can and skips the
// readings the spool already accepted; the same vehicles then continue with their next seq.
import { setTimeout as sleep } from 'node:timers/promises';
import { createSimulation, type Pace, type Scenario, type WorkerSlice } from '../simulator/index.js';
import type { ReadingSink, Source } from './source.js';

export interface SimulatorSourceOptions {
  scenario: Scenario;
  /** Overrides the scenario's fleet size. */
  vehicles?: number;
  pace: Pace;
  speedup: number;
  /** Readings already accepted by earlier runs (the spool's nextIndex): regenerated, not re-sent. */
  skip: number;
  /** Stop once this many readings exist in total (skipped ones included). */
  maxRecords?: number;
  /** Simulated seconds (default: the scenario's stop, or unbounded with maxRecords). */
  durationS?: number;
  /** This gateway's share of the fleet, when several gateways split one scenario. */
  worker?: WorkerSlice;
}

export function createSimulatorSource(options: SimulatorSourceOptions): Source {
  const { scenario } = options;
  const sc: Scenario = options.vehicles ? { ...scenario, fleet: { ...scenario.fleet, vehicles: options.vehicles } } : scenario;
  const speed = options.pace === 'realtime' ? 1 : options.pace === 'accelerated' ? options.speedup : Infinity;
  return {
    async run(sink: ReadingSink, signal: AbortSignal) {
      const sim = createSimulation(sc, { worker: options.worker });
      let emitted = 0;
      let simulatedS = 0;
      let liveFrom: { wallMs: number; simS: number } | undefined;
      // Fast-forward through what the spool already has: counted, never sent.
      const skipped = (): boolean => emitted++ < options.skip;
      const send = (vehicleId: string, seq: number, json: string): void | Promise<void> => {
        if (speed !== Infinity) {
          // Paced by simulated time from the first live reading on, so the fast-forward costs no waiting.
          const simS = simulatedS + sc.stepS;
          liveFrom ??= { wallMs: performance.now(), simS };
          const wait = liveFrom.wallMs + ((simS - liveFrom.simS) * 1000) / speed - performance.now();
          if (wait > 1) return sleep(wait, undefined, { signal }).then(() => sink.accept({ vehicleId, seq, json }), () => undefined);
        }
        return sink.accept({ vehicleId, seq, json });
      };
      const summary = await sim.run(
        {
          write: (ev, json) => (skipped() ? undefined : send(ev.vehicle_id, ev.seq, json)),
          // Readings come as bytes: one skipped during the fast-forward never becomes a string.
          writeTelemetryBytes: (buf, start, end, vehicleId, seq) => (skipped() ? undefined : send(vehicleId, seq, buf.toString('utf8', start, end))),
        },
        {
          pace: 'max',
          durationS: options.durationS ?? (options.maxRecords !== undefined ? Infinity : sc.stop.durationS),
          maxRecords: options.maxRecords,
          signal,
          onProgress: (p) => (simulatedS = p.simulatedS),
        },
      );
      return summary.stoppedBy === 'aborted' || signal.aborted ? 'aborted' : 'ended';
    },
  };
}
