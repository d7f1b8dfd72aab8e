// Reads the shard gate's accounting (the object in-process, or `/_sdfleet/accounting` over HTTP)
// once a second and turns its running totals into a per-second line.
import type { GateAccounting, ShardCounts } from '../pipeline/stream/accounting.js';
import { AWS_SHARD_LIMITS } from './run-model.js';
import { minus } from './counter-delta.js';
import type { GateLine, GateShardPoint } from './series-line.js';

export interface ObservedGate {
  accounting(): GateAccounting | Promise<GateAccounting>;
  limits?: { recordsPerSecond: number; bytesPerSecond: number };
}

/** The gate behind an accounting URL, for a producer in another process (`sdfleet stack`). */
export function gateAtUrl(url: string, timeoutMs = 900): ObservedGate {
  return {
    async accounting() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`${url} answered ${res.status}`);
      return (await res.json()) as GateAccounting;
    },
  };
}

function point(c: ShardCounts): GateShardPoint {
  return {
    accepted: c.acceptedRecords,
    accepted_bytes: c.acceptedBytes,
    throttled: c.throttledRecords,
    throttled_bytes: c.throttledBytes,
    internal_failures: c.internalFailures,
  };
}


/** Returns undefined for a second the gate could not be read (the next line covers the gap). */
export function createGateSampler(gate: ObservedGate): (t: number) => Promise<GateLine | undefined> {
  let shardsBefore: Record<string, GateShardPoint> = {};
  let requestsBefore: { requests: number; throttled: number; errors: number } | undefined;
  const limits = gate.limits ? { records_per_s: gate.limits.recordsPerSecond, bytes_per_s: gate.limits.bytesPerSecond } : AWS_SHARD_LIMITS;
  return async (t) => {
    let accounting: GateAccounting;
    try {
      accounting = await gate.accounting();
    } catch {
      return undefined;
    }
    const streams = new Set(accounting.shards.map((s) => s.streamName));
    const shards: Record<string, GateShardPoint> = {};
    for (const s of accounting.shards) shards[streams.size > 1 ? `${s.streamName}/${s.shardId}` : s.shardId] = point(s.totals);
    const r = accounting.requests.totals;
    const requests = { requests: r.putRequests, throttled: r.throttledRequests, errors: r.error500 + r.error503 };
    const d = minus(requests, requestsBefore);
    const deltas: Record<string, GateShardPoint> = {};
    for (const [id, p] of Object.entries(shards)) deltas[id] = minus(p, shardsBefore[id]);
    shardsBefore = shards;
    requestsBefore = requests;
    return { t, src: 'gate', requests: d.requests, throttled_requests: d.throttled, errors_5xx: d.errors, limits, shards: deltas };
  };
}
