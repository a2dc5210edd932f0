import { checkDag } from './dag.js';
import { checkCron } from './schedule.js';
import { checkModel } from './schema/schema-validator.js';
import type { ProcessDefinition } from './types.js';
import { ValidationError } from './validation-error.js';

/**
 * Validates a process definition completely (shape, DAG, schedule) and
 * returns it typed, or throws a {@link ValidationError} listing every problem.
 *
 * @example
 * const def = validateDefinition(JSON.parse(text), { urlName: 'nightly' });
 */
export function validateDefinition(
  body: unknown,
  options: { urlName?: string; now?: Date } = {},
): ProcessDefinition {
  const shape = checkModel('process_definition', body);
  if (shape.length > 0) throw new ValidationError(shape);
  const def = body as ProcessDefinition;
  const problems = [...checkDag(def.task_definitions)];
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
