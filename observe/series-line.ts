// The lines of `series.ndjson`: one JSON object per source per second. Counts are per second
// (the change over the second); gauges (in-flight, pending, lag, percentiles) are read at `t`.
// After downsampling a point stands for several seconds and its counts are the mean per second.

/** Producer counts for one shard, with the KPL's units: user records and Kinesis (possibly aggregated) records. */
export interface ProducerShardPoint {
  /** User records acknowledged. */
  records: number;
  /** User record bytes acknowledged. */
  bytes: number;
  /** Kinesis records acknowledged (what the shard limit counts). */
  krecs: number;
  /** Kinesis record bytes acknowledged. */
  kbytes: number;
  /** Kinesis records sent: acknowledged plus answered with an error. */
  attempted: number;
  /** Kinesis records answered with ProvisionedThroughputExceeded. */
  throttled: number;
  /** Kinesis records answered with any error (each is retried unless it expired or the error is final). */
  errors: number;
}

export interface ProducerLine {
  t: number;
  src: 'producer';
  received: number;
  records: number;
  bytes: number;
  krecs: number;
  kbytes: number;
  requests: number;
  throttled: number;
  /** Error answers that led to a retry (errors minus records that failed for good). */
  retries: number;
  errors: number;
  failed: number;
  expired: number;
  dropped: number;
  /** Gauges. */
  pending: number;
  in_flight: number | null;
  /** PutRecords request time over the second, ms (null when no request finished). */
  p50_ms: number | null;
  p99_ms: number | null;
  shards: Record<string, ProducerShardPoint>;
}

export interface GateShardPoint {
  accepted: number;
  accepted_bytes: number;
  throttled: number;
  throttled_bytes: number;
  internal_failures: number;
}

export interface GateLine {
  t: number;
  src: 'gate';
  requests: number;
  throttled_requests: number;
  errors_5xx: number;
  /** Per-shard limits the gate enforces (Kinesis records/s and bytes/s). */
  limits: { records_per_s: number; bytes_per_s: number };
  shards: Record<string, GateShardPoint>;
}

export interface DeliveryLine {
  t: number;
  src: 'delivery';
  read: number;
  transformed: number;
  failed: number;
  dropped: number;
  written: number;
  objects: number;
  /** Gauges: records read and not yet written; records acknowledged by the producer and not yet read. */
  pending: number;
  lag: number | null;
}

/** One sampled position: vehicle id, vehicle class, latitude, longitude. */
export type Position = [string, string, number, number];

export interface SimulatorLine {
  t: number;
  src: 'simulator';
  events: Record<string, number>;
  /** Positions sampled per vehicle since the previous line (every Nth reading), for the map. */
  positions: Position[];
  /** CO2 in grams, estimated from the sampled readings (each weighted by the readings it stands for). */
  co2_g_by_class: Record<string, number>;
  co2_g_by_area: Record<string, number>;
}

export type SeriesLine = ProducerLine | GateLine | DeliveryLine | SimulatorLine;
export type SeriesSource = SeriesLine['src'];
