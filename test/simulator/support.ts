import { createHash } from 'node:crypto';
import { createSimulation, loadScenario, type EventSink, type FleetEvent, type ScenarioInput } from '../../simulator/index.js';

export interface Captured {
  events: FleetEvent[];
  lines: string[];
  hash: string;
  summary: Awaited<ReturnType<ReturnType<typeof createSimulation>['run']>>;
  vehicles: ReturnType<typeof createSimulation>['vehicles'];
}

/** Runs a scenario to completion at max pace and keeps everything it wrote. */
export async function capture(input: string | ScenarioInput, opts: { seed?: number; worker?: { index: number; count: number }; durationS?: number; maxRecords?: number; keep?: boolean; onEvent?(ev: FleetEvent): void; jsonTelemetry?: boolean; bytesTelemetry?: boolean; bytesEvents?: boolean } = {}): Promise<Captured> {
  const sim = createSimulation(loadScenario(input), { seed: opts.seed, worker: opts.worker });
  const hash = createHash('sha256');
  const events: FleetEvent[] = [];
  const lines: string[] = [];
  const sink: EventSink = {
    write(ev, json) {
      hash.update(json).update('\n');
      opts.onEvent?.(ev);
      if (opts.keep !== false) {
        events.push(ev);
        lines.push(json);
      }
    },
  };
  // Telemetry as text (or bytes) only: events then holds the telemetry rebuilt from its line, and the id and seq
  // handed alongside must be the line's own.
  if (opts.jsonTelemetry) {
    sink.writeTelemetry = (json, vehicleId, seq) => {
      const ev = JSON.parse(json) as FleetEvent;
      if (ev.vehicle_id !== vehicleId || ev.seq !== seq) throw new Error(`writeTelemetry(${vehicleId}, ${seq}) for ${ev.vehicle_id} #${ev.seq}`);
      return sink.write(ev, json);
    };
  }
  if (opts.bytesTelemetry) {
    sink.writeTelemetryBytes = (buf, start, end, vehicleId, seq) => {
      if (buf[end] !== 0x0a) throw new Error(`writeTelemetryBytes(${vehicleId}, ${seq}): no newline after the line`);
      const json = buf.toString('utf8', start, end);
      const ev = JSON.parse(json) as FleetEvent;
      if (ev.vehicle_id !== vehicleId || ev.seq !== seq) throw new Error(`writeTelemetryBytes(${vehicleId}, ${seq}) for ${ev.vehicle_id} #${ev.seq}`);
      return sink.write(ev, json);
    };
  }
  if (opts.bytesEvents) {
    sink.writeEventBytes = (buf, start, end, name, vehicleId, seq) => {
      if (buf[end] !== 0x0a) throw new Error(`writeEventBytes(${name}, ${vehicleId}, ${seq}): no newline after the line`);
      const json = buf.toString('utf8', start, end);
      const ev = JSON.parse(json) as FleetEvent;
      if (ev.event_name !== name || ev.vehicle_id !== vehicleId || ev.seq !== seq) throw new Error(`writeEventBytes(${name}, ${vehicleId}, ${seq}) for ${ev.event_name} ${ev.vehicle_id} #${ev.seq}`);
      return sink.write(ev, json);
    };
  }
  const summary = await sim.run(
    sink,
    { pace: 'max', durationS: opts.durationS, maxRecords: opts.maxRecords },
  );
  return { events, lines, hash: hash.digest('hex'), summary, vehicles: sim.vehicles };
}
