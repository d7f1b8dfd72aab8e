import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

export interface FleetTaskProps {
  stream: kinesis.IStream;
  /** The docker/Dockerfile image, pushed where Fargate can pull it without extra grants (a registry URI). */
  image: string;
  scenario?: string;
}

/** The image's unprivileged `node` user (docker/Dockerfile). */
const IMAGE_USER = '1000';

/**
 * A Fargate task definition for load workers: `sdfleet run` against the stack's stream. Run N copies with
 * `aws ecs run-task`, each with a command override appending `--worker i/N` (ECS gives tasks no index).
 * The task role may only put records on this stream and run the preflight; nothing else.
 */
export function createFleetTask(scope: Construct, props: FleetTaskProps): ecs.FargateTaskDefinition {
  const taskRole = new iam.Role(scope, 'FleetTaskRole', {
    description: 'sdfleet fleet worker: put records on the stream',
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:ecs:${Aws.REGION}:${Aws.ACCOUNT_ID}:*` } },
    }),
  });
  taskRole.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PutRecordsAndPreflight',
      // The preflight (DescribeStreamSummary, ListShards) and the producer's puts; no reads, no resharding.
      actions: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'],
      resources: [props.stream.streamArn],
    }),
  );
  const task = new ecs.FargateTaskDefinition(scope, 'FleetTask', {
    family: 'sdfleet-fleet',
    cpu: 1024,
    memoryLimitMiB: 2048,
    runtimePlatform: { operatingSystemFamily: ecs.OperatingSystemFamily.LINUX, cpuArchitecture: ecs.CpuArchitecture.X86_64 },
    taskRole,
    volumes: [{ name: 'data' }, { name: 'tmp' }],
  });
  const logGroup = new logs.LogGroup(scope, 'FleetLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const container = task.addContainer('fleet', {
    image: ecs.ContainerImage.fromRegistry(props.image),
    user: IMAGE_USER,
    readonlyRootFilesystem: true,
    // Each task prints its run summary as JSON to the log group; `sdfleet report merge` reconciles them.
    command: ['run', '--scenario', props.scenario ?? 'multi-producer', '--target', 'kinesis', '--stream', props.stream.streamName, '--region', Aws.REGION, '--dir', '/app/data/run', '--json'],
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'fleet' }),
  });
  container.addMountPoints({ sourceVolume: 'data', containerPath: '/app/data', readOnly: false }, { sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
  return task;
}
