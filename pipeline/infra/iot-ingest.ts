import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Vehicles publish to `dt/sdfleet/<vehicle id>/telemetry` (the gateway agent's topic). */
export const TELEMETRY_RULE_SQL = "SELECT * FROM 'dt/sdfleet/+/telemetry'";
/** The third topic level is the vehicle id, so each vehicle's events stay in order on one shard. */
export const TELEMETRY_PARTITION_KEY = '${topic(3)}';

/** An IoT topic rule forwarding vehicle telemetry to the stream; failures go to a log group, not nowhere. */
export function createIotIngest(scope: Construct, stream: kinesis.IStream): iot.CfnTopicRule {
  const errorLogs = new logs.LogGroup(scope, 'IotRuleErrors', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  const role = new iam.Role(scope, 'IotRuleRole', {
    description: 'sdfleet IoT rule: put telemetry on the stream',
    assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
  });
  role.addToPolicy(new iam.PolicyStatement({ sid: 'PutTelemetry', actions: ['kinesis:PutRecord'], resources: [stream.streamArn] }));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'LogRuleErrors',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [errorLogs.logGroupArn],
    }),
  );
  return new iot.CfnTopicRule(scope, 'TelemetryRule', {
    topicRulePayload: {
      description: 'sdfleet vehicle telemetry to Kinesis',
      sql: TELEMETRY_RULE_SQL,
      awsIotSqlVersion: '2016-03-23',
      ruleDisabled: false,
      actions: [{ kinesis: { streamName: stream.streamName, partitionKey: TELEMETRY_PARTITION_KEY, roleArn: role.roleArn } }],
      errorAction: { cloudwatchLogs: { logGroupName: errorLogs.logGroupName, roleArn: role.roleArn } },
    },
  });
}
