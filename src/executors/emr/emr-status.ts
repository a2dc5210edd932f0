import type { Cluster, StepSummary } from '@aws-sdk/client-emr';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import type { TaskStatus } from '../../domain/types.js';

/** What the outcome needs of a cluster: DescribeCluster's answer or a ListClusters summary will do. */
export type ClusterView = Pick<Cluster, 'Id' | 'Status'>;

/** Where a task's steps stand: still going (with a status), or ended (with a result). */
export type StepsOutcome = { status: TaskStatus } | { result: ExecutorResult };

const UNSUCCESSFUL = ['FAILED', 'CANCELLED', 'INTERRUPTED'];

/** True when the steps ended without success: the cluster's own reason then belongs in the message. */
export function needsClusterReason(steps: StepSummary[]): boolean {
  return steps.some((s) => UNSUCCESSFUL.includes(s.Status?.State ?? ''));
}

/**
 * The task's state from its steps: any failed → failed (with EMR's failure details); any
 * cancelled or interrupted → failed with that reason; all completed → succeeded; any running →
 * running; otherwise (pending) → starting. `cluster`, when given, adds why the cluster changed
 * state (a Spot loss, a bootstrap failure, a termination).
 *
 * @example
 * emrOutcome([{ Id: 's-1', Name: 'etl', Status: { State: 'COMPLETED' } }]) // { result: { succeeded: true } }
 */
export function emrOutcome(steps: StepSummary[], cluster?: ClusterView): StepsOutcome {
  const failed = steps.find((s) => s.Status?.State === 'FAILED');
  const stopped = steps.find((s) => s.Status?.State === 'CANCELLED' || s.Status?.State === 'INTERRUPTED');
  if (failed || stopped) {
    return { result: { succeeded: false, reason: failureReason((failed ?? stopped)!, cluster) } };
  }
  const states = steps.map((s) => s.Status?.State);
  if (states.length > 0 && states.every((s) => s === 'COMPLETED')) return { result: { succeeded: true } };
  if (states.some((s) => s === 'RUNNING' || s === 'CANCEL_PENDING' || s === 'COMPLETED'))
    return { status: 'running' };
  return { status: 'starting' };
}

function failureReason(step: StepSummary, cluster: ClusterView | undefined): string {
  const status = step.Status;
  const details = status?.FailureDetails;
  const parts = [details?.Reason, details?.Message, status?.StateChangeReason?.Message].filter(
    (p): p is string => Boolean(p),
  );
  const log = details?.LogFile ? ` (log: ${details.LogFile})` : '';
  const verb = status?.State === 'FAILED' ? 'failed' : `was ${status?.State?.toLowerCase()}`;
  const stepPart = `EMR step "${step.Name}" (${step.Id}) ${verb}${parts.length ? `: ${parts.join(': ')}` : ''}${log}`;
  const c = cluster?.Status;
  if (!c?.State || c.State === 'RUNNING' || c.State === 'WAITING') return stepPart;
  const why = [c.StateChangeReason?.Code, c.StateChangeReason?.Message].filter(Boolean).join(': ');
  const clusterPart = `cluster ${cluster?.Id} ${c.State}${why ? ` (${why})` : ''}`;
  // A cluster that died under steps that did not fail themselves is the story; the steps follow.
  if (status?.State !== 'FAILED' && c.State === 'TERMINATED_WITH_ERRORS') {
    return `EMR ${clusterPart} before the steps finished; ${stepPart}`;
  }
  return `${stepPart}; ${clusterPart}`;
}

/**
 * The cluster ended although the steps did not say so (they normally end with it, as CANCELLED
 * or INTERRUPTED): the task failed with the cluster's reason.
 *
 * @example
 * clusterEndedFirst({ Id: 'j-1', Status: { State: 'TERMINATED' } }, [step])
 * // { succeeded: false, reason: 'EMR cluster j-1 TERMINATED before the steps finished (s-1 PENDING)' }
 */
export function clusterEndedFirst(cluster: ClusterView, steps: StepSummary[]): ExecutorResult {
  const c = cluster.Status;
  const why = [c?.StateChangeReason?.Code, c?.StateChangeReason?.Message].filter(Boolean).join(': ');
  const left = steps
    .filter((s) => s.Status?.State !== 'COMPLETED')
    .map((s) => `${s.Id} ${s.Status?.State}`)
    .join(', ');
  return {
    succeeded: false,
    reason: `EMR cluster ${cluster.Id} ${c?.State}${why ? ` (${why})` : ''} before the steps finished${left ? ` (${left})` : ''}`,
  };
}
