import type { TaskDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * `docker_image_command.log_paths` are files inside the container that a sidecar follows into the
 * task log: each must be an absolute path to a file (not a directory), one per line of text.
 *
 * @example
 * checkEcsLogPaths([{ task_definition_name: 'web', executable: { docker_image_command: { log_paths: ['app.log'], … } }, … }])
 * // [{ field: 'task_definitions[0].executable.docker_image_command.log_paths[0]', problem: 'must be an absolute path to a file …' }]
 */
export function checkEcsLogPaths(tasks: readonly TaskDefinition[]): FieldProblem[] {
  return tasks.flatMap((t, i) => {
    const exe = t.executable;
    if (!('docker_image_command' in exe)) return [];
    return (exe.docker_image_command.log_paths ?? []).flatMap((path, j) =>
      /^\/[^\0\n]*[^/]$/.test(path)
        ? []
        : [
            {
              field: `task_definitions[${i}].executable.docker_image_command.log_paths[${j}]`,
              problem: 'must be an absolute path to a file inside the container (e.g. /var/log/app/out.log)',
            },
          ],
    );
  });
}
