import type {
  FirehoseTransformationEvent,
  FirehoseTransformationEventRecord,
  FirehoseTransformationResult,
  FirehoseTransformationResultRecord,
} from 'aws-lambda';
import { createLogger, type Logger } from '../../common/logger.js';
import { summarizeBatch } from './batch-metrics.js';
import { enrichEvent } from './enrich.js';
import { failedRecord, failureReason, unexpectedFailure } from './failure-reason.js';
import { fitResponse, MAX_RESPONSE_BYTES } from './response-budget.js';

export { failureReason, type FailureReason } from './failure-reason.js';

export interface FirehoseHandlerOptions {
  logger?: Logger;
  /** Serialized response cap; defaults to Lambda's 6 MB. */
  maxResponseBytes?: number;
  now?: () => number;
}

const MAX_LOGGED_FAILURES = 50;

export type FirehoseHandler = (event: FirehoseTransformationEvent) => Promise<FirehoseTransformationResult>;

/**
 * The Firehose data-transformation Lambda: every input record comes back once, with the same
 * `recordId`, as `Ok` (enriched JSON line + `metadata.partitionKeys`) or `ProcessingFailed`
 * (original data, reason logged and readable through `failureReason`). Never throws for bad data.
 */
export function createFirehoseHandler(options: FirehoseHandlerOptions = {}): FirehoseHandler {
  const logger = options.logger ?? createLogger('transform');
  const maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const now = options.now ?? Date.now;

  return async function handler(event) {
    const records = fitResponse(event.records.map(transformSafely), maxResponseBytes);
    const summary = summarizeBatch(event.deliveryStreamArn, records, now());
    if (summary.ProcessingFailedRecords > 0) {
      // On AWS the log is the only place a reason survives (the error output says only that the
      // Lambda failed the record), so name them, capped to keep a bad batch from flooding the log.
      const failures = records
        .filter((record) => record.result === 'ProcessingFailed')
        .slice(0, MAX_LOGGED_FAILURES)
        .map((record) => ({ recordId: record.recordId, ...failureReason(record) }));
      logger.warn({ ...summary, invocationId: event.invocationId, failures }, 'transformed batch with failures');
    } else {
      logger.info({ ...summary, invocationId: event.invocationId }, 'transformed batch');
    }
    return { records };
  };
}

/**
 * One record's bug must not fail the invocation: Firehose would retry the whole batch and then
 * send every record to the error output as `Lambda.FunctionError`.
 */
function transformSafely(record: FirehoseTransformationEventRecord): FirehoseTransformationResultRecord {
  try {
    return transformRecord(record);
  } catch (error) {
    return failedRecord(String(record.recordId), typeof record.data === 'string' ? record.data : '', unexpectedFailure(error));
  }
}

function transformRecord(record: FirehoseTransformationEventRecord): FirehoseTransformationResultRecord {
  if (typeof record.data !== 'string') {
    return failedRecord(record.recordId, '', {
      errorCode: 'MissingField',
      errorMessage: `data: is required and must be base64 (got ${typeof record.data})`,
    });
  }
  const enriched = enrichEvent(Buffer.from(record.data, 'base64'));
  if (!enriched.ok) return failedRecord(record.recordId, record.data, enriched);
  return {
    recordId: record.recordId,
    result: 'Ok',
    data: Buffer.from(enriched.line).toString('base64'),
    metadata: { partitionKeys: { ...enriched.partitionKeys } },
  };
}

/** The deployed entry point (`index.handler` in the bundle). */
export const handler: FirehoseHandler = createFirehoseHandler();
