import type { JobDefinition } from '@aws-sdk/client-batch';
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { planAwsRequests } from '../../../src/cli/plan.js';
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

describe('sundial plan and secrets', () => {
  it('shows references only: container secrets for ECS, the reads a shell task makes at dispatch', () => {
    const def = {
      process_definition_name: 'etl',
      task_definitions: [
        {
          task_definition_name: 'sh',
          dependencies: [],
          max_attempts: 1,
          backoff_base_seconds: 0,
          executable: {
            shell_script_command: {
              script: 'run',
              environment_variables: [
                { variable_name: 'A', secret: 'prod/db' },
                { variable_name: 'B', secret: 'ssm:/prod/key' },
                { variable_name: 'C', secret: 'env:HOME' },
              ],
            },
          },
        },
        {
          task_definition_name: 'box',
          dependencies: [],
          max_attempts: 1,
          backoff_base_seconds: 0,
          executable: {
            docker_image_command: {
              image: 'acme/etl',
              tag: '1',
              command: ['run'],
              execution_role_arn: ROLE,
              environment_variables: vars(ARN),
            },
          },
        },
      ],
    };
    const plan = planAwsRequests(def, { publicUrl: 'http://sundial:8080' });
    expect(plan.filter((r) => r.task === 'sh')).toEqual([
      expect.objectContaining({
        service: 'secretsmanager',
        operation: 'GetSecretValue',
        input: { SecretId: 'prod/db' },
      }),
      expect.objectContaining({
        service: 'ssm',
        operation: 'GetParameter',
        input: { Name: '/prod/key', WithDecryption: true },
      }),
    ]);
    const register = plan.find((r) => r.operation === 'RegisterTaskDefinition')!;
    expect(JSON.stringify(register.input)).toContain(`"secrets":[{"name":"DB","valueFrom":"${ARN}"}]`);
  });
});
