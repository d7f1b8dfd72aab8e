// Shared pieces of the gateway tests: an independent read of a whole stream, the deterministic
// simulation the gateway should have delivered, and the per-vehicle checks.
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { deaggregate } from '../../producer/index.js';
import { createSimulation, loadScenario } from '../../simulator/index.js';

export interface StreamEvent {
  vehicle_id: string;
  seq: number;
  event_uuid: string;
  partitionKey: string;
}

/** Reads every record of every shard from TRIM_HORIZON, unpacking KPL aggregates. */
export async function readWholeStream(client: KinesisClient, streamName: string): Promise<StreamEvent[]> {
  const shards = (await client.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
  const out: StreamEvent[] = [];
  for (const shard of shards) {
    let iterator = (await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        for (const u of deaggregate(r.Data!, r.PartitionKey!)) {
          const e = JSON.parse(Buffer.from(u.data).toString('utf8')) as StreamEvent;
          out.push({ vehicle_id: e.vehicle_id, seq: e.seq, event_uuid: e.event_uuid, partitionKey: u.partitionKey });
        }
      }
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
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
