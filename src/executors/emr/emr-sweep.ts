import {
  DescribeClusterCommand,
  type EMRClient,
  ListClustersCommand,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';
import { TASK_ID_TAG } from '../aws/aws-names.js';
import type { ClientPool } from '../aws/client-pool.js';
import { ACTIVE_CLUSTER_STATES } from './emr-lookup.js';

export interface SweepOptions {
  clients: ClientPool<EMRClient>;
  regions: Iterable<string>;
  /** Of these task ids, those that exist in our database and have ended. */
  endedTasks: (taskIds: string[]) => Promise<string[]>;
  /** Tasks this executor follows right now (never swept). */
  following: (taskId: string) => boolean;
  /** Told about each cluster terminated. */
  onTerminated: (clusterId: string, taskId: string, region: string) => void;
}

/**
 * Terminates live clusters tagged with a Sundial task that has ended: what a crash between a
 * task's end and its cluster's termination, or a lost TerminateJobFlows, would leave behind.
 * Clusters of tasks this database does not know (another Sundial in the account) are left alone.
 * Returns the ids of the clusters terminated.
 *
 * @example
 * await sweepOrphanClusters({ clients, regions: ['us-east-1'], endedTasks, following, onTerminated });
 */
export async function sweepOrphanClusters(options: SweepOptions): Promise<string[]> {
  const terminated: string[] = [];
  for (const region of new Set(options.regions)) {
    const emr = options.clients.get(region);
    const tagged = new Map<string, string>(); // task id → cluster id
    let Marker: string | undefined;
    do {
      const page = await emr.send(new ListClustersCommand({ ClusterStates: ACTIVE_CLUSTER_STATES, Marker }));
      for (const c of page.Clusters ?? []) {
        if (!c.Id) continue;
        const { Cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: c.Id }));
        const taskId = Cluster?.Tags?.find((t) => t.Key === TASK_ID_TAG)?.Value;
        if (taskId && !options.following(taskId)) tagged.set(taskId, c.Id);
      }
      Marker = page.Marker;
    } while (Marker);
    if (tagged.size === 0) continue;
    for (const taskId of await options.endedTasks([...tagged.keys()])) {
      const clusterId = tagged.get(taskId)!;
      if (options.following(taskId)) continue;
      await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
      options.onTerminated(clusterId, taskId, region);
      terminated.push(clusterId);
    }
  }
  return terminated;
}
