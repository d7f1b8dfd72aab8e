// Producer metrics with the KPL's names, per stream and per shard, plus latency percentiles.
import * as hdr from 'hdr-histogram-js';
import { isThrottle } from '../common/aws-errors.js';

export interface HistogramSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface ShardMetrics {
  UserRecordsPut: number;
  UserRecordsDataPut: number;
  KinesisRecordsPut: number;
  KinesisRecordsDataPut: number;
  AllErrors: number;
  ErrorsByCode: Record<string, number>;
}

export interface StreamMetrics extends ShardMetrics {
  UserRecordsReceived: number;
  UserRecordsPending: number;
  /** Failed after acceptance: expired, non-retryable error, or closed. */
  UserRecordsFailed: number;
  UserRecordExpired: number;
  /** Refused at put() by the buffer-full policy. */
  UserRecordsDropped: number;
  PutRequests: number;
  /** Kinesis records (Firehose: records) answered with a throttle (each retry counts again). */
  ThrottledRecords: number;
  RetriesPerRecord: HistogramSummary;
  BufferingTime: HistogramSummary;
  RequestTime: HistogramSummary;
  UserRecordsPerKinesisRecord: HistogramSummary;
  KinesisRecordsPerPutRecordsRequest: HistogramSummary;
}

export interface MetricsSnapshot {
  stream: StreamMetrics;
  shards: Record<string, ShardMetrics>;
  /** Current adaptive rate factor per shard (1 = the configured cap). */
  rateFactors: Record<string, number>;
}

function newShardMetrics(): ShardMetrics {
  return { UserRecordsPut: 0, UserRecordsDataPut: 0, KinesisRecordsPut: 0, KinesisRecordsDataPut: 0, AllErrors: 0, ErrorsByCode: {} };
}

function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 2 });
}

function summary(h: hdr.Histogram): HistogramSummary {
  if (h.totalCount === 0) return { count: 0, p50: 0, p99: 0, max: 0, mean: 0 };
  // HDR reports the upper edge of a value's bucket, which can lie above the largest value seen.
  const max = h.maxValue;
  return {
    count: h.totalCount,
    p50: Math.min(h.getValueAtPercentile(50), max),
    p99: Math.min(h.getValueAtPercentile(99), max),
    max,
    mean: Math.round(h.mean * 100) / 100,
  };
}

export class ProducerMetrics {
  readonly stream = newShardMetrics();
  private readonly shards = new Map<string, ShardMetrics>();
  received = 0;
  failed = 0;
  expired = 0;
  dropped = 0;
  putRequests = 0;
  throttled = 0;
  private readonly retriesPerRecord = newHistogram();
  /** Settled on the first try: recorded into RetriesPerRecord in bulk (hot path). */
  private firstTry = 0;
  readonly bufferingTime = newHistogram();
  readonly requestTime = newHistogram();
  readonly userRecordsPerKinesisRecord = newHistogram();
  readonly kinesisRecordsPerRequest = newHistogram();

  shard(shardId: string): ShardMetrics {
    let m = this.shards.get(shardId);
    if (m === undefined) {
      m = newShardMetrics();
      this.shards.set(shardId, m);
    }
    return m;
  }

  /** A Kinesis record of `userRecords` user records (`userBytes` of their data) was accepted. */
  put(shardId: string | undefined, userRecords: number, userBytes: number, kinesisBytes: number): void {
    for (const m of shardId === undefined ? [this.stream] : [this.stream, this.shard(shardId)]) {
      m.UserRecordsPut += userRecords;
      m.UserRecordsDataPut += userBytes;
      m.KinesisRecordsPut += 1;
      m.KinesisRecordsDataPut += kinesisBytes;
    }
    this.userRecordsPerKinesisRecord.recordValue(userRecords);
  }

  /** `count` user records settled after `retries` retries each. */
  retried(retries: number, count = 1): void {
    if (retries === 0) this.firstTry += count;
    else this.retriesPerRecord.recordValueWithCount(retries, count);
  }

  error(shardId: string | undefined, code: string, count = 1): void {
    for (const m of shardId === undefined ? [this.stream] : [this.stream, this.shard(shardId)]) {
      m.AllErrors += count;
      m.ErrorsByCode[code] = (m.ErrorsByCode[code] ?? 0) + count;
    }
    if (isThrottle(code)) this.throttled += count;
  }

  /** A copy of the cumulative RequestTime histogram (ms), so a live view can take per-interval percentiles by difference. */
  requestTimeCopy(): hdr.Histogram {
    const copy = newHistogram();
    copy.add(this.requestTime);
    return copy;
  }

  snapshot(rateFactors: Record<string, number> = {}): MetricsSnapshot {
    if (this.firstTry > 0) {
      this.retriesPerRecord.recordValueWithCount(0, this.firstTry);
      this.firstTry = 0;
    }
    const stream: StreamMetrics = {
      ...structuredClone(this.stream),
      UserRecordsReceived: this.received,
      UserRecordsPending: this.received - this.stream.UserRecordsPut - this.failed - this.dropped,
      UserRecordsFailed: this.failed,
      UserRecordExpired: this.expired,
      UserRecordsDropped: this.dropped,
      PutRequests: this.putRequests,
      ThrottledRecords: this.throttled,
      RetriesPerRecord: summary(this.retriesPerRecord),
      BufferingTime: summary(this.bufferingTime),
      RequestTime: summary(this.requestTime),
      UserRecordsPerKinesisRecord: summary(this.userRecordsPerKinesisRecord),
      KinesisRecordsPerPutRecordsRequest: summary(this.kinesisRecordsPerRequest),
    };
    return { stream, shards: structuredClone(Object.fromEntries(this.shards)), rateFactors };
  }
}
