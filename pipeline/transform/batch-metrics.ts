import type { FirehoseTransformationResultRecord } from 'aws-lambda';
import { failureReason } from './failure-reason.js';

/** CloudWatch namespace of the metrics the transform publishes through its logs. */
export const METRICS_NAMESPACE = 'sdfleet/transform';

export interface BatchSummary {
  /** CloudWatch Embedded Metric Format: Lambda log lines carrying this become metrics, no API call needed. */
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: 'Count' }[] }[];
  };
  DeliveryStream: string;
  OkRecords: number;
  DroppedRecords: number;
  ProcessingFailedRecords: number;
  failuresByCode: Record<string, number>;
}

/** Counts a response by result and failure code, shaped so that CloudWatch turns it into metrics. */
export function summarizeBatch(deliveryStreamArn: string, records: FirehoseTransformationResultRecord[], now: number): BatchSummary {
  const counts = { Ok: 0, Dropped: 0, ProcessingFailed: 0 };
  const failuresByCode: Record<string, number> = {};
  for (const record of records) {
    counts[record.result] += 1;
    if (record.result !== 'ProcessingFailed') continue;
    const code = failureReason(record)?.errorCode ?? 'Unknown';
    failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
  }
  return {
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['DeliveryStream']],
          Metrics: ['OkRecords', 'DroppedRecords', 'ProcessingFailedRecords'].map((Name) => ({ Name, Unit: 'Count' as const })),
        },
      ],
    },
    // The ARN ends in `deliverystream/<name>`; the name is what operators recognise.
    DeliveryStream: deliveryStreamArn.slice(deliveryStreamArn.lastIndexOf('/') + 1),
    OkRecords: counts.Ok,
    DroppedRecords: counts.Dropped,
    ProcessingFailedRecords: counts.ProcessingFailed,
    failuresByCode,
  };
}
