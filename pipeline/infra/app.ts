// CDK app: `npx aws-cdk deploy --app "npx tsx pipeline/infra/app.ts"` (see README.md here).
import { App } from 'aws-cdk-lib';
import { buildLambdas } from '../transform/build.js';
import { propsFromContext } from './context-props.js';
import { PipelineStack } from './pipeline-stack.js';

const app = new App();
// Always bundle first, so a deploy never ships a stale transform.
await buildLambdas();
new PipelineStack(app, (app.node.tryGetContext('stackName') as string | undefined) ?? 'SdfleetPipeline', {
  ...propsFromContext((key) => app.node.tryGetContext(key)),
  // Account and region come from the caller's default credential chain, as resolved by the CDK CLI.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  description: 'sdfleet: IoT/producers → Kinesis → Firehose + Lambda transform → S3 lake (Glue/Athena)',
});
app.synth();
