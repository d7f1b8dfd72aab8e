import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { propsFromContext } from '../../pipeline/infra/context-props.js';
import { PipelineStack, type PipelineStackProps } from '../../pipeline/infra/pipeline-stack.js';
import { buildLambdas } from '../../pipeline/transform/build.js';
import type { TelemetryEvent } from '../../simulator/events/event.js';

type Json = Record<string, unknown>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

let dir: string;
let zipPath: string;

beforeAll(async () => {
  // The stack ships the real bundle, so build it: synth stays offline and uses what deploys.
  dir = await mkdtemp(path.join(tmpdir(), 'sdfleet-infra-'));
  zipPath = (await buildLambdas(dir)).find((a) => a.name === 'firehose-transform')!.zipPath;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function synth(props: PipelineStackProps = {}): Template {
  return Template.fromStack(new PipelineStack(new App(), 'Test', { transformZipPath: zipPath, ...props }));
}

function logicalId(template: Template, type: string, startsWith: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(startsWith));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Every statement of the inline policies the stack creates, by policy logical id. */
function policyStatements(template: Template): Map<string, Statement[]> {
  const out = new Map<string, Statement[]>();
  for (const [id, resource] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    out.set(id, (resource as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
  }
  return out;
}

const asList = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('PipelineStack (default: on-demand stream, KMS lake, GZIP NDJSON)', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  it('creates an encrypted on-demand Kinesis stream', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
  });

  it('keeps the lake bucket KMS-encrypted, private and TLS-only', () => {
    const keyId = logicalId(template, 'AWS::KMS::Key', 'LakeKey');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arnOf(keyId) }, BucketKeyEnabled: true }],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
        ]),
      },
    });
  });

  it('runs the bundled transform on nodejs22.x', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Architectures: ['arm64'],
      Code: { S3Key: Match.stringLikeRegexp('\\.zip$') },
    });
  });

  it('delivers from the stream through the Lambda into the partitioned, GZIP lake layout', () => {
    const streamId = logicalId(template, 'AWS::Kinesis::Stream', 'EventStream');
    const functionId = logicalId(template, 'AWS::Lambda::Function', 'TransformFunction');
    const roleId = logicalId(template, 'AWS::IAM::Role', 'DeliveryRole');
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: { KinesisStreamARN: arnOf(streamId), RoleARN: arnOf(roleId) },
      ExtendedS3DestinationConfiguration: Match.objectLike({
        Prefix:
          'events/event_type=!{partitionKeyFromLambda:event_type}/year=!{partitionKeyFromLambda:year}/month=!{partitionKeyFromLambda:month}/day=!{partitionKeyFromLambda:day}/hour=!{partitionKeyFromLambda:hour}/',
        ErrorOutputPrefix: Match.stringLikeRegexp('^errors/!\\{firehose:error-output-type\\}/'),
        CompressionFormat: 'GZIP',
        BufferingHints: { SizeInMBs: 64, IntervalInSeconds: 60 },
        DynamicPartitioningConfiguration: { Enabled: true, RetryOptions: { DurationInSeconds: 300 } },
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: arnOf(logicalId(template, 'AWS::KMS::Key', 'LakeKey')) } },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            {
              Type: 'Lambda',
              Parameters: Match.arrayWith([
                { ParameterName: 'LambdaArn', ParameterValue: arnOf(functionId) },
                { ParameterName: 'NumberOfRetries', ParameterValue: '3' },
              ]),
            },
          ],
        },
        CloudWatchLoggingOptions: Match.objectLike({ Enabled: true }),
      }),
    });
    const delivery = template.findResources('AWS::KinesisFirehose::DeliveryStream');
    expect(Object.values(delivery)[0]).toMatchObject({ DependsOn: expect.arrayContaining([logicalId(template, 'AWS::IAM::Policy', 'DeliveryPolicy')]) });
  });

  it('gives Firehose a role that reads that stream, invokes that function, writes those prefixes with that key', () => {
    const bucketArn = arnOf(logicalId(template, 'AWS::S3::Bucket', 'LakeBucket'));
    const statements = policyStatements(template).get(logicalId(template, 'AWS::IAM::Policy', 'DeliveryPolicy'))!;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid).sort()).toEqual(['EncryptLakeObjects', 'InvokeTransform', 'LocateLakeBucket', 'ReadSourceStream', 'WriteDeliveryLogs', 'WriteLakePrefixes']);

    expect(bySid.ReadSourceStream.Resource).toEqual(arnOf(logicalId(template, 'AWS::Kinesis::Stream', 'EventStream')));
    expect(asList(bySid.ReadSourceStream.Action).every((a) => a.startsWith('kinesis:Get') || a.startsWith('kinesis:Describe') || a === 'kinesis:ListShards')).toBe(true);
    expect(bySid.InvokeTransform.Resource).toEqual(arnOf(logicalId(template, 'AWS::Lambda::Function', 'TransformFunction')));
    expect(bySid.LocateLakeBucket.Resource).toEqual(bucketArn);
    expect(asList(bySid.WriteLakePrefixes.Action).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(bySid.WriteLakePrefixes.Resource).toEqual([
      { 'Fn::Join': ['', [bucketArn, '/events/*']] },
      { 'Fn::Join': ['', [bucketArn, '/errors/*']] },
    ]);
    expect(bySid.EncryptLakeObjects).toMatchObject({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: arnOf(logicalId(template, 'AWS::KMS::Key', 'LakeKey')),
      Condition: {
        StringEquals: { 'kms:ViaService': expect.anything() },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, ...bySid.WriteLakePrefixes.Resource as unknown[]] },
      },
    });
    expect(JSON.stringify(bySid.WriteDeliveryLogs.Resource)).toContain(':log-stream:');
  });

  it('guards the Firehose role against use by other accounts', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'firehose.amazonaws.com' }, Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'AWS::AccountId' } } } })],
      },
    });
  });

  it('defines the Fargate fleet task for load workers and outputs it', () => {
    template.resourceCountIs('AWS::ECS::TaskDefinition', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Image: 'sdfleet:latest', User: '1000' })] });
    template.hasOutput('FleetTaskDefinition', {});
  });

  it('grants no wildcard actions or resources anywhere', () => {
    const all = [...policyStatements(template).values()].flat();
    expect(all.length).toBeGreaterThan(8);
    for (const statement of all) {
      for (const action of asList(statement.Action)) expect(action, JSON.stringify(statement)).not.toMatch(/(^\*$)|(:\*$)/);
      expect(JSON.stringify(statement.Resource), JSON.stringify(statement)).not.toBe('"*"');
    }
    // No AWS managed policies (AWSLambdaBasicExecutionRole grants logs on every group).
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) expect((role as { Properties: Json }).Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('forwards dt/sdfleet/+/telemetry from IoT to the stream keyed by vehicle id, with PutRecord only', () => {
    const streamId = logicalId(template, 'AWS::Kinesis::Stream', 'EventStream');
    const roleId = logicalId(template, 'AWS::IAM::Role', 'IotRuleRole');
    template.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({
        Sql: "SELECT * FROM 'dt/sdfleet/+/telemetry'",
        RuleDisabled: false,
        Actions: [{ Kinesis: { StreamName: { Ref: streamId }, PartitionKey: '${topic(3)}', RoleArn: arnOf(roleId) } }],
        ErrorAction: { CloudwatchLogs: Match.objectLike({ RoleArn: arnOf(roleId) }) },
      }),
    });
    const statements = policyStatements(template).get(logicalId(template, 'AWS::IAM::Policy', 'IotRuleRoleDefaultPolicy'))!;
    expect(statements.find((s) => s.Sid === 'PutTelemetry')).toEqual({ Sid: 'PutTelemetry', Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: arnOf(streamId) });
  });

  it('defines a Glue table with partition projection over the lake layout', () => {
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as { Properties: { TableInput: Json } };
    const input = table.Properties.TableInput as { Parameters: Record<string, string>; PartitionKeys: { Name: string }[]; StorageDescriptor: Json };
    expect(input.PartitionKeys.map((k) => k.Name)).toEqual(['event_type', 'year', 'month', 'day', 'hour']);
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.event_type.type': 'enum',
      'projection.month.digits': '2',
      'projection.hour.range': '0,23',
    });
    expect(input.Parameters['projection.event_type.values'].split(',')).toEqual(expect.arrayContaining(['vehicle', 'trip', 'alert', 'charge']));
    expect(JSON.stringify(input.Parameters['storage.location.template'])).toContain('/events/event_type=${event_type}/year=${year}/month=${month}/day=${day}/hour=${hour}/');
    expect(input.StorageDescriptor).toMatchObject({ SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' } });
    const columns = (input.StorageDescriptor.Columns as { Name: string }[]).map((c) => c.Name);
    expect(columns).toEqual(expect.arrayContaining(['event_uuid', 'created_datetime', 'event_subtype', 'vehicle_id', 'seq']));
    expect(columns).not.toContain('event_type'); // a partition column cannot also be a data column
  });

  it('declares a Glue column for every telemetry field, so Athena and Parquet keep them', () => {
    // Required<…>: a field added to TelemetryEvent fails to compile here until it is listed.
    const sample: Required<TelemetryEvent> = {
      event_uuid: '', event_name: '', created_at: 0, vehicle_id: '', seq: 0, vehicle_class: '', trip_id: null, lat: 0, lon: 0,
      heading_deg: 0, speed_kmh: 0, accel_mps2: 0, odometer_km: 0, road: null, speed_limit_kmh: null, co2_g: 0, nox_g: 0,
      pm25_g: 0, co_g: 0, hc_g: 0, fuel_g: 0, fuel_level_pct: 0, energy_wh: 0, soc_pct: 0,
    };
    const table = Object.values(template.findResources('AWS::Glue::Table'))[0] as { Properties: { TableInput: { StorageDescriptor: { Columns: { Name: string }[] } } } };
    const columns = table.Properties.TableInput.StorageDescriptor.Columns.map((c) => c.Name);
    expect(columns).toEqual(expect.arrayContaining(Object.keys(sample)));
  });

  it('alarms on write throttles, iterator age, delivery and processing failures', () => {
    const deliveryId = logicalId(template, 'AWS::KinesisFirehose::DeliveryStream', 'DeliveryStream');
    template.resourceCountIs('AWS::CloudWatch::Alarm', 6);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Kinesis', MetricName: 'WriteProvisionedThroughputExceeded', ComparisonOperator: 'GreaterThanThreshold', Threshold: 0 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Kinesis', MetricName: 'GetRecords.IteratorAgeMilliseconds', Threshold: 60_000 });
    for (const metric of ['DeliveryToS3.Success', 'ExecuteProcessing.Success']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Firehose',
        MetricName: metric,
        Dimensions: [{ Name: 'DeliveryStreamName', Value: { Ref: deliveryId } }],
        ComparisonOperator: 'LessThanThreshold',
        Threshold: 1,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'sdfleet/transform',
      MetricName: 'ProcessingFailedRecords',
      Dimensions: [{ Name: 'DeliveryStream', Value: { Ref: deliveryId } }],
      Statistic: 'Sum',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: 'Errors' });
  });
});

