import { awsValueFrom, parseSecretReference } from '../../domain/secret-reference.js';
import type { EnvironmentVariable } from '../../domain/types.js';
import type { ExecutorHost, TaskRun } from '../executor.js';

/**
 * `text` reduced to what AWS names allow almost everywhere (letters, digits, `-`, `_`, starting
 * with a letter or digit), at most `max` characters.
 *
 * @example
 * safeName('nightly etl/load', 20) // 'nightly-etl-load'
 */
export function safeName(text: string, max: number): string {
  const cleaned = text
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, max);
  return cleaned || 'x';
}

/** The definition a job belongs to, as Batch job definition / ECS family names (stable across runs). */
export function definitionFamily(run: Pick<TaskRun, 'definitionName' | 'taskDefinitionName'>): string {
  return `sundial-${safeName(run.definitionName, 80)}-${safeName(run.taskDefinitionName, 80)}`;
}

/** Tags tying an AWS resource to its Sundial task, as key/value pairs. */
export function sundialTags(
  run: Pick<TaskRun, 'taskId' | 'processId' | 'definitionName' | 'taskDefinitionName'>,
): Record<string, string> {
  return {
    'sundial:task-id': run.taskId,
    'sundial:process-id': run.processId,
    'sundial:definition': run.definitionName.slice(0, 256),
    'sundial:task-definition': run.taskDefinitionName.slice(0, 256),
  };
}

export const TASK_ID_TAG = 'sundial:task-id';
/** On an EMR cluster created after a spot loss: how many spot losses came before it. */
export const SPOT_RETRY_TAG = 'sundial:spot-retry';

/**
 * The environment an AWS job gets: Sundial's (`SUNDIAL_URL`, `SUNDIAL_TASK_ID`, …) plus the
 * original Sundial's `sundial.url`, so jobs written for either can call back.
 *
 * @example
 * awsJobEnvironment(host, run)['sundial.url'] // 'http://sundial.internal:8080'
 */
export function awsJobEnvironment(host: Pick<ExecutorHost, 'jobEnvironment'>, run: TaskRun) {
  const env = host.jobEnvironment(run);
  return env.SUNDIAL_URL ? { ...env, 'sundial.url': env.SUNDIAL_URL } : env;
}

/**
 * `{ name, value }` pairs (Batch and ECS environment lists), user variables first, ours winning.
 * Variables with a secret are not among them: they go in `secrets` (see {@link secretValueFroms}).
 */
export function keyValues(
  user: readonly EnvironmentVariable[] | undefined,
  ours: Record<string, string> = {},
): { name: string; value: string }[] {
  const merged = new Map<string, string>();
  for (const v of user ?? []) if (v.value !== undefined) merged.set(v.variable_name, v.value);
  for (const [name, value] of Object.entries(ours)) merged.set(name, value);
  return [...merged].map(([name, value]) => ({ name, value }));
}

/**
 * A container's `secrets` (Batch and ECS): AWS reads each `valueFrom` with the execution role when
 * the container starts, so the value never passes through Sundial. Validation admits only
 * references AWS can read; anything else here is a bug, not a silent skip.
 *
 * @example
 * secretValueFroms([{ variable_name: 'PW', secret: 'ssm:/prod/db' }]) // [{ name: 'PW', valueFrom: '/prod/db' }]
 */
export function secretValueFroms(
  user: readonly EnvironmentVariable[] | undefined,
): { name: string; valueFrom: string }[] {
  return (user ?? []).flatMap((v) => {
    if (v.secret === undefined) return [];
    const ref = parseSecretReference(v.secret);
    const valueFrom = typeof ref === 'string' ? undefined : awsValueFrom(ref);
    if (!valueFrom) throw new Error(`${v.variable_name}: secret '${v.secret}' cannot be read by AWS itself`);
    return [{ name: v.variable_name, valueFrom }];
  });
}

/** An order-free key of name/value pairs (environment lists, container secrets), to compare two revisions. */
export function pairsKey(
  list: readonly { name?: string; value?: string; valueFrom?: string }[] | undefined,
): string {
  return JSON.stringify((list ?? []).map((e) => [e.name ?? '', e.value ?? e.valueFrom ?? '']).sort());
}
