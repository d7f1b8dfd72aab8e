import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { createLogger, type Logger } from '../../common/logger.js';
import { deaggregate, type UserRecord } from '../../producer/codec.js';
import { enrichEvent, type EnrichedEvent } from './enrich.js';
import { unexpectedFailure, type FailureReason } from './failure-reason.js';

/** One Kinesis record's user records, all enriched. */
export interface EnrichedBatch {
  sequenceNumber: string;
  /** In aggregation order; `partitionKey` is the user record's own key, not the aggregate's `a`. */
  records: (Omit<EnrichedEvent, 'ok'> & { partitionKey: string })[];
}

export interface RejectedRecord extends FailureReason {
  sequenceNumber: string;
  /** The Kinesis record's data, base64, exactly as received. */
  data: string;
}

/** Where a deployment puts what the handler produces. */
export interface KinesisSink {
  /** Receives every Kinesis record whose user records all enriched; throwing fails that record. */
  write(batch: EnrichedBatch): void | Promise<void>;
  /** Told about each failed Kinesis record before it is reported to Lambda. */
  reject?(rejected: RejectedRecord): void | Promise<void>;
}

export interface KinesisHandlerOptions {
  /** Default: none, so the handler validates and enriches, counts, and logs the counts. */
  sink?: KinesisSink;
  logger?: Logger;
}

export type KinesisHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/**
 * A Lambda for a Kinesis event-source mapping with `ReportBatchItemFailures`. Each Kinesis
 * record is de-aggregated (KPL) and every user record enriched; a Kinesis record is all or
 * nothing: it goes to the sink whole, or is reported in `batchItemFailures` (by sequence
 * number) with its reason logged and passed to `sink.reject`. Lambda then retries from the
 * lowest failed sequence number, so records after it are delivered again (at-least-once;
 * de-duplicate on `event_uuid`). Give the mapping a retry limit and an on-failure destination
 * so that a record that can never succeed does not stall its shard.
 */
export function createKinesisHandler(options: KinesisHandlerOptions = {}): KinesisHandler {
  const logger = options.logger ?? createLogger('kinesis-transform');
  const sink = options.sink;

  return async function handler(event) {
    const batchItemFailures: KinesisStreamBatchResponse['batchItemFailures'] = [];
    let userRecords = 0;
    for (const record of event.Records) {
      const { sequenceNumber, data } = record.kinesis;
      let reason: FailureReason | undefined;
      try {
        const outcome = enrichKinesisRecord(record);
        if (outcome.ok) {
          reason = await writeToSink(sink, { sequenceNumber, records: outcome.records });
          if (reason === undefined) userRecords += outcome.records.length;
        } else {
          reason = outcome;
        }
      } catch (error) {
        // A bug on one record fails that record; thrown out, Lambda would retry the whole batch.
        reason = unexpectedFailure(error);
      }
      if (reason === undefined) continue;
      logger.warn({ sequenceNumber, errorCode: reason.errorCode, errorMessage: reason.errorMessage }, 'kinesis record failed');
      // A failing reject hook must not hide the failure from Lambda, which would lose the record.
      try {
        await sink?.reject?.({ sequenceNumber, data, ...reason });
      } catch (error) {
        logger.error({ sequenceNumber, err: error }, 'sink.reject failed');
      }
      batchItemFailures.push({ itemIdentifier: sequenceNumber });
    }
    logger.info(
      { kinesisRecords: event.Records.length, userRecords, failedKinesisRecords: batchItemFailures.length },
      sink ? 'kinesis batch written' : 'kinesis batch validated (no sink configured)',
    );
    return { batchItemFailures };
  };
}

async function writeToSink(sink: KinesisSink | undefined, batch: EnrichedBatch): Promise<FailureReason | undefined> {
  try {
    await sink?.write(batch);
    return undefined;
  } catch (error) {
    return { errorCode: 'SinkFailed', errorMessage: `sink: ${(error as Error).message}` };
  }
}

function enrichKinesisRecord(record: KinesisStreamRecord): { ok: true; records: EnrichedBatch['records'] } | ({ ok: false } & FailureReason) {
  const { data, partitionKey } = record.kinesis;
  let userRecords: UserRecord[];
  try {
    userRecords = deaggregate(Buffer.from(data, 'base64'), partitionKey);
  } catch (error) {
    return { ok: false, errorCode: 'InvalidAggregate', errorMessage: (error as Error).message };
  }
  const records: EnrichedBatch['records'] = [];
  for (const [index, userRecord] of userRecords.entries()) {
    const enriched = enrichEvent(userRecord.data);
    if (!enriched.ok) {
      const where = userRecords.length > 1 ? `user record ${index + 1} of ${userRecords.length}: ` : '';
      return { ok: false, errorCode: enriched.errorCode, errorMessage: `${where}${enriched.errorMessage}` };
    }
    records.push({ line: enriched.line, partitionKeys: enriched.partitionKeys, partitionKey: userRecord.partitionKey });
  }
  return { ok: true, records };
}

/** The deployed entry point (`index.handler` in the bundle); validates and counts only. */
export const handler: KinesisHandler = createKinesisHandler();