describe('PipelineStack variants', () => {
  it('provisions shards and S3-managed encryption when asked', () => {
    const template = synth({ shardCount: 4, encryption: 's3-managed', versioned: true });
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4, StreamModeDetails: { StreamMode: 'PROVISIONED' } });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({ EncryptionConfiguration: Match.absent() }),
    });
  });

  it('converts to Parquet through the Glue schema, with read access to that table only', () => {
    const template = synth({ parquet: true });
    template.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      ExtendedS3DestinationConfiguration: Match.objectLike({
        CompressionFormat: 'UNCOMPRESSED',
        DataFormatConversionConfiguration: {
          Enabled: true,
          InputFormatConfiguration: { Deserializer: { OpenXJsonSerDe: {} } },
          OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
          SchemaConfiguration: Match.objectLike({ DatabaseName: 'sdfleet', TableName: 'events' }),
        },
      }),
    });
    template.hasResourceProperties('AWS::Glue::Table', {
      TableInput: Match.objectLike({ StorageDescriptor: Match.objectLike({ SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' } }) }),
    });
    const statements = policyStatements(template).get(logicalId(template, 'AWS::IAM::Policy', 'DeliveryPolicy'))!;
    const glue = statements.find((s) => s.Sid === 'ReadParquetSchema')!;
    expect(asList(glue.Action).sort()).toEqual(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
    expect(JSON.stringify(glue.Resource)).toContain(':table/sdfleet/events');
    const delivery = Object.values(template.findResources('AWS::KinesisFirehose::DeliveryStream'))[0];
    expect(delivery).toMatchObject({ DependsOn: expect.arrayContaining(['LakeTable']) });
  });

  it('refuses settings AWS would reject, naming the field', () => {
    expect(() => synth({ bufferSizeMiB: 5 })).toThrow('bufferSizeMiB: must be an integer from 64 to 128 (got 5)');
    expect(() => synth({ shardCount: 0 })).toThrow('shardCount: must be an integer from 1 to 10000 (got 0)');
    expect(() => synth({ transformZipPath: '/nonexistent/fn.zip' })).toThrow('transformZipPath: does not exist; run `npm run build:lambda` first (got "/nonexistent/fn.zip")');
  });
});

describe('propsFromContext', () => {
  const from = (values: Record<string, unknown>) => propsFromContext((key) => values[key]);

  it('reads the fleet image URI', () => {
    expect(from({ fleetImage: '123456789012.dkr.ecr.us-west-2.amazonaws.com/sdfleet:0.1.0' })).toEqual({ fleetImage: '123456789012.dkr.ecr.us-west-2.amazonaws.com/sdfleet:0.1.0' });
    expect(() => from({ fleetImage: 'my image' })).toThrow(/^context fleetImage: must be an image URI .*\(got "my image"\)/);
  });

  it('reads -c strings and typed cdk.json values', () => {
    expect(from({})).toEqual({});
    expect(from({ shards: 'on-demand' })).toEqual({});
    expect(from({ shards: '4', encryption: 's3-managed', versioned: 'true', parquet: false })).toEqual({ shardCount: 4, encryption: 's3-managed', versioned: true, parquet: false });
  });

  it('names the bad context value', () => {
    expect(() => from({ shards: 'lots' })).toThrow('context shards: must be "on-demand" or a positive integer (got "lots")');
    expect(() => from({ encryption: 'aes' })).toThrow('context encryption: must be "kms" or "s3-managed" (got "aes")');
    expect(() => from({ parquet: 'yes' })).toThrow('context parquet: must be true or false (got "yes")');
  });
});
