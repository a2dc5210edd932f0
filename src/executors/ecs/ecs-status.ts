import type { Task } from '@aws-sdk/client-ecs';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import type { TaskStatus } from '../../domain/types.js';
import { ECS_CONTAINER } from './ecs-requests.js';

const ACTIVE: Record<string, TaskStatus> = {
  PROVISIONING: 'pending',
  PENDING: 'pending',
  ACTIVATING: 'starting',
  RUNNING: 'running',
  DEACTIVATING: 'running',
  STOPPING: 'running',
  DEPROVISIONING: 'running',
};

/** Sundial's status of an ECS task that has not stopped; undefined once it has. */
export function ecsTaskStatus(task: Task): TaskStatus | undefined {
  return task.lastStatus ? ACTIVE[task.lastStatus] : undefined;
}

/** Stops that end the job before its time, whatever its exit code (Fargate Spot sends SIGTERM on reclaim). */
const CUT_SHORT = new Set(['UserInitiated', 'TaskFailedToStart', 'SpotInterruption']);

/**
 * The result of a stopped ECS task: success when its container exited 0 on its own.
 *
 * @example
 * ecsTaskResult({ taskArn: 'arn:…/abc', lastStatus: 'STOPPED', stopCode: 'EssentialContainerExited',
 *   stoppedReason: 'Essential container in task exited', containers: [{ name: 'job', exitCode: 2 }] })
 * // { succeeded: false, reason: 'ECS task abc stopped: Essential container in task exited (container exit code 2)' }
 */
export function ecsTaskResult(task: Task): ExecutorResult | undefined {
  if (task.lastStatus !== 'STOPPED') return undefined;
  const container = task.containers?.find((c) => c.name === ECS_CONTAINER) ?? task.containers?.[0];
  if (container?.exitCode === 0 && !CUT_SHORT.has(task.stopCode ?? '')) return { succeeded: true };
  const details = [
    container?.exitCode !== undefined ? `container exit code ${container.exitCode}` : undefined,
    container?.reason,
  ].filter(Boolean);
  const id = task.taskArn?.split('/').pop();
  const why = task.stoppedReason ?? task.stopCode ?? 'no reason given';
  return {
    succeeded: false,
    reason: `ECS task ${id} stopped: ${why}${details.length ? ` (${details.join('; ')})` : ''}`,
  };
}
