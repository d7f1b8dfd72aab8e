import { ArnFormat, Aws, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DEFAULT_ERROR_PREFIX, DEFAULT_PREFIX } from '../delivery/prefix.js';

export interface DeliveryStreamOptions {
  stream: kinesis.IStream;
  transform: lambda.IFunction;
  bucket: s3.IBucket;
  key?: kms.IKey;
  /** Parquet conversion with this Glue table's schema; GZIP NDJSON when absent. */
  parquetSchema?: { databaseName: string; tableName: string };
  /** S3 buffering; dynamic partitioning requires at least 64 MiB. */
  bufferSizeMiB: number;
  bufferIntervalSeconds: number;
}

/** Where Firehose writes; the IAM policy grants these prefixes and nothing else in the bucket. */
const WRITE_PREFIXES = [DEFAULT_PREFIX, DEFAULT_ERROR_PREFIX].map((prefix) => prefix.slice(0, prefix.indexOf('/') + 1));

/**
 * Firehose from the stream through the transform Lambda into the lake layout of DESIGN.md
 * (the same prefixes the local delivery stream uses), with a role that can do only that.
 */
export function createDeliveryStream(scope: Construct, options: DeliveryStreamOptions): firehose.CfnDeliveryStream {
  const { stream, transform, bucket, key } = options;
  const logGroup = new logs.LogGroup(scope, 'DeliveryLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const logStream = new logs.LogStream(scope, 'DeliveryLogStream', { logGroup, logStreamName: 'DestinationDelivery', removalPolicy: RemovalPolicy.DESTROY });

  const stack = Stack.of(scope);
  const role = new iam.Role(scope, 'DeliveryRole', {
    description: 'sdfleet Firehose: read the stream, invoke the transform, write the lake',
    // ExternalId = our account: Firehose acting for another account cannot assume the role.
    assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', { conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } } }),
  });
  const objectArns = WRITE_PREFIXES.map((prefix) => bucket.arnForObjects(`${prefix}*`));
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadSourceStream',
      actions: ['kinesis:DescribeStream', 'kinesis:DescribeStreamSummary', 'kinesis:GetShardIterator', 'kinesis:GetRecords', 'kinesis:ListShards'],
      resources: [stream.streamArn],
    }),
    new iam.PolicyStatement({
      sid: 'InvokeTransform',
      actions: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
      resources: [transform.functionArn],
    }),
    new iam.PolicyStatement({
      sid: 'LocateLakeBucket',
      actions: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
      resources: [bucket.bucketArn],
    }),
    new iam.PolicyStatement({
      sid: 'WriteLakePrefixes',
      actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
      resources: objectArns,
    }),
    new iam.PolicyStatement({
      sid: 'WriteDeliveryLogs',
      actions: ['logs:PutLogEvents'],
      resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${logGroup.logGroupName}:log-stream:${logStream.logStreamName}`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }),
  ];
  if (key) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'EncryptLakeObjects',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [key.keyArn],
        // Only through S3, only for this bucket: with an S3 Bucket Key the context is the bucket
        // ARN, for a request that bypasses it the object ARN, which must be under our prefixes.
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucket.bucketArn, ...objectArns] },
        },
      }),
    );
  }
  if (options.parquetSchema) {
    const { databaseName, tableName } = options.parquetSchema;
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadParquetSchema',
        actions: ['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions'],
        resources: [
          stack.formatArn({ service: 'glue', resource: 'catalog' }),
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: databaseName }),
          stack.formatArn({ service: 'glue', resource: 'table', resourceName: `${databaseName}/${tableName}` }),
        ],
      }),
    );
  }
  const policy = new iam.Policy(scope, 'DeliveryPolicy', { roles: [role], statements });

  const delivery = new firehose.CfnDeliveryStream(scope, 'DeliveryStream', {
    deliveryStreamType: 'KinesisStreamAsSource',
    kinesisStreamSourceConfiguration: { kinesisStreamArn: stream.streamArn, roleArn: role.roleArn },
    extendedS3DestinationConfiguration: {
      bucketArn: bucket.bucketArn,
      roleArn: role.roleArn,
      prefix: DEFAULT_PREFIX,
      errorOutputPrefix: DEFAULT_ERROR_PREFIX,
      bufferingHints: { sizeInMBs: options.bufferSizeMiB, intervalInSeconds: options.bufferIntervalSeconds },
      // Parquet compresses itself (Snappy); Firehose refuses GZIP on top of format conversion.
      compressionFormat: options.parquetSchema ? 'UNCOMPRESSED' : 'GZIP',
      encryptionConfiguration: key ? { kmsEncryptionConfig: { awskmsKeyArn: key.keyArn } } : undefined,
      dynamicPartitioningConfiguration: { enabled: true, retryOptions: { durationInSeconds: 300 } },
      processingConfiguration: {
        enabled: true,
        processors: [
          {
            type: 'Lambda',
            parameters: [
              { parameterName: 'LambdaArn', parameterValue: transform.functionArn },
              { parameterName: 'NumberOfRetries', parameterValue: '3' },
              { parameterName: 'BufferSizeInMBs', parameterValue: '1' },
              { parameterName: 'BufferIntervalInSeconds', parameterValue: '60' },
            ],
          },
        ],
      },
      dataFormatConversionConfiguration: options.parquetSchema
        ? {
            enabled: true,
            inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
            outputFormatConfiguration: { serializer: { parquetSerDe: { compression: 'SNAPPY' } } },
            schemaConfiguration: {
              catalogId: Aws.ACCOUNT_ID,
              region: Aws.REGION,
              databaseName: options.parquetSchema.databaseName,
              tableName: options.parquetSchema.tableName,
              roleArn: role.roleArn,
            },
          }
        : undefined,
      cloudWatchLoggingOptions: { enabled: true, logGroupName: logGroup.logGroupName, logStreamName: logStream.logStreamName },
    },
  });
  // Firehose checks its permissions on creation, so the policy must exist first.
  delivery.node.addDependency(policy);
  return delivery;
}
