import path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { Construct } from 'constructs';
import { UserError } from '../../common/user-error.js';
import { DEFAULT_OUT_DIR } from '../transform/build.js';
import { createPipelineAlarms } from './alarms.js';
import { createDeliveryStream } from './delivery-stream.js';
import { createFleetTask } from './fleet-task.js';
import { createIotIngest } from './iot-ingest.js';
import { createLakeBucket, type LakeEncryption } from './lake-bucket.js';
import { createLakeTable } from './lake-table.js';
import { createTransformFunction } from './transform-function.js';

export interface PipelineStackProps extends StackProps {
  /** Provisioned shard count; omit for an on-demand stream. */
  shardCount?: number;
  /** Lake encryption: a customer-managed KMS key (default) or S3-managed keys. */
  encryption?: LakeEncryption;
  versioned?: boolean;
  /** Firehose converts to Parquet with the Glue table's schema (default: GZIP NDJSON). */
  parquet?: boolean;
  /** The built Firehose transform (`npm run build:lambda`). */
  transformZipPath?: string;
  databaseName?: string;
  tableName?: string;
  /** event_type values for Athena partition projection; default: the simulator's event types. */
  eventTypes?: readonly string[];
  /** Years covered by partition projection, inclusive. Default 2020–2039. */
  projectionYears?: readonly [number, number];
  /** Glue columns beyond the event contract (name → Hive type), needed for Parquet to keep them. */
  extraColumns?: Readonly<Record<string, string>>;
  /** Firehose S3 buffering; with dynamic partitioning AWS requires 64–128 MiB and 60–900 s. */
  bufferSizeMiB?: number;
  bufferIntervalSeconds?: number;
  /** Iterator-age alarm threshold. Default one minute. */
  iteratorAgeAlarmMs?: number;
  /** Image URI of docker/Dockerfile for the Fargate fleet task. Default `sdfleet:latest` (push yours and set it). */
  fleetImage?: string;
}

export const DEFAULT_TRANSFORM_ZIP = path.join(DEFAULT_OUT_DIR, 'firehose-transform.zip');

function checkRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(field, value, `must be an integer from ${min} to ${max}`);
  return value;
}

/**
 * The AWS form of the sdfleet pipeline: IoT rule → Kinesis stream → Firehose (transform Lambda,
 * dynamic partitioning) → encrypted S3 lake, a Glue table for Athena, and the alarms that matter.
 */
export class PipelineStack extends Stack {
  constructor(scope: Construct, id: string, props: PipelineStackProps = {}) {
    super(scope, id, props);
    const shardCount = props.shardCount === undefined ? undefined : checkRange('shardCount', props.shardCount, 1, 10_000);
    const bufferSizeMiB = checkRange('bufferSizeMiB', props.bufferSizeMiB ?? 64, 64, 128);
    const bufferIntervalSeconds = checkRange('bufferIntervalSeconds', props.bufferIntervalSeconds ?? 60, 60, 900);
    const databaseName = props.databaseName ?? 'sdfleet';
    const tableName = props.tableName ?? 'events';

    const stream = new kinesis.Stream(this, 'EventStream', {
      streamMode: shardCount === undefined ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount,
      // AWS-managed key: encrypted at rest without key grants for every producer.
      encryption: kinesis.StreamEncryption.MANAGED,
      retentionPeriod: Duration.hours(24),
    });
    const { bucket, key } = createLakeBucket(this, { encryption: props.encryption ?? 'kms', versioned: props.versioned ?? false });
    const { table } = createLakeTable(this, {
      bucket,
      databaseName,
      tableName,
      parquet: props.parquet ?? false,
      eventTypes: props.eventTypes,
      years: props.projectionYears ?? [2020, 2039],
      extraColumns: props.extraColumns,
    });
    const transform = createTransformFunction(this, props.transformZipPath ?? DEFAULT_TRANSFORM_ZIP);
    const delivery = createDeliveryStream(this, {
      stream,
      transform,
      bucket,
      key,
      parquetSchema: props.parquet ? { databaseName, tableName } : undefined,
      bufferSizeMiB,
      bufferIntervalSeconds,
    });
    // Format conversion reads the table's schema when the delivery stream is created.
    if (props.parquet) delivery.node.addDependency(table);
    createIotIngest(this, stream);
    createPipelineAlarms(this, { stream, delivery, transform, iteratorAgeMs: props.iteratorAgeAlarmMs ?? 60_000 });
    const fleetTask = createFleetTask(this, { stream, image: props.fleetImage ?? 'sdfleet:latest' });

    new CfnOutput(this, 'StreamName', { value: stream.streamName, description: 'Point `sdfleet` producers here' });
    new CfnOutput(this, 'DeliveryStreamName', { value: delivery.ref });
    new CfnOutput(this, 'LakeBucketName', { value: bucket.bucketName });
    new CfnOutput(this, 'AthenaTable', { value: `${databaseName}.${tableName}` });
    new CfnOutput(this, 'FleetTaskDefinition', { value: fleetTask.taskDefinitionArn, description: 'Load workers: aws ecs run-task, one per --worker i/N' });
  }
}
