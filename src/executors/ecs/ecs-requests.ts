import type {
  ContainerDefinition,
  LaunchType,
  RegisterTaskDefinitionCommandInput,
  RunTaskCommandInput,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { DockerImageCommand } from '../../domain/types.js';
import { definitionFamily, keyValues, pairsKey, secretValueFroms } from '../aws/aws-names.js';
import type { TaskRun } from '../executor.js';

/**
 * The Amazon ECS requests of a `docker_image_command`, as pure functions: the executor sends them,
 * `sundial plan` prints them.
 */

type RunNames = Pick<TaskRun, 'taskId' | 'processId' | 'definitionName' | 'taskDefinitionName'>;

/** The one container of a Sundial task definition. */
export const ECS_CONTAINER = 'job';
export const ECS_STREAM_PREFIX = 'sundial';

export interface EcsPlacement {
  cluster: string;
  region: string;
  logGroup: string;
  launchType?: LaunchType;
}

/** RunTask answers a retry with this token with the task it already started. */
export const ecsClientToken = (run: Pick<TaskRun, 'taskId'>) => `sundial-${run.taskId}`;
/** ECS allows 36 characters here: enough of the task id to find the task again. */
export const ecsStartedBy = (run: Pick<TaskRun, 'taskId'>) => `sundial-${run.taskId}`.slice(0, 36);

/**
 * One essential container whose output the awslogs driver ships to CloudWatch Logs (group created
 * on first use). Per-run values travel as overrides, so repeated runs reuse one revision.
 *
 * @example
 * registerTaskDefinitionInput(run, { image: 'acme/etl', tag: '1.0', command: ['run'] }, placement)
 */
export function registerTaskDefinitionInput(
  run: RunNames,
  cmd: DockerImageCommand,
  placement: EcsPlacement,
): RegisterTaskDefinitionCommandInput {
  const secrets = secretValueFroms(cmd.environment_variables);
  const container: ContainerDefinition = {
    name: ECS_CONTAINER,
    image: `${cmd.image}:${cmd.tag}`,
    command: cmd.command,
    essential: true,
    environment: keyValues(cmd.environment_variables),
    ...(secrets.length > 0 && { secrets }),
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': placement.logGroup,
        'awslogs-region': placement.region,
        'awslogs-stream-prefix': ECS_STREAM_PREFIX,
        'awslogs-create-group': 'true',
      },
    },
  };
  if (cmd.cpu !== undefined) container.cpu = cmd.cpu;
  if (cmd.memory !== undefined) container.memory = cmd.memory;
  return {
    family: definitionFamily(run),
    containerDefinitions: [container],
    ...(cmd.task_role_arn && { taskRoleArn: cmd.task_role_arn }),
    ...(cmd.execution_role_arn && { executionRoleArn: cmd.execution_role_arn }),
  };
}

/** Whether a registered revision runs the same container as the one we would register. */
export function taskDefinitionMatches(
  existing: TaskDefinition,
  wanted: RegisterTaskDefinitionCommandInput,
): boolean {
  const a = existing.containerDefinitions?.[0];
  const b = wanted.containerDefinitions?.[0];
  return (
    existing.status === 'ACTIVE' &&
    existing.containerDefinitions?.length === 1 &&
    a?.name === b?.name &&
    a?.image === b?.image &&
    JSON.stringify(a?.command ?? []) === JSON.stringify(b?.command ?? []) &&
    a?.cpu === b?.cpu &&
    a?.memory === b?.memory &&
    pairsKey(a?.environment) === pairsKey(b?.environment) &&
    pairsKey(a?.secrets) === pairsKey(b?.secrets) &&
    JSON.stringify(a?.logConfiguration ?? {}) === JSON.stringify(b?.logConfiguration ?? {}) &&
    (existing.taskRoleArn ?? '') === (wanted.taskRoleArn ?? '') &&
    (existing.executionRoleArn ?? '') === (wanted.executionRoleArn ?? '')
  );
}

/**
 * RunTask, idempotent through its client token, with the Sundial environment as overrides. No
 * tags (they would need ecs:TagResource): `startedBy` ties the task to its Sundial task.
 */
export function runTaskInput(
  run: RunNames,
  taskDefinition: string,
  placement: EcsPlacement,
  env: Record<string, string>,
): RunTaskCommandInput {
  return {
    cluster: placement.cluster,
    taskDefinition,
    count: 1,
    clientToken: ecsClientToken(run),
    startedBy: ecsStartedBy(run),
    ...(placement.launchType && { launchType: placement.launchType }),
    overrides: { containerOverrides: [{ name: ECS_CONTAINER, environment: keyValues([], env) }] },
  };
}

/** Where the awslogs driver writes a task's output: `prefix/container/task-id`. */
export function ecsLogStream(taskArn: string): string {
  return `${ECS_STREAM_PREFIX}/${ECS_CONTAINER}/${taskArn.split('/').pop()}`;
}
