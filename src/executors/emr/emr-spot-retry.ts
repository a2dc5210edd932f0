import { errorText, isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import { usesSpot } from './emr-instances.js';
import { capacityLossOf } from './emr-spot-loss.js';
import { commandOf, createTaskCluster, type EmrRun, type EmrSubmitDeps, regionOf } from './emr-submit.js';
import { cleanUpEmrWork } from './emr-teardown.js';

/** Fresh clusters a task gets after spot losses unless its cluster says `spot_loss_retries`. */
export const DEFAULT_SPOT_LOSS_RETRIES = 2;

/** What a spot-loss retry needs to know of the task it may rescue. */
export interface SpotLossTarget {
  run: EmrRun;
  clusterId: string;
  newCluster: boolean;
  /** A kill arrived: nothing is retried. */
  killed: boolean;
  spotLosses: number;
  lostClusters: string[];
}

/**
 * A failed task on a cluster we created: when the cluster (or one of its instance groups or
 * fleets) lost its spot capacity or never got it, terminates that cluster and puts the task's
 * steps on a fresh one — on on-demand instances with `spot_fallback: on_demand` — counting against
 * the cluster's `spot_loss_retries`, not the task's max_attempts. Intent is recorded first (the
 * new cluster is found again by its `sundial:spot-retry` tag after a crash). Returns the new
 * cluster's id, or undefined when the failure stands.
 *
 * @example
 * const clusterId = await retryAfterSpotLoss(deps, target); // 'j-2…' after a spot interruption
 */
export async function retryAfterSpotLoss(
  deps: EmrSubmitDeps,
  t: SpotLossTarget,
): Promise<string | undefined> {
  const cmd = commandOf(t.run);
  if (!t.newCluster || t.killed || deps.stopped() || !('new_emr_cluster' in cmd.emr_cluster))
    return undefined;
  const spec = cmd.emr_cluster.new_emr_cluster;
  const onDemandNow = t.spotLosses > 0 && spec.spot_fallback === 'on_demand';
  if (!usesSpot(spec) || onDemandNow) return undefined;
  const emr = deps.clients.get(regionOf(cmd));
  const log = (message: string) => deps.host.log(t.run.taskId, 'scheduler', message);
  let lost: string | undefined;
  try {
    lost = await capacityLossOf(emr, t.clusterId, spec.instance_fleets !== undefined);
  } catch (err) {
    if (isAmbiguous(err) || isThrottling(err)) throw err; // the next poll asks again
    log(`could not tell whether EMR cluster ${t.clusterId} lost its spot capacity: ${errorText(err)}`);
    return undefined;
  }
  if (!lost) return undefined;
  log(`EMR cluster ${t.clusterId} lost its spot capacity: ${lost}`);
  const budget = spec.spot_loss_retries ?? DEFAULT_SPOT_LOSS_RETRIES;
  if (t.spotLosses >= budget) {
    log(`no fresh cluster left after spot losses (spot_loss_retries: ${budget}): the attempt fails`);
    return undefined;
  }
  await cleanUpEmrWork(emr, { clusterId: t.clusterId, newCluster: true }, [], log);
  const spotLosses = t.spotLosses + 1;
  const lostClusters = [...t.lostClusters, t.clusterId];
  await deps.host.progress(t.run.taskId, 'starting', {
    spotLosses,
    lostClusters,
    clusterId: null,
    stepIds: null,
  });
  deps.host.metadata(t.run.taskId, 'emr_spot_losses', String(spotLosses));
  deps.host.metadata(t.run.taskId, 'emr_lost_clusters', lostClusters.join(','));
  const how = spec.spot_fallback === 'on_demand' ? 'on-demand instances' : 'spot instances again';
  log(
    `retrying on a fresh cluster with ${how} (spot loss ${spotLosses} of ${budget} allowed; the task's attempts are untouched)`,
  );
  t.spotLosses = spotLosses;
  t.lostClusters = lostClusters;
  return createTaskCluster(deps, t.run, false, spotLosses);
}
