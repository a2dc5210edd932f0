import type { RegisterTaskDefinitionCommandInput, RunTaskCommandInput } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { planAwsRequests } from '../../../src/cli/plan.js';
import { validateDefinition } from '../../../src/domain/validate-definition.js';
import type { AwsExecutorOptions } from '../../../src/executors/aws/aws-options.js';
import { backend } from '../../helpers/test-database.js';
import { awsTask, emulatorState, useAwsWorld } from './aws-world.js';

interface EcsTaskDefinition {
  taskDefinitionArn: string;
  requiresCompatibilities?: string[];
  networkMode?: string;
  cpu?: string;
  memory?: string;
  executionRoleArn?: string;
}

interface EcsTask {
  taskDefinitionArn: string;
  startedBy: string;
  launchType: string;
  cpu?: string;
  memory?: string;
  attachments: { type: string; details: { name: string; value: string }[] }[];
}

const ROLE = 'arn:aws:iam::000000000000:role/ecs-exec';
const definition = (extra: Record<string, unknown>) => ({
  process_definition_name: 'on-fargate',
  task_definitions: [
    awsTask('report', {
      docker_image_command: { image: 'acme/report', tag: '2.1', command: ['sundial-job'], ...extra },
    }),
  ],
});

// Storage plays no part here: PGlite only.
describe.skipIf(backend !== 'pglite')('docker_image_command on Fargate', () => {
  const fargate: AwsExecutorOptions = {
    ecsLaunchType: 'FARGATE',
    ecsNetwork: { subnets: ['subnet-0a1'], securityGroups: ['sg-0b2'], assignPublicIp: 'ENABLED' },
  };
  const world = useAwsWorld({ aws: fargate });

  it('refuses a definition without an execution role; runs one with it: awsvpc, rounded up, in the configured subnet', async () => {
    const refused = await world.h.request<{ errors: { field: string; problem: string }[] }>(
      'PUT',
      '/api/process_definitions/on-fargate',
      definition({ cpu: 300, memory: 600 }),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.field)).toEqual([
      'task_definitions[0].executable.docker_image_command.execution_role_arn',
    ]);

    const body = definition({ cpu: 300, memory: 600, execution_role_arn: ROLE });
    await world.h.put(body);
    const run = await world.h.triggerAndWait('on-fargate');
    expect(run.status).toBe('succeeded');
    const [task] = emulatorState<EcsTask[]>(world.emulator, 'ecs', 'tasks');
    expect(task).toMatchObject({ launchType: 'FARGATE', cpu: '512', memory: '1024' });
    expect(task!.startedBy).toBe(`sundial-${run.task[0]!.task_id}`.slice(0, 36));
    // The ENI sits in the configured subnet: RunTask carried the network configuration.
    expect(task!.attachments[0]!.details).toContainEqual({ name: 'subnetId', value: 'subnet-0a1' });
    const defs = emulatorState<EcsTaskDefinition[]>(world.emulator, 'ecs', 'taskDefinitions');
    expect(defs).toHaveLength(1);
    expect(defs[0]).toMatchObject({
      taskDefinitionArn: task!.taskDefinitionArn,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      executionRoleArn: ROLE,
    });

    // `sundial plan` shows these requests: built by the same functions, with the same settings.
    const plan = planAwsRequests(validateDefinition(body), { publicUrl: world.h.url, ...fargate });
    const input = <T>(operation: string) => plan.find((r) => r.operation === operation)!.input as T;
    const planned = input<RegisterTaskDefinitionCommandInput>('RegisterTaskDefinition');
    expect(defs[0]).toMatchObject({
      cpu: planned.cpu,
      memory: planned.memory,
      networkMode: planned.networkMode,
    });
    expect(input<RunTaskCommandInput>('RunTask').networkConfiguration).toEqual({
      awsvpcConfiguration: { subnets: ['subnet-0a1'], securityGroups: ['sg-0b2'], assignPublicIp: 'ENABLED' },
    });
  });
});
