import type { TaskRun } from './executor.js';

/**
 * What every job gets in its environment so it can call back: the API's
 * URL, its own ids, how many attempts came before it, and the task token
 * that lets it report on its own task (and nothing else) while it runs.
 *
 * @example
 * jobEnvironment(run, 'http://sundial:8080', 'sdt_…').SUNDIAL_TASK_ID // run.taskId
 */
export function jobEnvironment(run: TaskRun, publicUrl: string, taskToken?: string): Record<string, string> {
  return {
    ...(taskToken && { SUNDIAL_TASK_TOKEN: taskToken }),
    SUNDIAL_URL: publicUrl,
    SUNDIAL_TASK_ID: run.taskId,
    SUNDIAL_PROCESS_ID: run.processId,
    SUNDIAL_PROCESS_DEFINITION_NAME: run.definitionName,
    SUNDIAL_TASK_DEFINITION_NAME: run.taskDefinitionName,
    SUNDIAL_TASK_PREVIOUS_ATTEMPTS: String(run.attempt),
  };
}
