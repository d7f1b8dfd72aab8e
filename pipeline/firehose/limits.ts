import { z } from 'zod';
import { TokenBucket } from '../stream/token-bucket.js';
import type { Clock } from '../../common/clock.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/** Per call (PutRecordBatch / PutRecord), from the Firehose API reference. */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 4 * MiB;
export const MAX_RECORD_BYTES = 1000 * KiB;

/** Per delivery stream, aggregated over PutRecord and PutRecordBatch (the API reference's defaults). */
export const firehoseLimitsSchema = z
  .object({
    requestsPerSecond: z.number().positive().default(2000),
    recordsPerSecond: z.number().positive().default(5000),
    bytesPerSecond: z.number().positive().default(5 * MiB),
    /** Bucket capacity in seconds of refill. */
    burstSeconds: z.number().positive().max(60).default(1),
  })
  .strict();

export type FirehoseLimitOptions = z.input<typeof firehoseLimitsSchema>;
export type FirehoseLimits = z.output<typeof firehoseLimitsSchema>;

/** One delivery stream's request, record and byte buckets. */
export class DeliveryStreamMeter {
  private readonly requests: TokenBucket;
  private readonly records: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(limits: FirehoseLimits, clock: Clock) {
    const bucket = (rate: number) => new TokenBucket(rate, rate * limits.burstSeconds, clock);
    this.requests = bucket(limits.requestsPerSecond);
    this.records = bucket(limits.recordsPerSecond);
    this.bytes = bucket(limits.bytesPerSecond);
  }

  /** A call over the request rate is throttled whole. */
  admitRequest(): boolean {
    return this.requests.tryTake(1);
  }

  /** A record is accepted only when both its record and its byte bucket have room. */
  admitRecord(bytes: number): boolean {
    // Records first: that bucket never goes into debt, so taking bytes after it cannot be undone.
    if (!this.records.canTake(1)) return false;
    if (!this.bytes.tryTake(bytes)) return false;
    return this.records.tryTake(1);
  }
}
