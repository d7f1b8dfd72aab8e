import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../transform/batch-metrics.js';

export interface PipelineAlarmOptions {
  stream: kinesis.IStream;
  delivery: firehose.CfnDeliveryStream;
  transform: lambda.IFunction;
  /** Iterator age above this means the delivery is falling behind the producers. */
  iteratorAgeMs: number;
}

const MINUTE = Duration.minutes(1);
const FIVE_MINUTES = Duration.minutes(5);

/**
 * The alarms a load tester watches: producers throttled, delivery falling behind, delivery or
 * transform failing, records refused by the transform. No data (an idle pipeline) is not an alarm.
 */
export function createPipelineAlarms(scope: Construct, options: PipelineAlarmOptions): cloudwatch.Alarm[] {
  const { stream, delivery, transform } = options;
  // Ref of a delivery stream is its name, which is the metric dimension.
  const deliveryStreamName = delivery.ref;
  const firehoseMetric = (metricName: string) =>
    new cloudwatch.Metric({ namespace: 'AWS/Firehose', metricName, dimensionsMap: { DeliveryStreamName: deliveryStreamName }, statistic: 'Average', period: FIVE_MINUTES });
  const alarm = (id: string, description: string, props: Omit<cloudwatch.AlarmProps, 'alarmDescription' | 'treatMissingData'>) =>
    new cloudwatch.Alarm(scope, id, { alarmDescription: description, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });

  return [
    alarm('WriteThrottlesAlarm', 'Producers are throttled: writes exceed shard capacity (WriteProvisionedThroughputExceeded)', {
      metric: stream.metric('WriteProvisionedThroughputExceeded', { statistic: 'Sum', period: MINUTE }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }),
    alarm('IteratorAgeAlarm', `Readers are behind the stream by more than ${options.iteratorAgeMs} ms (GetRecords.IteratorAgeMilliseconds)`, {
      metric: stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period: MINUTE }),
      threshold: options.iteratorAgeMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    }),
    alarm('DeliveryFailuresAlarm', 'Firehose failed to write to S3 (DeliveryToS3.Success below 1)', {
      metric: firehoseMetric('DeliveryToS3.Success'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }),
    alarm('TransformInvocationFailuresAlarm', 'Firehose could not invoke the transform Lambda (ExecuteProcessing.Success below 1)', {
      metric: firehoseMetric('ExecuteProcessing.Success'),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }),
    alarm('ProcessingFailedRecordsAlarm', 'The transform refused records (ProcessingFailed); they are under errors/processing-failed/, reasons in the Lambda log', {
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: 'ProcessingFailedRecords',
        dimensionsMap: { DeliveryStream: deliveryStreamName },
        statistic: 'Sum',
        period: FIVE_MINUTES,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }),
    alarm('TransformErrorsAlarm', 'The transform Lambda threw (a whole batch is retried, then failed)', {
      metric: transform.metricErrors({ statistic: 'Sum', period: FIVE_MINUTES }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    }),
  ];
}
