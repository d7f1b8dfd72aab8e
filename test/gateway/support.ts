// Shared pieces of the gateway tests: an independent read of a whole stream, the deterministic
// simulation the gateway should have delivered, and the per-vehicle checks.
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { deaggregate } from '../../producer/index.js';
import { createSimulation, loadScenario } from '../../simulator/index.js';
import { readBack } from '../stream/support/read-back.js';

export interface StreamEvent {
  vehicle_id: string;
  seq: number;
  event_uuid: string;
  partitionKey: string;
}

/** Every event in the stream (all shards from TRIM_HORIZON, KPL aggregates unpacked), in shard then arrival order. */
export async function readWholeStream(client: KinesisClient, streamName: string): Promise<StreamEvent[]> {
  return (await readBack(client, streamName)).flatMap((r) =>
    deaggregate(r.data, r.partitionKey).map((u) => {
      const e = JSON.parse(Buffer.from(u.data).toString('utf8')) as StreamEvent;
      return { vehicle_id: e.vehicle_id, seq: e.seq, event_uuid: e.event_uuid, partitionKey: u.partitionKey };
    }),
  );
}

/** The first `n` events the simulator emits for this scenario and fleet size. */
export async function simulatedEvents(scenarioPath: string, vehicles: number, n: number): Promise<Map<string, string>> {
  const scenario = loadScenario(scenarioPath);
  const sim = createSimulation({ ...scenario, fleet: { ...scenario.fleet, vehicles } });
  const byKey = new Map<string, string>();
  const keep = (json: string) => {
    const e = JSON.parse(json) as StreamEvent;
    byKey.set(`${e.vehicle_id}#${e.seq}`, e.event_uuid);
  };
  await sim.run({ write: (_e, json) => keep(json), writeTelemetry: (json) => keep(json) }, { pace: 'max', durationS: Infinity, maxRecords: n });
  return byKey;
}

/** Per vehicle, the seqs that are missing between 1 and the highest seen. */
export function seqGaps(events: readonly { vehicle_id: string; seq: number }[]): Record<string, number[]> {
  const seen = new Map<string, Set<number>>();
  for (const e of events) {
    let s = seen.get(e.vehicle_id);
    if (!s) seen.set(e.vehicle_id, (s = new Set()));
    s.add(e.seq);
  }
  const gaps: Record<string, number[]> = {};
  for (const [vehicle, seqs] of seen) {
    const max = Math.max(...seqs);
    const missing: number[] = [];
    for (let i = 1; i <= max; i++) if (!seqs.has(i)) missing.push(i);
    if (missing.length > 0) gaps[vehicle] = missing;
  }
  return gaps;
}
