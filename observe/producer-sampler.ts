// Reads a producer's cumulative KPL metrics once a second and turns them into a per-second line.
import type { Histogram } from 'hdr-histogram-js';
import type { MetricsSnapshot, ShardMetrics } from '../producer/index.js';
import { minus } from './counter-delta.js';
import type { ProducerLine, ProducerShardPoint } from './series-line.js';

/** What observe/ reads from a producer (KinesisProducer and FirehoseProducer both fit); the live accessors are optional. */
export interface ObservedProducer {
  metrics(): MetricsSnapshot;
  readonly inFlight?: number;
  requestTimeHistogram?(): Histogram;
}

const THROTTLED = 'ProvisionedThroughputExceededException';

/** The running counters a producer line is the difference of. */
type Counts = Pick<ProducerLine, 'received' | 'records' | 'bytes' | 'krecs' | 'kbytes' | 'requests' | 'throttled' | 'errors' | 'failed' | 'expired' | 'dropped'>;

function shardPoint(m: ShardMetrics): ProducerShardPoint {
  return {
    records: m.UserRecordsPut,
    bytes: m.UserRecordsDataPut,
    krecs: m.KinesisRecordsPut,
    kbytes: m.KinesisRecordsDataPut,
    attempted: m.KinesisRecordsPut + m.AllErrors,
    throttled: m.ErrorsByCode[THROTTLED] ?? 0,
    errors: m.AllErrors,
  };
}

function read(snapshot: MetricsSnapshot): Counts & { shards: Record<string, ProducerShardPoint> } {
  const s = snapshot.stream;
  return {
    received: s.UserRecordsReceived,
    records: s.UserRecordsPut,
    bytes: s.UserRecordsDataPut,
    krecs: s.KinesisRecordsPut,
    kbytes: s.KinesisRecordsDataPut,
    requests: s.PutRequests,
    throttled: s.ThrottledRecords,
    errors: s.AllErrors,
    failed: s.UserRecordsFailed,
    expired: s.UserRecordExpired,
    dropped: s.UserRecordsDropped,
    shards: Object.fromEntries(Object.entries(snapshot.shards).map(([id, m]) => [id, shardPoint(m)])),
  };
}


export function createProducerSampler(producer: ObservedProducer): (t: number) => ProducerLine {
  let countsBefore: Counts | undefined;
  let shardsBefore: Record<string, ProducerShardPoint> = {};
  let histogramBefore: Histogram | undefined;
  return (t) => {
    const snapshot = producer.metrics();
    const { shards, ...counts } = read(snapshot);
    const d = minus(counts, countsBefore);
    const shardDeltas: Record<string, ProducerShardPoint> = {};
    for (const [id, p] of Object.entries(shards)) shardDeltas[id] = minus(p, shardsBefore[id]);
    countsBefore = counts;
    shardsBefore = shards;
    let p50: number | null = null;
    let p99: number | null = null;
    if (producer.requestTimeHistogram) {
      // Percentiles over this second only: the cumulative histogram minus the one a second ago.
      const cumulative = producer.requestTimeHistogram();
      const interval = producer.requestTimeHistogram();
      if (histogramBefore) interval.subtract(histogramBefore);
      histogramBefore = cumulative;
      if (interval.totalCount > 0) {
        p50 = interval.getValueAtPercentile(50);
        p99 = interval.getValueAtPercentile(99);
      }
    } else if (snapshot.stream.RequestTime.count > 0) {
      p50 = snapshot.stream.RequestTime.p50;
      p99 = snapshot.stream.RequestTime.p99;
    }
    return {
      t,
      src: 'producer',
      ...d,
      retries: Math.max(0, d.errors - (d.failed - d.expired)),
      pending: snapshot.stream.UserRecordsPending,
      in_flight: producer.inFlight ?? null,
      p50_ms: p50,
      p99_ms: p99,
      shards: shardDeltas,
    };
  };
}
