import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { fargateSize } from '../../../src/domain/fargate-size.js';
import type { DockerImageCommand } from '../../../src/domain/types.js';
import { awsOptionsFromEnv } from '../../../src/executors/aws/aws-options.js';
import {
  type EcsPlacement,
  registerTaskDefinitionInput,
  runTaskInput,
  taskDefinitionMatches,
} from '../../../src/executors/ecs/ecs-requests.js';
import { ecsTaskResult } from '../../../src/executors/ecs/ecs-status.js';

const run = { taskId: 't', processId: 'p', definitionName: 'etl', taskDefinitionName: 'load' };
const fargate: EcsPlacement = {
  cluster: 'default',
  region: 'us-east-1',
  logGroup: '/sundial/ecs',
  launchType: 'FARGATE',
  network: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'ENABLED' },
};
const cmd = (extra: Partial<DockerImageCommand> = {}): DockerImageCommand => ({
  image: 'acme/etl',
  tag: '1',
  command: ['run'],
  execution_role_arn: 'arn:aws:iam::1:role/exec',
  ...extra,
});

describe('Fargate task sizes', () => {
  it.each([
    [undefined, undefined, 256, 512],
    [256, 512, 256, 512],
    [100, 700, 256, 1024],
    [256, 3000, 512, 3072], // 256 units hold 2 GiB at most
    [1024, 1024, 1024, 2048], // 1 vCPU starts at 2 GiB
    [undefined, 9000, 2048, 9216],
    [4096, 30720, 4096, 30720],
    [4096, 31000, 8192, 32768], // past 30 GiB: 8 vCPU, 4 GiB steps
    [8192, 61441, 16384, 65536], // 16 vCPU: 8 GiB steps from 32 GiB
    [16384, 122880, 16384, 122880],
  ])('cpu %s, memory %s → %i CPU units, %i MiB', (cpu, memory, wantCpu, wantMemory) => {
    expect(fargateSize(cpu, memory)).toEqual({ cpu: wantCpu, memory: wantMemory });
  });

  it('has none beyond 16 vCPU or 120 GiB', () => {
    expect(fargateSize(16385, undefined)).toBeUndefined();
    expect(fargateSize(undefined, 122881)).toBeUndefined();
  });
});

describe('ECS requests on Fargate', () => {
  it('register an awsvpc FARGATE definition of the rounded size; RunTask carries the network', () => {
    const register = registerTaskDefinitionInput(run, cmd({ cpu: 300, memory: 600 }), fargate);
    expect(register).toMatchObject({
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn: 'arn:aws:iam::1:role/exec',
    });
    expect(runTaskInput(run, 'arn:td', fargate, {})).toMatchObject({
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ['subnet-a', 'subnet-b'],
          securityGroups: ['sg-1'],
          assignPublicIp: 'ENABLED',
        },
      },
    });
    const spot = runTaskInput(run, 'arn:td', { ...fargate, launchType: 'FARGATE_SPOT' }, {});
    expect(spot.launchType).toBeUndefined();
    expect(spot.capacityProviderStrategy).toEqual([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]);
  });

  it('register a new revision when the size changes', () => {
    const echoed = (c: DockerImageCommand): TaskDefinition => ({
      ...registerTaskDefinitionInput(run, c, fargate),
      status: 'ACTIVE',
    });
    const small = echoed(cmd({ memory: 512 }));
    expect(
      taskDefinitionMatches(small, registerTaskDefinitionInput(run, cmd({ memory: 512 }), fargate)),
    ).toBe(true);
    expect(
      taskDefinitionMatches(small, registerTaskDefinitionInput(run, cmd({ memory: 4096 }), fargate)),
    ).toBe(false);
    const onEc2 = registerTaskDefinitionInput(run, cmd({ memory: 512 }), { ...fargate, launchType: 'EC2' });
    expect(taskDefinitionMatches(small, onEc2)).toBe(false);
  });

  it('count a task Fargate Spot reclaimed as failed even when the job exited 0 on SIGTERM', () => {
    const reclaimed = ecsTaskResult({
      taskArn: 'arn:aws:ecs:us-east-1:1:task/default/abc',
      lastStatus: 'STOPPED',
      stopCode: 'SpotInterruption',
      stoppedReason: 'Your Spot Task was interrupted.',
      containers: [{ name: 'job', exitCode: 0 }],
    });
    expect(reclaimed).toEqual({
      succeeded: false,
      reason: 'ECS task abc stopped: Your Spot Task was interrupted. (container exit code 0)',
    });
  });

  it('refuse a command without an execution role, naming the field', () => {
    expect(() => registerTaskDefinitionInput(run, cmd({ execution_role_arn: undefined }), fargate)).toThrow(
      /docker_image_command\.execution_role_arn is required on Fargate/,
    );
  });
});

describe('Fargate settings', () => {
  it('need subnets, and take them, security groups and public IP from the environment', () => {
    expect(() => awsOptionsFromEnv({ SUNDIAL_ECS_LAUNCH_TYPE: 'FARGATE' })).toThrow(
      /SUNDIAL_ECS_SUBNETS is required with SUNDIAL_ECS_LAUNCH_TYPE=FARGATE/,
    );
    expect(() =>
      awsOptionsFromEnv({
        SUNDIAL_ECS_LAUNCH_TYPE: 'FARGATE',
        SUNDIAL_ECS_SUBNETS: 'subnet-a',
        SUNDIAL_ECS_ASSIGN_PUBLIC_IP: 'yes',
      }),
    ).toThrow(/SUNDIAL_ECS_ASSIGN_PUBLIC_IP must be ENABLED or DISABLED/);
    expect(() => awsOptionsFromEnv({ SUNDIAL_ECS_SUBNETS: 'subnet-a' })).toThrow(/are for Fargate/);
    expect(() => awsOptionsFromEnv({ SUNDIAL_ECS_LAUNCH_TYPE: 'fargate' })).toThrow(
      /SUNDIAL_ECS_LAUNCH_TYPE must be one of/,
    );
    expect(
      awsOptionsFromEnv({
        SUNDIAL_ECS_LAUNCH_TYPE: 'FARGATE_SPOT',
        SUNDIAL_ECS_SUBNETS: 'subnet-a, subnet-b',
        SUNDIAL_ECS_SECURITY_GROUPS: 'sg-1',
        SUNDIAL_ECS_ASSIGN_PUBLIC_IP: 'DISABLED',
      }),
    ).toMatchObject({
      ecsLaunchType: 'FARGATE_SPOT',
      ecsNetwork: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' },
    });
  });
});
