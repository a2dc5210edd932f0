import { awsValueFrom, parseSecretReference } from './secret-reference.js';
import type { EnvironmentVariable, TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/** Executables whose containers AWS starts: they read their secrets themselves (`valueFrom`). */
const AWS_CONTAINERS: Record<string, string> = { batch_image_command: 'Batch', docker_image_command: 'ECS' };

/**
 * Each environment variable has either a `value` or a `secret` reference that parses; Batch and
 * ECS tasks take only references AWS can read itself, and an `execution_role_arn` to read them with.
 *
 * @example
 * checkSecretVariables([{ …, executable: { shell_script_command: { script: 'x',
 *   environment_variables: [{ variable_name: 'PW', secret: 'env:' }] } } }])
 * // [{ field: 'task_definitions[0].executable.shell_script_command.environment_variables[0].secret', problem: 'env: takes …' }]
 */
export function checkSecretVariables(tasks: readonly TaskDefinition[]): FieldProblem[] {
  return tasks.flatMap((t, i) => {
    const [kind, command] = Object.entries(t.executable)[0] ?? [];
    const vars = (command as { environment_variables?: EnvironmentVariable[] } | undefined)
      ?.environment_variables;
    if (!kind || !vars) return [];
    const base = `task_definitions[${i}].executable.${kind}`;
    const problems: FieldProblem[] = vars.flatMap((v, j) =>
      variableProblems(v, `${base}.environment_variables[${j}]`, AWS_CONTAINERS[kind]),
    );
    const role = (command as { execution_role_arn?: string }).execution_role_arn;
    if (AWS_CONTAINERS[kind] && !role && vars.some((v) => v.secret !== undefined)) {
      problems.push({
        field: `${base}.execution_role_arn`,
        problem: `is required when environment variables reference secrets: ${AWS_CONTAINERS[kind]} reads them with this role`,
      });
    }
    return problems;
  });
}

function variableProblems(
  v: EnvironmentVariable,
  field: string,
  awsService: string | undefined,
): FieldProblem[] {
  if (v.value !== undefined && v.secret !== undefined)
    return [{ field, problem: 'has both a value and a secret; give one of them' }];
  if (v.secret === undefined) {
    return v.value === undefined ? [{ field, problem: 'needs a value or a secret' }] : [];
  }
  const ref = parseSecretReference(v.secret);
  if (typeof ref === 'string') return [{ field: `${field}.secret`, problem: ref }];
  if (awsService && awsValueFrom(ref) === undefined) {
    return [
      {
        field: `${field}.secret`,
        problem:
          `${awsService} reads a task's secrets itself, so it takes a Secrets Manager ARN or an SSM parameter ` +
          '(ssm:/name or its ARN); env:, file: and secrets named without ARN are for shell tasks',
      },
    ];
  }
  return [];
}
