import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../../cli/commands/index.js';
import { createFleetTask } from '../../pipeline/infra/fleet-task.js';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

function synth(): { template: Template; streamId: string } {
  const stack = new Stack(new App(), 'Fleet', { env: { account: '123456789012', region: 'us-west-2' } });
  const stream = new kinesis.Stream(stack, 'EventStream', { shardCount: 2 });
  createFleetTask(stack, { stream, image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/sdfleet:0.1.0' });
  return { template: Template.fromStack(stack), streamId: stack.getLogicalId(stream.node.defaultChild as kinesis.CfnStream) };
}

describe('the Fargate fleet task', () => {
  const { template, streamId } = synth();
  const task = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as { Properties: Record<string, unknown> };
  const container = (task.Properties.ContainerDefinitions as Record<string, unknown>[])[0];
  const policies = Object.entries(template.findResources('AWS::IAM::Policy')) as [string, { Properties: { PolicyDocument: { Statement: Statement[] }; Roles: { Ref: string }[] } }][];
  const roleRef = (arn: unknown) => (arn as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

  it('is a Fargate task running `sdfleet run` against the stack stream as the image user, read-only root', () => {
    expect(task.Properties).toMatchObject({
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '1024',
      Memory: '2048',
      RuntimePlatform: { OperatingSystemFamily: 'LINUX', CpuArchitecture: 'X86_64' },
    });
    expect(container).toMatchObject({ Image: '123456789012.dkr.ecr.us-west-2.amazonaws.com/sdfleet:0.1.0', User: '1000', ReadonlyRootFilesystem: true });
    const command = container.Command as unknown[];
    expect(command.slice(0, 5)).toEqual(['run', '--scenario', 'multi-producer', '--target', 'kinesis']);
    expect(command[command.indexOf('--stream') + 1]).toEqual({ Ref: streamId });
    expect(command).toContain('--json');
    expect(command).not.toContain('--worker'); // added per task by run-task overrides
    const program = new Command('sdfleet');
    registerCommands(program);
    const run = new Set(program.commands.find((c) => c.name() === 'run')!.options.map((o) => o.long));
    for (const flag of [...command.filter((a): a is string => typeof a === 'string' && a.startsWith('--')), '--worker']) expect(run, flag).toContain(flag);
    expect(container.MountPoints).toEqual(expect.arrayContaining([expect.objectContaining({ ContainerPath: '/app/data' }), expect.objectContaining({ ContainerPath: '/tmp' })]));
    expect(container.LogConfiguration).toMatchObject({ LogDriver: 'awslogs' });
  });

  it('lets the task put records on that stream and run the preflight, nothing more', () => {
    const taskRoleId = roleRef(task.Properties.TaskRoleArn);
    const taskPolicies = policies.filter(([, p]) => p.Properties.Roles.some((r) => r.Ref === taskRoleId));
    expect(taskPolicies).toHaveLength(1);
    expect(taskPolicies[0][1].Properties.PolicyDocument.Statement).toEqual([
      {
        Sid: 'PutRecordsAndPreflight',
        Effect: 'Allow',
        Action: ['kinesis:DescribeStreamSummary', 'kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'],
        Resource: { 'Fn::GetAtt': [streamId, 'Arn'] },
      },
    ]);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: Match.objectLike({ StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }) })] },
    });
  });

  it('gives the execution role only its own log group: no wildcard action or resource, no managed policy', () => {
    const all = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    for (const statement of all) {
      for (const action of [statement.Action].flat()) expect(action, JSON.stringify(statement)).not.toMatch(/(^\*$)|(:\*$)/);
      expect(JSON.stringify(statement.Resource)).not.toBe('"*"');
    }
    const executionRoleId = roleRef(task.Properties.ExecutionRoleArn);
    const execution = policies.filter(([, p]) => p.Properties.Roles.some((r) => r.Ref === executionRoleId)).flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    expect(execution.flatMap((s) => [s.Action].flat()).sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
  });
});
