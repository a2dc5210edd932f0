import type { TaskRun } from './executor.js';

/**
 * What every job gets in its environment so it can call back: the API's
 * URL, its own ids, and how many attempts came before it.
 *
 * @example
 * jobEnvironment(run, 'http://sundial:8080').SUNDIAL_TASK_ID // run.taskId
 */
export function jobEnvironment(run: TaskRun, publicUrl: string): Record<string, string> {
  return {
    SUNDIAL_URL: publicUrl,
    SUNDIAL_TASK_ID: run.taskId,
    SUNDIAL_PROCESS_ID: run.processId,
    SUNDIAL_PROCESS_DEFINITION_NAME: run.definitionName,
    SUNDIAL_TASK_DEFINITION_NAME: run.taskDefinitionName,
    SUNDIAL_TASK_PREVIOUS_ATTEMPTS: String(run.attempt),
  };
}
