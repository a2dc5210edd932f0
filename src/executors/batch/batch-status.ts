import type { JobDetail } from '@aws-sdk/client-batch';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import type { TaskStatus } from '../../domain/types.js';

const ACTIVE: Record<string, TaskStatus> = {
  SUBMITTED: 'submitted',
  PENDING: 'pending',
  RUNNABLE: 'runnable',
  STARTING: 'starting',
  RUNNING: 'running',
};

/** Sundial's status of a Batch job that has not ended; undefined once it has. */
export function batchTaskStatus(job: JobDetail): TaskStatus | undefined {
  return job.status ? ACTIVE[job.status] : undefined;
}

/**
 * The result of a Batch job that ended, with the status reason and the container's exit code.
 *
 * @example
 * batchJobResult({ jobId: 'j1', status: 'FAILED', statusReason: 'Essential container in task exited',
 *   container: { exitCode: 3 } })
 * // { succeeded: false, reason: 'AWS Batch job j1 failed: Essential container in task exited (container exit code 3)' }
 */
export function batchJobResult(job: JobDetail): ExecutorResult | undefined {
  if (job.status === 'SUCCEEDED') return { succeeded: true };
  if (job.status !== 'FAILED') return undefined;
  const container = job.container ?? job.attempts?.at(-1)?.container;
  const details = [
    container?.exitCode !== undefined ? `container exit code ${container.exitCode}` : undefined,
    container?.reason,
  ].filter(Boolean);
  const why = job.statusReason ?? 'no reason given';
  return {
    succeeded: false,
    reason: `AWS Batch job ${job.jobId} failed: ${why}${details.length ? ` (${details.join('; ')})` : ''}`,
  };
}
