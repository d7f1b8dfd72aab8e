// Public surface of the sdfleet producer.
export {
  encodeAggregated,
  decodeAggregated,
  deaggregate,
  isAggregated,
  AggregatedRecordError,
  AggregatedRecordBuilder,
  utf8Size,
  varintSize,
  AGGREGATED_MAGIC,
  AGGREGATION_FRAME_BYTES,
  type UserRecord,
  type AggregatedRecordProblem,
} from './codec.js';
export { hashKeyOf, parseExplicitHashKey, MAX_HASH_KEY } from '../common/hash-key.js';
export { createLocalKinesisClient, type LocalClientOptions } from './local-client.js';
export { KinesisProducer, type KinesisProducerOptions, type PutResult } from './kinesis-producer.js';
export { ProducerError, type ProducerErrorCode } from './producer-error.js';
export type { Attempt } from './wire-record.js';
export type { PutHandle } from './put-handle.js';
export type { PipelineOptions, PutManyResult, FailedPut } from './pipeline.js';
export { createPutStream, type PutStream, type BatchProducer } from './put-many.js';
export { InvalidArgumentError } from './invalid-argument-error.js';
export type { PutInput } from './validation.js';
export type { BufferFullPolicy } from './buffer-budget.js';
export type { LimiterOptions } from './limiter.js';
export type { MetricsSnapshot, StreamMetrics, ShardMetrics, HistogramSummary } from './metrics.js';
export { ShardMap, type Shard, type ShardPredictor, type CommandSender } from './shard-map.js';
export type { Clock, Scheduler, Random } from '../common/clock.js';
export { FirehoseProducer, FIREHOSE_MAX_RECORD_BYTES, type FirehoseProducerOptions, type FirehosePutResult } from './firehose-producer.js';
