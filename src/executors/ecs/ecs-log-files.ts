import type { ContainerDefinition, MountPoint, Volume } from '@aws-sdk/client-ecs';

/** The sidecar that follows a task's `log_paths`. */
export const LOG_FILES_CONTAINER = 'log-files';
/** Its image unless configured (`SUNDIAL_ECS_LOG_FILES_IMAGE`): any with `sh` and `tail -F`. */
export const DEFAULT_LOG_FILES_IMAGE = 'public.ecr.aws/docker/library/busybox:stable';
/** The task log's source of the lines read from those files. */
export const LOG_FILES_SOURCE = 'log-file';

/**
 * The sidecar's script: `tail -F` every file from its first line (waiting for files not written
 * yet, without headers or complaints), ignoring SIGTERM itself; when ECS stops the task (its
 * essential container exited) the shell gives it two seconds to read the last lines, then ends it.
 */
const FOLLOW_SCRIPT =
  '(trap "" TERM; exec tail -q -n +1 -F "$@" 2>/dev/null) & t=$!; ' +
  'trap "sleep 2; kill -9 $t" TERM; wait $t; wait $t';

/** What a task definition gains so that `log_paths` reach the task log. */
export interface LogFilesParts {
  volumes: Volume[];
  /** Mounted in the job's container, at each directory holding a listed file. */
  mountPoints: MountPoint[];
  sidecar: ContainerDefinition;
}

/**
 * `docker_image_command.log_paths` reach the task log through a sidecar: each directory holding a
 * listed file becomes a volume shared by the job's container (read-write, at that path) and a
 * non-essential `log-files` container (read-only, same path), which `tail -F`s the files to its
 * stdout; its awslogs stream (`<prefix>/log-files/<task-id>`) is followed into the task log like
 * the job's own. A volume hides what the image has in that directory: list files in a directory
 * of their own (e.g. `/var/log/app/`). Undefined without log_paths.
 *
 * @example
 * logFilesParts(['/var/log/app/out.log'], 'busybox:stable', logConfiguration)?.mountPoints
 * // [{ sourceVolume: 'sundial-log-files-0', containerPath: '/var/log/app' }]
 */
export function logFilesParts(
  logPaths: readonly string[] | undefined,
  image: string,
  logConfiguration: ContainerDefinition['logConfiguration'],
): LogFilesParts | undefined {
  if (!logPaths?.length) return undefined;
  const dirs = [...new Set(logPaths.map((p) => p.slice(0, p.lastIndexOf('/')) || '/'))];
  const volumes = dirs.map((_, i) => ({ name: `sundial-log-files-${i}` }));
  const mountPoints = dirs.map((containerPath, i) => ({ sourceVolume: volumes[i]!.name, containerPath }));
  return {
    volumes,
    mountPoints,
    sidecar: {
      name: LOG_FILES_CONTAINER,
      image,
      essential: false,
      command: ['sh', '-c', FOLLOW_SCRIPT, 'sh', ...logPaths],
      mountPoints: mountPoints.map((m) => ({ ...m, readOnly: true })),
      logConfiguration,
    },
  };
}
