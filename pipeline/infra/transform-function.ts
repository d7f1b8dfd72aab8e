import { existsSync } from 'node:fs';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { UserError } from '../../common/user-error.js';

/** The Firehose transformation Lambda from the `npm run build:lambda` zip. */
export function createTransformFunction(scope: Construct, zipPath: string): lambda.Function {
  if (!existsSync(zipPath)) throw new UserError('transformZipPath', zipPath, 'does not exist; run `npm run build:lambda` first');
  const logGroup = new logs.LogGroup(scope, 'TransformLogs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
  // Its own role instead of the default AWSLambdaBasicExecutionRole (logs on every group):
  // the transform only writes its own log group and touches nothing else.
  const role = new iam.Role(scope, 'TransformRole', {
    description: 'sdfleet transform Lambda: write its own logs',
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
  });
  logGroup.grantWrite(role);
  return new lambda.Function(scope, 'TransformFunction', {
    description: 'sdfleet: validates events and adds created_datetime, event_type, event_subtype for Firehose',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(zipPath),
    memorySize: 512,
    // Firehose waits up to 5 minutes per invocation; a 6 MB batch takes well under one.
    timeout: Duration.minutes(1),
    environment: { SDFLEET_LOG_LEVEL: 'info' },
    logGroup,
    role,
  });
}
