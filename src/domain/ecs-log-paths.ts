import type { TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * `docker_image_command.log_paths` (files inside the container that the original streamed to
 * CloudWatch) are not followed by this Sundial: rather than accept and silently ignore them, a
 * definition that lists any is refused, saying what to do instead. An empty list is accepted.
 *
 * @example
 * checkEcsLogPaths([{ task_definition_name: 'web', executable: { docker_image_command: { log_paths: ['/var/log/app.log'], … } }, … }])
 * // [{ field: 'task_definitions[0].executable.docker_image_command.log_paths', problem: 'is not supported: …' }]
 */
export function checkEcsLogPaths(tasks: readonly TaskDefinition[]): FieldProblem[] {
  return tasks.flatMap((t, i) => {
    const exe = t.executable;
    if (!('docker_image_command' in exe) || !exe.docker_image_command.log_paths?.length) return [];
    return [
      {
        field: `task_definitions[${i}].executable.docker_image_command.log_paths`,
        problem:
          'is not supported: files inside the container are not followed; write the lines to stdout or ' +
          'stderr (they reach the task log through awslogs), or leave log_paths empty',
      },
    ];
  });
}
