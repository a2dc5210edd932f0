import { checkDag } from './dag.js';
import { checkEcsLogPaths } from './ecs-log-paths.js';
import { checkEmrClusters } from './emr-cluster-rules.js';
import { checkFargateTasks } from './fargate-size.js';
import { checkNotificationUrls, withSubscriptions } from './notification-input.js';
import { MAX_TASKS, nameProblem, textProblems } from './safe-input.js';
import { checkCron } from './schedule.js';
import { checkModel } from './schema/schema-validator.js';
import { checkSecretVariables } from './secret-rules.js';
import type { ProcessDefinition } from './types.js';
import { ValidationError } from './validation-error.js';

/**
 * Validates a process definition completely (shape, DAG, schedule,
 * notification URLs) and returns it typed, with the original docs'
 * `subscriptions` folded into `notifications`, or throws a {@link ValidationError} listing every problem.
 *
 * @example
 * const def = validateDefinition(JSON.parse(text), { urlName: 'nightly' });
 */
export function validateDefinition(
  body: unknown,
  options: {
    urlName?: string;
    now?: Date;
    /** The server runs ECS tasks on Fargate: their commands must fit it ({@link checkFargateTasks}). */
    ecsFargate?: boolean;
  } = {},
): ProcessDefinition {
  // Text PostgreSQL cannot store, and hostile nesting, before anything walks the document.
  const text = textProblems(body);
  if (text.length > 0) throw new ValidationError(text);
  const shape = checkModel('process_definition', body);
  if (shape.length > 0) throw new ValidationError(shape);
  // A definition read from the API carries its computed next_run_time; sending it back is harmless.
  const { next_run_time: _computed, ...given } = body as ProcessDefinition & { next_run_time?: string };
  const def = withSubscriptions(given);
  if (def.task_definitions.length > MAX_TASKS) {
    const problem = `holds ${def.task_definitions.length} tasks; at most ${MAX_TASKS} are allowed`;
    throw new ValidationError([{ field: 'task_definitions', problem }]);
  }
  const problems = [
    ...nameProblems(def),
    ...checkDag(def.task_definitions),
    ...checkEmrClusters(def.task_definitions),
    ...checkEcsLogPaths(def.task_definitions),
    ...(options.ecsFargate ? checkFargateTasks(def.task_definitions) : []),
    ...checkSecretVariables(def.task_definitions),
    ...checkNotificationUrls(def.notifications ?? []),
  ];
  if (options.urlName !== undefined && options.urlName !== def.process_definition_name) {
    problems.push({
      field: 'process_definition_name',
      problem: `'${def.process_definition_name}' does not match the name in the URL ('${options.urlName}')`,
    });
  }
  if (def.schedule && 'cron_schedule' in def.schedule) {
    problems.push(...checkCron(def.schedule.cron_schedule, options.now ?? new Date()));
  }
  if (problems.length > 0) throw new ValidationError(problems);
  return def;
}

function nameProblems(def: ProcessDefinition) {
  const names = [
    { field: 'process_definition_name', name: def.process_definition_name },
    ...def.task_definitions.map((t, i) => ({
      field: `task_definitions[${i}].task_definition_name`,
      name: t.task_definition_name,
    })),
  ];
  return names.flatMap(({ field, name }) => {
    const problem = nameProblem(name);
    return problem ? [{ field, problem }] : [];
  });
}
