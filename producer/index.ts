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
export { hashKeyOf, parseExplicitHashKey, MAX_HASH_KEY } from './hash-key.js';
export { createLocalKinesisClient, type LocalClientOptions } from './local-client.js';
