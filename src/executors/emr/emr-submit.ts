import { AddJobFlowStepsCommand, type EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import type { EmrCommand } from '../../domain/types.js';
import { awsJobEnvironment } from '../aws/aws-names.js';
import type { ClientPool } from '../aws/client-pool.js';
import { createOnce } from '../aws/create-once.js';
import type { JobCost } from '../aws/price-table.js';
import type { ExecutorHost, TaskRun } from '../executor.js';
import { type ClusterRequestSettings, runJobFlowInput } from './emr-cluster-request.js';
import { findTaskCluster, findTaskSteps } from './emr-lookup.js';
import { emrSteps } from './emr-steps.js';

/** What `executionState` holds for an EMR task. */
export interface EmrState {
  region?: string;
  clusterId?: string;
  newCluster?: boolean;
  stepIds?: string[];
  logUri?: string;
  /** Fresh clusters this task got after spot losses (0: the first cluster runs it). */
  spotLosses?: number;
  /** Clusters that lost their spot capacity under this task, oldest first. */
  lostClusters?: string[];
  /** What the task's clusters cost so far (with a price table). */
  cost?: JobCost;
}

/** A run of an `emr_command`. */
export type EmrRun = TaskRun<{ emr_command: EmrCommand }, EmrState>;

export interface EmrSubmitDeps {
  clients: ClientPool<EMRClient>;
  host: ExecutorHost;
  stopped: () => boolean;
  clusterRequest: ClusterRequestSettings;
  /** The crash-window test hook. */
  afterCreate: (taskId: string, awsId: string) => Promise<void>;
}

export const regionOf = (cmd: EmrCommand) => cmd.region ?? 'us-east-1';
export const commandOf = (run: EmrRun) => run.executable.emr_command;

/**
 * Puts a task's steps on EMR exactly once: RunJobFlow for a new cluster (found again by its
 * `sundial:task-id` tag), AddJobFlowSteps on an existing one (found again by the task id in the
 * step names). Intent is recorded before the call, the ids right after it.
 *
 * @example
 * const state = await submitEmrTask(deps, run, replay); // { region, clusterId, newCluster, … }
 */
export async function submitEmrTask(
  deps: EmrSubmitDeps,
  run: EmrRun,
  replay: boolean,
): Promise<EmrState & { region: string; clusterId: string }> {
  const { clients, host } = deps;
  const cmd = commandOf(run);
  const region = regionOf(cmd);
  const env = awsJobEnvironment(host, run);
  const emr = clients.get(region);
  const onRetry = (message: string) => host.log(run.taskId, 'scheduler', `EMR: ${message}`);
  if ('new_emr_cluster' in cmd.emr_cluster) {
    const spec = cmd.emr_cluster.new_emr_cluster;
    const { spotLosses = 0, lostClusters, cost } = run.executionState;
    await host.progress(run.taskId, 'submitted', { region, newCluster: true, logUri: spec.s3_log_uri });
    const clusterId = await createTaskCluster(deps, run, replay, spotLosses);
    return {
      region,
      clusterId,
      newCluster: true,
      logUri: spec.s3_log_uri,
      spotLosses,
      ...(lostClusters && { lostClusters }),
      ...(cost && { cost }),
    };
  }
  const clusterId = cmd.emr_cluster.existing_emr_cluster.cluster_id;
  await host.progress(run.taskId, 'submitted', { region, clusterId, newCluster: false });
  const Steps = emrSteps(run, cmd, env, 'CONTINUE');
  const stepIds = await createOnce({
    lookFirst: replay,
    stopped: deps.stopped,
    onRetry,
    find: () => findTaskSteps(emr, clusterId, { taskId: run.taskId, since: run.startedAt }),
    create: async () =>
      (await clients.once(region).send(new AddJobFlowStepsCommand({ JobFlowId: clusterId, Steps }))).StepIds!,
  });
  await deps.afterCreate(run.taskId, stepIds.join(','));
  await host.progress(run.taskId, 'starting', { stepIds });
  host.log(run.taskId, 'scheduler', `EMR steps ${stepIds.join(', ')} added to cluster ${clusterId}`);
  return { region, clusterId, newCluster: false, stepIds };
}

/**
 * RunJobFlow for a task's new cluster, exactly once: found again by its `sundial:task-id` tag (and,
 * after spot losses, its `sundial:spot-retry` number). After a spot loss with `spot_fallback:
 * on_demand` the cluster asks for on-demand instances only. Records the cluster id.
 *
 * @example
 * const clusterId = await createTaskCluster(deps, run, replay, 0);
 */
export async function createTaskCluster(
  deps: EmrSubmitDeps,
  run: EmrRun,
  replay: boolean,
  spotLosses: number,
): Promise<string> {
  const { clients, host } = deps;
  const cmd = commandOf(run);
  if (!('new_emr_cluster' in cmd.emr_cluster)) throw new Error('not a new cluster');
  const spec = cmd.emr_cluster.new_emr_cluster;
  const region = regionOf(cmd);
  const emr = clients.get(region);
  const onDemand = spotLosses > 0 && spec.spot_fallback === 'on_demand';
  const input = runJobFlowInput(
    run,
    spec,
    emrSteps(run, cmd, awsJobEnvironment(host, run), 'TERMINATE_CLUSTER'),
    {
      ...deps.clusterRequest,
      spotRetry: spotLosses,
      onDemand,
    },
  );
  const clusterId = await createOnce({
    lookFirst: replay,
    stopped: deps.stopped,
    onRetry: (message) => host.log(run.taskId, 'scheduler', `EMR: ${message}`),
    find: () =>
      findTaskCluster(emr, {
        taskId: run.taskId,
        name: spec.name,
        since: run.startedAt,
        spotRetry: spotLosses,
      }),
    create: async () => (await clients.once(region).send(new RunJobFlowCommand(input))).JobFlowId!,
  });
  await deps.afterCreate(run.taskId, clusterId);
  await host.progress(run.taskId, 'starting', { clusterId });
  const how = spotLosses === 0 ? '' : ` (after a spot loss, on ${onDemand ? 'on-demand' : 'spot'} instances)`;
  host.log(run.taskId, 'scheduler', `EMR cluster ${clusterId} (${spec.name}) runs this task's steps${how}`);
  return clusterId;
}
