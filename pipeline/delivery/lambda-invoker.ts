import { randomUUID } from 'node:crypto';
import type {
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { silentLogger, type Logger } from '../../common/logger.js';
import { delay, systemClock, systemScheduler, type Clock, type Scheduler } from '../../common/clock.js';
import { checkResponse, InvocationError, MAX_PAYLOAD_BYTES, type CheckedResult } from './response-contract.js';
import type { SourceRecord } from './source-record.js';

export type TransformHandler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

export interface TransformedRecord {
  source: SourceRecord;
  data: Uint8Array;
  partitionKeys?: Record<string, string>;
}

/** A record bound for the error prefix, with what Firehose writes about it. */
export interface FailedRecord {
  source: SourceRecord;
  outputType: 'processing-failed' | 'partitioning-failed' | 'format-conversion-failed';
  errorCode: string;
  errorMessage: string;
  attemptsMade: number;
  attemptEndingMs: number;
}

export interface InvokeOutcome {
  ok: TransformedRecord[];
  failed: FailedRecord[];
  dropped: SourceRecord[];
}

export interface LambdaInvokerOptions {
  handler: TransformHandler;
  deliveryStreamArn: string;
  /** The Kinesis source; undefined for direct PUT, whose events carry no Kinesis fields. */
  sourceKinesisStreamArn?: string;
  region: string;
  /** Retries after a failed invocation (Firehose default 3, so up to 4 attempts). */
  retries?: number;
  clock?: Clock;
  /** Times the waits between attempts; injectable so tests don't sleep. */
  scheduler?: Scheduler;
  newId?: () => string;
  /**
   * Firehose passes no reason for a `ProcessingFailed` record; a handler that knows one can put it
   * here (the transform returns it beside the record). Default: the generic Firehose wording.
   */
  failureReason?: (result: FirehoseTransformationResultRecord) => { errorCode: string; errorMessage: string } | undefined;
  logger?: Logger;
}

// JSON around each record in the event: field names, ids, metadata (generous, so the estimate is an upper bound).
const PER_RECORD_OVERHEAD = 400;
const EVENT_OVERHEAD = 1024;

/**
 * Calls the transformation Lambda in-process with the exact Firehose event, splitting batches that
 * would exceed the 6 MB request limit, retrying failed invocations, and sorting every record into
 * ok, failed (with reason) or dropped. Nothing it is given is left out of the outcome.
 */
export class LambdaInvoker {
  private readonly retries: number;
  private readonly scheduler: Scheduler;
  private readonly clock: Clock;
  private readonly newId: () => string;
  private readonly logger: Logger;

  constructor(private readonly options: LambdaInvokerOptions) {
    this.retries = options.retries ?? 3;
    this.scheduler = options.scheduler ?? systemScheduler;
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.logger = options.logger ?? silentLogger;
  }

  async invoke(records: readonly SourceRecord[]): Promise<InvokeOutcome> {
    const outcome: InvokeOutcome = { ok: [], failed: [], dropped: [] };
    let chunk: SourceRecord[] = [];
    let chunkBytes = EVENT_OVERHEAD;
    for (const record of records) {
      const size = requestBytes(record);
      if (EVENT_OVERHEAD + size > MAX_PAYLOAD_BYTES) {
        outcome.failed.push(this.fail(record, 'Lambda.RequestSizeExceeded', `record is ${size} bytes in the request, above the 6 MB Lambda payload limit`, 0));
        continue;
      }
      if (chunkBytes + size > MAX_PAYLOAD_BYTES) {
        await this.invokeChunk(chunk, outcome);
        chunk = [];
        chunkBytes = EVENT_OVERHEAD;
      }
      chunk.push(record);
      chunkBytes += size;
    }
    if (chunk.length > 0) await this.invokeChunk(chunk, outcome);
    return outcome;
  }

  private async invokeChunk(records: SourceRecord[], outcome: InvokeOutcome): Promise<void> {
    const event = this.event(records);
    let last: InvocationError | undefined;
    for (let attempt = 1; attempt <= this.retries + 1; attempt++) {
      try {
        const response = await this.options.handler(event);
        this.sort(records, checkResponse(event, response), attempt, outcome);
        return;
      } catch (err) {
        last = err instanceof InvocationError ? err : new InvocationError('Lambda.FunctionError', err instanceof Error ? err.message : String(err));
        this.logger.warn({ invocationId: event.invocationId, attempt, errorCode: last.errorCode, err: last.message }, 'lambda invocation failed');
        if (attempt <= this.retries) await delay(this.scheduler, Math.min(1000, 50 * 2 ** (attempt - 1)));
      }
    }
    for (const record of records) outcome.failed.push(this.fail(record, last!.errorCode, last!.message, this.retries + 1));
  }

  private sort(records: SourceRecord[], results: CheckedResult[], attempt: number, outcome: InvokeOutcome): void {
    results.forEach((result, i) => {
      const source = records[i];
      if (result.result === 'Ok') outcome.ok.push({ source, data: result.data, partitionKeys: result.partitionKeys });
      else if (result.result === 'Dropped') outcome.dropped.push(source);
      else {
        const reason = this.options.failureReason?.(result.raw);
        outcome.failed.push(
          this.fail(
            source,
            reason?.errorCode ?? 'Lambda.ProcessingFailed',
            reason?.errorMessage ?? 'The Lambda function marked the record ProcessingFailed',
            attempt,
          ),
        );
      }
    });
  }

  private fail(source: SourceRecord, errorCode: string, errorMessage: string, attemptsMade: number): FailedRecord {
    return { source, outputType: 'processing-failed', errorCode, errorMessage, attemptsMade, attemptEndingMs: this.clock.now() };
  }

  private event(records: SourceRecord[]): FirehoseTransformationEvent {
    const kinesis = this.options.sourceKinesisStreamArn;
    return {
      invocationId: this.newId(),
      deliveryStreamArn: this.options.deliveryStreamArn,
      ...(kinesis === undefined ? {} : { sourceKinesisStreamArn: kinesis }),
      region: this.options.region,
      records: records.map(
        (r): FirehoseTransformationEventRecord => ({
          recordId: recordIdOf(r),
          approximateArrivalTimestamp: r.arrivalMs,
          data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).toString('base64'),
          ...(kinesis === undefined
            ? {}
            : {
                kinesisRecordMetadata: {
                  shardId: r.shardId,
                  partitionKey: r.partitionKey,
                  approximateArrivalTimestamp: r.arrivalMs,
                  sequenceNumber: r.sequenceNumber,
                  subsequenceNumber: String(r.subsequenceNumber),
                },
              }),
        }),
      ),
    };
  }
}

/** Unique within a stream: the Kinesis sequence number plus the position inside an aggregated record. */
export function recordIdOf(record: SourceRecord): string {
  return `${record.sequenceNumber}${String(record.subsequenceNumber).padStart(6, '0')}`;
}

function requestBytes(record: SourceRecord): number {
  return Math.ceil(record.data.byteLength / 3) * 4 + Buffer.byteLength(JSON.stringify(record.partitionKey)) + PER_RECORD_OVERHEAD;
}
