import { hashKeyOf, parseExplicitHashKey } from '../../common/hash-key.js';
import { isValidPartitionKeyLength } from '../../common/partition-key.js';
import type { Accounting } from './accounting.js';
import type { FaultInjector } from './faults.js';
import { findShard } from '../../common/shard-lookup.js';
import type { Shard, StreamShards } from './shard-map.js';
import type { ShardMeter } from './shard-meter.js';

/** A PutRecords entry as the JSON protocol carries it: Data is base64. */
export interface WireRecord {
  Data: string;
  PartitionKey: string;
  ExplicitHashKey?: string;
}

export interface WireResult {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface WirePutRecordsOutput {
  FailedRecordCount: number;
  Records: WireResult[];
  EncryptionType?: string;
}

export type RecordFate = 'accepted' | 'throttled' | 'internal';

export interface RecordPlan {
  record: WireRecord;
  shard: Shard;
  bytes: number;
  fate: RecordFate;
}

export const THROTTLED = 'ProvisionedThroughputExceededException';
export const INTERNAL_FAILURE = 'InternalFailure';
export const INTERNAL_FAILURE_MESSAGE = 'Internal service failure.';

/** AWS's wording, e.g. `Rate exceeded for shard shardId-000000000001 in stream orders under account 111111111111.` */
export function throttleMessage(shardId: string, streamName: string, account: string): string {
  return `Rate exceeded for shard ${shardId} in stream ${streamName} under account ${account}.`;
}

/**
 * The records of a Put request when every one is well formed (so the gate can meter it), else
 * undefined: the request then goes upstream untouched and the upstream answers its validation error.
 */
export function wellFormedRecords(records: unknown): WireRecord[] | undefined {
  if (!Array.isArray(records) || records.length === 0 || records.length > 500) return undefined;
  for (const r of records as Array<Partial<WireRecord>>) {
    if (typeof r !== 'object' || r === null || typeof r.Data !== 'string' || typeof r.PartitionKey !== 'string') return undefined;
    if (!isValidPartitionKeyLength(r.PartitionKey)) return undefined;
    if (r.ExplicitHashKey !== undefined && (typeof r.ExplicitHashKey !== 'string' || parseExplicitHashKey(r.ExplicitHashKey) === undefined)) return undefined;
  }
  return records as WireRecord[];
}

/** Kinesis bills a record's data plus its partition key. */
export function billedBytes(record: WireRecord): number {
  return Buffer.byteLength(record.Data, 'base64') + Buffer.byteLength(record.PartitionKey, 'utf8');
}

export interface PlanContext {
  meter: ShardMeter;
  faults: FaultInjector;
  accounting: Accounting;
}

/**
 * Decides each record's fate in request order: injected InternalFailure first (it costs no
 * capacity), then the shard's buckets. Throttles and failures are booked now; acceptances are
 * booked by the caller once the upstream has stored them. Undefined when a record maps to no open
 * shard (the map is stale).
 */
export function planRecords(ctx: PlanContext, map: StreamShards, records: WireRecord[]): RecordPlan[] | undefined {
  const plans: RecordPlan[] = [];
  for (const record of records) {
    const hashKey = record.ExplicitHashKey !== undefined ? (parseExplicitHashKey(record.ExplicitHashKey) ?? 0n) : hashKeyOf(record.PartitionKey);
    const shard = findShard(map.shards, hashKey);
    if (!shard) return undefined;
    plans.push({ record, shard, bytes: billedBytes(record), fate: 'accepted' });
  }
  for (const plan of plans) {
    if (ctx.faults.nextRecordFails()) {
      plan.fate = 'internal';
      ctx.accounting.shard(map.streamName, plan.shard.shardId, 'internalFailures');
    } else if (!ctx.meter.admit(map.streamName, plan.shard.shardId, plan.bytes)) {
      plan.fate = 'throttled';
      ctx.accounting.shard(map.streamName, plan.shard.shardId, 'throttledRecords');
      ctx.accounting.shard(map.streamName, plan.shard.shardId, 'throttledBytes', plan.bytes);
    }
  }
  return plans;
}

/** Puts the upstream's answers for the forwarded records back into their original positions. */
export function mergeResults(map: StreamShards, plans: RecordPlan[], upstream: WireResult[]): WirePutRecordsOutput {
  let next = 0;
  let failed = 0;
  const results = plans.map((plan): WireResult => {
    if (plan.fate === 'throttled') {
      failed++;
      return { ErrorCode: THROTTLED, ErrorMessage: throttleMessage(plan.shard.shardId, map.streamName, map.account) };
    }
    if (plan.fate === 'internal') {
      failed++;
      return { ErrorCode: INTERNAL_FAILURE, ErrorMessage: INTERNAL_FAILURE_MESSAGE };
    }
    const result = upstream[next++] ?? { ErrorCode: INTERNAL_FAILURE, ErrorMessage: 'upstream returned fewer results than records' };
    if (result.ErrorCode) failed++;
    return result;
  });
  return { FailedRecordCount: failed, Records: results };
}
