import type { TaskStatus } from '../../domain/types.js';
import type { JobCost } from '../aws/price-table.js';
import type { PollTarget } from '../aws/shared-poller.js';
import type { ClusterWatch } from './emr-cluster-poll.js';
import type { EmrRun, EmrState } from './emr-submit.js';

/** What the EMR executor follows of one task: its cluster, its steps and what it told so far. */
export interface EmrTarget extends PollTarget, ClusterWatch {
  run: EmrRun;
  region: string;
  clusterId: string;
  newCluster: boolean;
  /** Our steps, oldest first; learnt from the first ListSteps for a new cluster. */
  stepIds?: string[];
  logUri?: string;
  logsWatched: boolean;
  status?: TaskStatus;
  missing: number;
  /** The cluster state (with its reason) last told in the task log. */
  toldState?: string;
  killed: boolean;
  spotLosses: number;
  lostClusters: string[];
  cost?: JobCost;
}

/**
 * The target of a task from its recorded state. Created clusters of a region are watched
 * together; steps on an existing cluster per cluster.
 *
 * @example
 * emrTarget(run, { region: 'us-east-1', clusterId: 'j-1', newCluster: true }).group // 'us-east-1|created'
 */
export function emrTarget(run: EmrRun, s: EmrState & { region: string; clusterId: string }): EmrTarget {
  return {
    taskId: run.taskId,
    group: s.newCluster ? `${s.region}|created` : `${s.region}|${s.clusterId}`,
    run,
    region: s.region,
    clusterId: s.clusterId,
    newCluster: s.newCluster ?? false,
    ...(s.stepIds && { stepIds: s.stepIds }),
    ...(s.logUri !== undefined && { logUri: s.logUri }),
    logsWatched: false,
    missing: 0,
    endedChecks: 0,
    killed: false,
    spotLosses: s.spotLosses ?? 0,
    lostClusters: s.lostClusters ?? [],
    ...(s.cost && { cost: s.cost }),
  };
}

/** The task moved to a fresh cluster (after a spot loss): what was learnt of the old one goes. */
export function moveToCluster(t: EmrTarget, clusterId: string): void {
  Object.assign(t, { clusterId, missing: 0, endedChecks: 0, logsWatched: false });
  for (const key of ['stepIds', 'clusterState', 'stepsCheckedAt', 'status', 'logUri'] as const) delete t[key];
}

/** When the first of these tasks started: their clusters were created after it. */
export const oldestStart = (targets: EmrTarget[]) =>
  new Date(Math.min(...targets.map((t) => t.run.startedAt.getTime())));
