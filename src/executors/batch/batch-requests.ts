import type {
  JobDefinition,
  ListJobsCommandInput,
  RegisterJobDefinitionCommandInput,
  SubmitJobCommandInput,
} from '@aws-sdk/client-batch';
import type { BatchImageCommand } from '../../domain/types.js';
import { definitionFamily, keyValues, pairsKey, safeName, secretValueFroms } from '../aws/aws-names.js';
import type { TaskRun } from '../executor.js';

/**
 * The AWS Batch requests of a `batch_image_command`, as pure functions: the executor sends them,
 * `sundial plan` prints them.
 */

type RunNames = Pick<TaskRun, 'taskId' | 'processId' | 'definitionName' | 'taskDefinitionName'>;

/** Deterministic, so a replay after a crash can find the job by name. */
export function batchJobName(run: RunNames): string {
  return `sundial-${safeName(run.taskDefinitionName, 60)}-${run.taskId}`;
}

export function batchImage(cmd: BatchImageCommand): string {
  return cmd.tag ? `${cmd.image}:${cmd.tag}` : cmd.image;
}

/**
 * The job definition of a task definition. Only what the user wrote goes in: per-run values
 * (task id, URL) travel as container overrides, so repeated runs reuse one revision.
 *
 * @example
 * registerJobDefinitionInput(run, { image: 'etl', tag: '1.2', command: ['run'], memory: 512 })
 */
export function registerJobDefinitionInput(
  run: RunNames,
  cmd: BatchImageCommand,
): RegisterJobDefinitionCommandInput {
  const secrets = secretValueFroms(cmd.environment_variables);
  return {
    jobDefinitionName: definitionFamily(run),
    type: 'container',
    containerProperties: {
      image: batchImage(cmd),
      command: cmd.command,
      ...(cmd.job_role_arn && { jobRoleArn: cmd.job_role_arn }),
      ...(cmd.execution_role_arn && { executionRoleArn: cmd.execution_role_arn }),
      environment: keyValues(cmd.environment_variables),
      ...(secrets.length > 0 && { secrets }),
      resourceRequirements: [
        { type: 'VCPU', value: String(cmd.vCpus ?? 1) },
        { type: 'MEMORY', value: String(cmd.memory) },
      ],
    },
  };
}

const resource = (
  props: JobDefinition['containerProperties'],
  type: 'VCPU' | 'MEMORY',
  legacy: number | undefined,
): string | undefined =>
  props?.resourceRequirements?.find((r) => r.type === type)?.value ?? legacy?.toString();

/** Whether a registered revision runs the same container as the one we would register. */
export function jobDefinitionMatches(
  existing: JobDefinition,
  wanted: RegisterJobDefinitionCommandInput,
): boolean {
  const a = existing.containerProperties;
  const b = wanted.containerProperties;
  return (
    existing.status === 'ACTIVE' &&
    a?.image === b?.image &&
    JSON.stringify(a?.command ?? []) === JSON.stringify(b?.command ?? []) &&
    (a?.jobRoleArn ?? '') === (b?.jobRoleArn ?? '') &&
    (a?.executionRoleArn ?? '') === (b?.executionRoleArn ?? '') &&
    pairsKey(a?.environment) === pairsKey(b?.environment) &&
    pairsKey(a?.secrets) === pairsKey(b?.secrets) &&
    resource(a, 'VCPU', a?.vcpus) === resource(b, 'VCPU', undefined) &&
    resource(a, 'MEMORY', a?.memory) === resource(b, 'MEMORY', undefined)
  );
}

/**
 * SubmitJob with the job's Sundial environment as overrides. No tags: they would need
 * batch:TagResource, and the deterministic job name already ties the job to its task.
 */
export function submitJobInput(
  run: RunNames,
  jobQueue: string,
  jobDefinition: string,
  env: Record<string, string>,
): SubmitJobCommandInput {
  return {
    jobName: batchJobName(run),
    jobQueue,
    jobDefinition,
    containerOverrides: { environment: keyValues([], env) },
  };
}

/** Jobs of any status with this task's job name: how a replay finds an earlier submission. */
export function findJobInput(run: RunNames, jobQueue: string): ListJobsCommandInput {
  return { jobQueue, filters: [{ name: 'JOB_NAME', values: [batchJobName(run)] }] };
}
