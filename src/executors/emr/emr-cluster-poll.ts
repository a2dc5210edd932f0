import type { ClusterSummary } from '@aws-sdk/client-emr';
import { ENDED_CLUSTER_STATES } from './emr-lookup.js';

/** What the executor remembers between polls of a cluster it created. */
export interface ClusterWatch {
  /** The cluster state the steps were last listed in. */
  clusterState?: string;
  /** When the steps were last listed (ms). */
  stepsCheckedAt?: number;
  /** Polls that found the cluster ended while its steps had not (yet) said so. */
  endedChecks: number;
}

/**
 * How often the steps of a cluster whose state did not change are listed anyway. A cluster we
 * create runs only our steps and ends with the last one (or with a failed one), so a change of
 * its state is what tells of the task's end; this catches what a state keeps quiet about (a step
 * cancelled from outside while later steps run on).
 */
export const STEPS_REFRESH_MS = 5 * 60_000;

/**
 * Whether this poll must list a created cluster's steps: the first time, when its state changed
 * since (STARTING → RUNNING → TERMINATING…), while it is missing from ListClusters (just
 * created), while it has ended but the task has not, and every `refreshMs` otherwise.
 *
 * @example
 * stepsDue({ clusterState: 'RUNNING', stepsCheckedAt: now - 1000, endedChecks: 0 }, summary('RUNNING'), now, 300_000) // false
 */
export function stepsDue(
  w: ClusterWatch,
  summary: ClusterSummary | undefined,
  now: number,
  refreshMs: number,
): boolean {
  const state = summary?.Status?.State;
  if (!state || state !== w.clusterState || w.stepsCheckedAt === undefined) return true;
  if (ENDED_CLUSTER_STATES.includes(state)) return true;
  return now - w.stepsCheckedAt >= refreshMs;
}

/**
 * The ListClusters summary, when it can tell why the steps of its cluster ended badly: only once
 * the cluster is ending. The summary is read before the steps are listed, so a cluster that died
 * in between (a bootstrap failure cancelling every step) still shows its earlier state there,
 * without the reason; then DescribeCluster must be asked.
 *
 * @example
 * endingSummary({ Id: 'j-1', Status: { State: 'BOOTSTRAPPING' } }) // undefined: ask DescribeCluster
 */
export function endingSummary(summary: ClusterSummary | undefined): ClusterSummary | undefined {
  const state = summary?.Status?.State;
  return state === 'TERMINATING' || (state && ENDED_CLUSTER_STATES.includes(state)) ? summary : undefined;
}

/**
 * A created cluster's state with EMR's reason for it, as the task log tells it.
 *
 * @example
 * clusterStateLine('j-1', { Status: { State: 'TERMINATING', StateChangeReason: { Code: 'BOOTSTRAP_FAILURE' } } })
 * // 'EMR cluster j-1 is TERMINATING: BOOTSTRAP_FAILURE'
 */
export function clusterStateLine(clusterId: string, summary: ClusterSummary | undefined): string | undefined {
  const status = summary?.Status;
  if (!status?.State) return undefined;
  const why = [status.StateChangeReason?.Code, status.StateChangeReason?.Message].filter(Boolean).join(': ');
  return `EMR cluster ${clusterId} is ${status.State}${why ? `: ${why}` : ''}`;
}
