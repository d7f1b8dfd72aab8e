// Where a run sends: the four targets share this shape; each records outcomes into `Outcomes`.
import type { FirehoseProducer, KinesisProducer, MetricsSnapshot } from '../producer/index.js';
import { isThrottle } from '../common/aws-errors.js';

export type TargetKind = 'local' | 'kinesis' | 'firehose' | 'file';
export const TARGET_KINDS: readonly TargetKind[] = ['local', 'kinesis', 'firehose', 'file'];

export interface TargetInfo {
  kind: TargetKind;
  stream: string | null;
  region: string | null;
  endpoint: string | null;
  path: string | null;
}

export interface ShardRow {
  id: string;
  records: number;
  bytes: number;
  /** Share of the shard's write limit used over the run (the larger of bytes and records), 0–1+. */
  utilization: number;
}

export interface Target {
  readonly info: TargetInfo;
  /** Kinesis/Firehose targets: the producer (the first, with a scenario's `producers: N`), for live views. */
  readonly producer?: KinesisProducer | FirehoseProducer;
  readonly producers?: readonly (KinesisProducer | FirehoseProducer)[];
  /** Kinesis streams: UpdateShardCount (UNIFORM_SCALING), for a scenario's `reshard:` steps. */
  reshard?(shards: number): Promise<void>;
  /** Hands one record over; a returned Promise means "wait" (backpressure). */
  send(vehicleId: string, seq: number, json: string): void | Promise<void>;
  /** The same for a record as UTF-8 JSON bytes buf[start, end); they change after the call (or its Promise), so keep a copy. */
  sendBytes?(vehicleId: string, seq: number, buf: Buffer, start: number, end: number): void | Promise<void>;
  /** Sends everything buffered; resolves when every record has an outcome. */
  finish(): Promise<void>;
  throttledAttempts(): number;
  shards(durationS: number): ShardRow[];
  /** Releases sockets, servers and files; safe after a failure and twice. */
  dispose(): Promise<void>;
}

/** Attempts answered "slow down" (Kinesis and Firehose throttles, as the producers classify them). */
export function throttledAttemptsOf(metrics: MetricsSnapshot): number {
  let n = 0;
  for (const [code, count] of Object.entries(metrics.stream.ErrorsByCode)) if (isThrottle(code)) n += count;
  return n;
}

const SHARD_BYTES_PER_S = 1024 * 1024;
const SHARD_RECORDS_PER_S = 1000;

export function shardRowsOf(metrics: MetricsSnapshot, durationS: number): ShardRow[] {
  const d = Math.max(durationS, 1e-3);
  return Object.entries(metrics.shards)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([id, m]) => ({
      id,
      records: m.UserRecordsPut,
      bytes: m.UserRecordsDataPut,
      utilization: round3(Math.max(m.KinesisRecordsDataPut / (SHARD_BYTES_PER_S * d), m.KinesisRecordsPut / (SHARD_RECORDS_PER_S * d))),
    }));
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
