import {
  type ClusterState,
  type ClusterSummary,
  DescribeClusterCommand,
  type EMRClient,
  ListClustersCommand,
  ListStepsCommand,
  type StepSummary,
} from '@aws-sdk/client-emr';
import { SPOT_RETRY_TAG, TASK_ID_TAG } from '../aws/aws-names.js';
import { stepMark } from './emr-steps.js';

/** How far before a task's start its cluster or steps may seem to have been created (clock skew). */
const SKEW_MS = 5 * 60_000;

export const ACTIVE_CLUSTER_STATES: ClusterState[] = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING'];
export const ENDED_CLUSTER_STATES: ClusterState[] = ['TERMINATED', 'TERMINATED_WITH_ERRORS'];
const ALL_CLUSTER_STATES: ClusterState[] = [...ACTIVE_CLUSTER_STATES, 'TERMINATING', ...ENDED_CLUSTER_STATES];

/**
 * The state of each of these clusters, from ListClusters (every state, created since `since`
 * less the clock skew, newest first): one call for up to 50 clusters, more pages only until all
 * are found. A cluster missing from the answer (just created, or listed late) is not in the map.
 *
 * @example
 * const states = await clusterStates(emr, oldestTaskStart, ['j-1', 'j-2']);
 * states.get('j-1')?.Status?.State // 'RUNNING'
 */
export async function clusterStates(
  emr: EMRClient,
  since: Date,
  clusterIds: readonly string[],
): Promise<Map<string, ClusterSummary>> {
  const wanted = new Set(clusterIds);
  const found = new Map<string, ClusterSummary>();
  let Marker: string | undefined;
  do {
    const page = await emr.send(
      new ListClustersCommand({
        CreatedAfter: new Date(since.getTime() - SKEW_MS),
        ClusterStates: ALL_CLUSTER_STATES,
        Marker,
      }),
    );
    for (const c of page.Clusters ?? []) if (c.Id && wanted.has(c.Id)) found.set(c.Id, c);
    Marker = page.Marker;
  } while (Marker && found.size < wanted.size);
  return found;
}

/**
 * The cluster a RunJobFlow of this task created, in any state, if there is one: clusters of that
 * name created since the task started, told apart by their `sundial:task-id` tag (and, for the
 * fresh clusters after spot losses, their `sundial:spot-retry` number).
 *
 * @example
 * const clusterId = await findTaskCluster(emr, { taskId, name: 'My Cluster Name', since: run.startedAt });
 */
export async function findTaskCluster(
  emr: EMRClient,
  task: { taskId: string; name: string; since: Date; spotRetry?: number },
): Promise<string | undefined> {
  const retry = String(task.spotRetry ?? 0);
  let Marker: string | undefined;
  do {
    const page = await emr.send(
      new ListClustersCommand({ CreatedAfter: new Date(task.since.getTime() - SKEW_MS), Marker }),
    );
    for (const c of page.Clusters ?? []) {
      if (c.Name !== task.name || !c.Id) continue;
      const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: c.Id }));
      const tags = Cluster?.Tags ?? [];
      const ofTask = tags.some((t) => t.Key === TASK_ID_TAG && t.Value === task.taskId);
      const ofRetry = (tags.find((t) => t.Key === SPOT_RETRY_TAG)?.Value ?? '0') === retry;
      if (ofTask && ofRetry) return c.Id;
    }
    Marker = page.Marker;
  } while (Marker);
  return undefined;
}

/**
 * Steps of a cluster, newest first, until `enough` says so or steps get older than `since`: one
 * ListSteps call when the steps we follow are recent, as they are.
 */
export async function recentSteps(
  emr: EMRClient,
  clusterId: string,
  since: Date,
  enough: (found: StepSummary[]) => boolean,
): Promise<StepSummary[]> {
  const found: StepSummary[] = [];
  const oldest = since.getTime() - SKEW_MS;
  let Marker: string | undefined;
  do {
    const page = await emr.send(new ListStepsCommand({ ClusterId: clusterId, Marker }));
    const steps = page.Steps ?? [];
    found.push(...steps);
    const last = steps.at(-1)?.Status?.Timeline?.CreationDateTime;
    if (enough(found) || (last && last.getTime() < oldest)) break;
    Marker = page.Marker;
  } while (Marker);
  return found;
}

/** The steps an AddJobFlowSteps of this task added to a cluster, oldest first, if any. */
export async function findTaskSteps(
  emr: EMRClient,
  clusterId: string,
  task: { taskId: string; since: Date },
): Promise<string[] | undefined> {
  const mark = stepMark(task.taskId);
  const steps = await recentSteps(emr, clusterId, task.since, () => false);
  const ours = steps.filter((s) => s.Name?.includes(mark) && s.Id).reverse();
  return ours.length ? ours.map((s) => s.Id!) : undefined;
}
