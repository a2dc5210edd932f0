import type {
  ContainerDefinition,
  RegisterTaskDefinitionCommandInput,
  RunTaskCommandInput,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { fargateProblems, fargateSize } from '../../domain/fargate-size.js';
import type { DockerImageCommand } from '../../domain/types.js';
import { definitionFamily, keyValues, pairsKey, secretValueFroms } from '../aws/aws-names.js';
import { type EcsLaunchType, type EcsNetwork, isFargate } from '../aws/aws-options.js';
import type { TaskRun } from '../executor.js';
import { DEFAULT_LOG_FILES_IMAGE, LOG_FILES_CONTAINER, logFilesParts } from './ecs-log-files.js';

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
  launchType?: EcsLaunchType;
  /** Subnets, security groups and public IP of awsvpc (Fargate) tasks. */
  network?: EcsNetwork;
  /** Image of the sidecar that follows `log_paths`; default {@link DEFAULT_LOG_FILES_IMAGE}. */
  logFilesImage?: string;
}

/** RunTask answers a retry with this token with the task it already started. */
export const ecsClientToken = (run: Pick<TaskRun, 'taskId'>) => `sundial-${run.taskId}`;
/** ECS allows 36 characters here: enough of the task id to find the task again. */
export const ecsStartedBy = (run: Pick<TaskRun, 'taskId'>) => `sundial-${run.taskId}`.slice(0, 36);

/**
 * One essential container whose output the awslogs driver ships to CloudWatch Logs (group created
 * on first use), and with `log_paths` the sidecar that follows those files ({@link logFilesParts}).
 * Per-run values travel as overrides, so repeated runs reuse one revision. On Fargate the task is
 * awsvpc with a task-level size ({@link fargateTaskFields}).
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
  const logFiles = logFilesParts(
    cmd.log_paths,
    placement.logFilesImage ?? DEFAULT_LOG_FILES_IMAGE,
    container.logConfiguration,
  );
  if (logFiles) {
    container.mountPoints = logFiles.mountPoints;
    // The reader is up before the job writes its first line.
    container.dependsOn = [{ containerName: LOG_FILES_CONTAINER, condition: 'START' }];
  }
  return {
    family: definitionFamily(run),
    containerDefinitions: logFiles ? [container, logFiles.sidecar] : [container],
    ...(logFiles && { volumes: logFiles.volumes }),
    ...(cmd.task_role_arn && { taskRoleArn: cmd.task_role_arn }),
    ...(cmd.execution_role_arn && { executionRoleArn: cmd.execution_role_arn }),
    ...(isFargate(placement.launchType) && fargateTaskFields(cmd)),
  };
}

/**
 * What Fargate requires of a task definition: FARGATE compatibility, awsvpc, and a task-level size,
 * the command's `cpu`/`memory` rounded up to the smallest Fargate size that holds them (256 CPU
 * units / 512 MiB when it asks for none). Throws, naming the field, for a command Fargate cannot run
 * (no execution role, too large): the server refuses such definitions, this catches older ones.
 */
function fargateTaskFields(
  cmd: DockerImageCommand,
): Pick<RegisterTaskDefinitionCommandInput, 'requiresCompatibilities' | 'networkMode' | 'cpu' | 'memory'> {
  const problems = fargateProblems(cmd);
  const size = fargateSize(cmd.cpu, cmd.memory);
  if (problems.length > 0 || !size) {
    const why = problems.map((p) => `docker_image_command.${p.field} ${p.problem}`);
    throw new Error(why.join('; '));
  }
  return {
    requiresCompatibilities: ['FARGATE'],
    networkMode: 'awsvpc',
    cpu: String(size.cpu),
    memory: String(size.memory),
  };
}

/** Whether a registered revision runs the same containers, with the same volumes, size and network mode, as the one we would register. */
export function taskDefinitionMatches(
  existing: TaskDefinition,
  wanted: RegisterTaskDefinitionCommandInput,
): boolean {
  const had = existing.containerDefinitions ?? [];
  const want = wanted.containerDefinitions ?? [];
  const volumes = (v: { name?: string }[] | undefined) => JSON.stringify((v ?? []).map((x) => x.name));
  return (
    existing.status === 'ACTIVE' &&
    had.length === want.length &&
    want.every((b, i) => containerMatches(had[i], b)) &&
    volumes(existing.volumes) === volumes(wanted.volumes) &&
    JSON.stringify(existing.requiresCompatibilities ?? []) ===
      JSON.stringify(wanted.requiresCompatibilities ?? []) &&
    (existing.networkMode ?? 'bridge') === (wanted.networkMode ?? 'bridge') &&
    (existing.cpu ?? '') === (wanted.cpu ?? '') &&
    (existing.memory ?? '') === (wanted.memory ?? '') &&
    (existing.taskRoleArn ?? '') === (wanted.taskRoleArn ?? '') &&
    (existing.executionRoleArn ?? '') === (wanted.executionRoleArn ?? '')
  );
}

/** The fields Sundial sets on a container, compared as ECS echoes them (absent lists as empty). */
function containerMatches(a: ContainerDefinition | undefined, b: ContainerDefinition): boolean {
  const mounts = (c: ContainerDefinition | undefined) =>
    JSON.stringify((c?.mountPoints ?? []).map((m) => [m.sourceVolume, m.containerPath, m.readOnly ?? false]));
  return (
    a?.name === b.name &&
    a?.image === b.image &&
    (a?.essential ?? true) === (b.essential ?? true) &&
    JSON.stringify(a?.command ?? []) === JSON.stringify(b.command ?? []) &&
    a?.cpu === b.cpu &&
    a?.memory === b.memory &&
    pairsKey(a?.environment) === pairsKey(b.environment) &&
    pairsKey(a?.secrets) === pairsKey(b.secrets) &&
    mounts(a) === mounts(b) &&
    JSON.stringify(a?.logConfiguration ?? {}) === JSON.stringify(b.logConfiguration ?? {})
  );
}

/**
 * RunTask, idempotent through its client token, with the Sundial environment as overrides. No
 * tags (they would need ecs:TagResource): `startedBy` ties the task to its Sundial task. Fargate
 * Spot goes through its capacity provider (RunTask takes a launch type or a strategy, not both);
 * awsvpc tasks get their subnets and security groups.
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
    ...launchFields(placement.launchType),
    ...(placement.network && {
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: placement.network.subnets,
          ...(placement.network.securityGroups && { securityGroups: placement.network.securityGroups }),
          ...(placement.network.assignPublicIp && { assignPublicIp: placement.network.assignPublicIp }),
        },
      },
    }),
    overrides: { containerOverrides: [{ name: ECS_CONTAINER, environment: keyValues([], env) }] },
  };
}

function launchFields(
  launchType: EcsLaunchType | undefined,
): Pick<RunTaskCommandInput, 'launchType' | 'capacityProviderStrategy'> {
  if (!launchType) return {};
  if (launchType === 'FARGATE_SPOT')
    return { capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] };
  return { launchType };
}

/** Where the awslogs driver writes a container's output: `prefix/container/task-id`. */
export function ecsLogStream(
  taskArn: string,
  container: typeof ECS_CONTAINER | typeof LOG_FILES_CONTAINER = ECS_CONTAINER,
): string {
  return `${ECS_STREAM_PREFIX}/${container}/${taskArn.split('/').pop()}`;
}
