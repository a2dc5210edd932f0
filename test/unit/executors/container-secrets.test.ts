import type { JobDefinition } from '@aws-sdk/client-batch';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { BatchImageCommand, DockerImageCommand } from '../../../src/domain/types.js';
import {
  jobDefinitionMatches,
  registerJobDefinitionInput,
} from '../../../src/executors/batch/batch-requests.js';
import {
  registerTaskDefinitionInput,
  taskDefinitionMatches,
} from '../../../src/executors/ecs/ecs-requests.js';

const run = { taskId: 't', processId: 'p', definitionName: 'etl', taskDefinitionName: 'load' };
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf';
const ROLE = 'arn:aws:iam::123456789012:role/execution';
const vars = (secret: string) => [
  { variable_name: 'STAGE', value: 'prod' },
  { variable_name: 'DB', secret },
];
const placement = { cluster: 'default', region: 'us-east-1', logGroup: '/sundial/ecs' };

describe('container secrets in Batch and ECS definitions', () => {
  it('Batch: references go into secrets, values into environment; a changed reference or role is a new revision', () => {
    const cmd = (secret: string, role = ROLE): BatchImageCommand => ({
      image: 'acme/etl',
      command: ['run'],
      memory: 512,
      execution_role_arn: role,
      environment_variables: vars(secret),
    });
    const input = registerJobDefinitionInput(run, cmd(ARN));
    expect(input.containerProperties).toMatchObject({
      executionRoleArn: ROLE,
      environment: [{ name: 'STAGE', value: 'prod' }],
      secrets: [{ name: 'DB', valueFrom: ARN }],
    });
    const registered = { ...input, status: 'ACTIVE' } as JobDefinition;
    expect(jobDefinitionMatches(registered, registerJobDefinitionInput(run, cmd(ARN)))).toBe(true);
    expect(jobDefinitionMatches(registered, registerJobDefinitionInput(run, cmd('ssm:/prod/db')))).toBe(
      false,
    );
    expect(jobDefinitionMatches(registered, registerJobDefinitionInput(run, cmd(ARN, `${ROLE}2`)))).toBe(
      false,
    );
  });

  it('ECS: the same, with the SSM parameter name as valueFrom', () => {
    const cmd = (secret: string): DockerImageCommand => ({
      image: 'acme/etl',
      tag: '1',
      command: ['run'],
      execution_role_arn: ROLE,
      environment_variables: vars(secret),
    });
    const input = registerTaskDefinitionInput(run, cmd('ssm:/prod/db'), placement);
    expect(input.executionRoleArn).toBe(ROLE);
    expect(input.containerDefinitions?.[0]).toMatchObject({
      environment: [{ name: 'STAGE', value: 'prod' }],
      secrets: [{ name: 'DB', valueFrom: '/prod/db' }],
    });
    const registered = { ...input, status: 'ACTIVE' } as TaskDefinition;
    expect(
      taskDefinitionMatches(registered, registerTaskDefinitionInput(run, cmd('ssm:/prod/db'), placement)),
    ).toBe(true);
    expect(taskDefinitionMatches(registered, registerTaskDefinitionInput(run, cmd(ARN), placement))).toBe(
      false,
    );
  });
});
