import {
  type Cluster,
  type ClusterSummary,
  DescribeClusterCommand,
  type EMRClient,
  type StepSummary,
} from '@aws-sdk/client-emr';
import type { Logger } from 'pino';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import { errorText, isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import { AwsJobExecutor } from '../aws/aws-job-executor.js';
import type { AwsExecutorHooks, PollSettings } from '../aws/aws-options.js';
import type { ClientPool } from '../aws/client-pool.js';
import { CreateAbandoned } from '../aws/create-once.js';
import type { PriceTable } from '../aws/price-table.js';
import type { ExecutorHost } from '../executor.js';
import { clusterStateLine, endingSummary, STEPS_REFRESH_MS, stepsDue } from './emr-cluster-poll.js';
import type { ClusterRequestSettings } from './emr-cluster-request.js';
import { recordClusterCost } from './emr-cost-record.js';
import { liveLogRef, stepLogRefs } from './emr-logs.js';
import { clusterStates, ENDED_CLUSTER_STATES, recentSteps } from './emr-lookup.js';
import { retryAfterSpotLoss } from './emr-spot-retry.js';
import { clusterEndedFirst, emrOutcome, needsClusterReason } from './emr-status.js';
import { stepMark } from './emr-steps.js';
import { commandOf, type EmrRun, type EmrSubmitDeps, regionOf, submitEmrTask } from './emr-submit.js';
import { sweepOrphanClusters } from './emr-sweep.js';
import { type EmrTarget, emrTarget, moveToCluster, oldestStart } from './emr-target.js';
import { cleanUpEmrWork, stopEmrWork } from './emr-teardown.js';

export interface EmrExecutorOptions {
  clients: ClientPool<EMRClient>;
  /** Swept for orphaned clusters, with the regions of resumed tasks. */
  sweepRegions: string[];
  endedTasks?: (taskIds: string[]) => Promise<string[]>;
  /** Executor-wide parts of every RunJobFlow (the idle timeout). */
  clusterRequest?: ClusterRequestSettings;
  /** With prices, each created cluster's cost is recorded on its task. */
  prices?: PriceTable;
  onCost?: (executor: 'emr', usd: number) => void;
  poll: PollSettings;
  /** Steps of a created cluster whose state did not change are listed this often (default 5 min). */
  stepsRefreshMs?: number;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/** How soon a failed teardown of one of our clusters is retried by a sweep. */
const CLEANUP_RETRY_MS = 30_000;
/**
 * Runs `emr_command` as Spark steps: on a new cluster (RunJobFlow, torn down whatever happens) or
 * an existing one (AddJobFlowSteps, cancelled on kill). Clusters it created are watched all
 * together, one ListClusters per poll and region, their steps listed only when a cluster's state
 * changed (or every few minutes); on an existing cluster, one ListSteps per cluster per poll.
 *
 * @example
 * engine.register(new EmrExecutor(engine, { clients, sweepRegions: ['us-east-1'], endedTasks, poll }));
 */
export class EmrExecutor extends AwsJobExecutor<EmrTarget, EmrRun> {
  readonly kind = 'emr';
  private sweeping: Promise<void> | undefined;
  private swept = false;

  constructor(
    host: ExecutorHost,
    private readonly opts: EmrExecutorOptions,
  ) {
    super(host, {
      poll: opts.poll,
      chunkSize: Number.POSITIVE_INFINITY,
      logger: opts.logger,
      hooks: opts.hooks,
    });
  }

  override async start(run: EmrRun): Promise<void> {
    if (!this.swept) this.sweep([]);
    await super.start(run);
  }

  override async resume(runs: readonly EmrRun[]): Promise<void> {
    await super.resume(runs);
    this.sweep(runs.map((r) => regionOf(commandOf(r))));
  }

  override async close(): Promise<void> {
    await super.close();
    await this.sweeping;
    this.opts.clients.destroy();
  }

  protected async submit(run: EmrRun, replay: boolean): Promise<EmrTarget> {
    const live = liveLogRef(regionOf(commandOf(run)), commandOf(run));
    if (live) this.host.watchLogs(run.taskId, live);
    return emrTarget(run, await submitEmrTask(this.submitDeps(), run, replay));
  }

  private submitDeps(): EmrSubmitDeps {
    return {
      clients: this.opts.clients,
      host: this.host,
      stopped: () => this.closed,
      clusterRequest: this.opts.clusterRequest ?? {},
      afterCreate: (taskId: string, awsId: string) => this.afterCreate(taskId, awsId),
    };
  }

  protected reattach(run: EmrRun): EmrTarget | undefined {
    const state = run.executionState;
    const { region, clusterId } = state;
    if (!region || !clusterId) return undefined;
    if (!state.newCluster && !state.stepIds) return undefined;
    const live = liveLogRef(region, commandOf(run));
    if (live) this.host.watchLogs(run.taskId, live);
    return emrTarget(run, { ...state, region, clusterId });
  }

  protected describeTarget(t: EmrTarget): string {
    return t.newCluster
      ? `EMR cluster ${t.clusterId}`
      : `EMR steps ${t.stepIds?.join(', ')} on ${t.clusterId}`;
  }

  protected async describe(_group: string, targets: EmrTarget[]): Promise<void> {
    const emr = this.opts.clients.get(targets[0]!.region);
    if (!targets[0]!.newCluster) return this.checkSteps(emr, targets);
    const states = await clusterStates(emr, oldestStart(targets), [
      ...new Set(targets.map((t) => t.clusterId)),
    ]);
    const now = Date.now();
    for (const t of targets) {
      const summary = states.get(t.clusterId);
      if (this.closed) return;
      this.tellClusterState(t, summary);
      if (!stepsDue(t, summary, now, this.opts.stepsRefreshMs ?? STEPS_REFRESH_MS)) continue;
      await this.checkSteps(emr, [t], summary);
      t.clusterState = summary?.Status?.State;
      t.stepsCheckedAt = now;
    }
  }

  /** One ListSteps for targets on one cluster; reports their progress and ends the finished ones. */
  private async checkSteps(emr: EMRClient, targets: EmrTarget[], summary?: ClusterSummary): Promise<void> {
    const { clusterId } = targets[0]!;
    let steps: StepSummary[];
    try {
      steps = await recentSteps(emr, clusterId, oldestStart(targets), (found) =>
        targets.every((t) => this.ownSteps(t, found)),
      );
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err)) throw err;
      for (const t of targets)
        await this.cleanUpAndEnd(t, { succeeded: false, reason: `EMR: ${errorText(err)}` }, []);
      return;
    }
    let cluster: Promise<Cluster | undefined> | undefined;
    const describeCluster = () =>
      (cluster ??= emr.send(new DescribeClusterCommand({ ClusterId: clusterId })).then((o) => o.Cluster));
    for (const t of targets) {
      if (this.closed) return;
      const mine = this.ownSteps(t, steps);
      if (!mine) {
        if (++t.missing >= 5)
          await this.cleanUpAndEnd(
            t,
            { succeeded: false, reason: `EMR no longer lists the steps of ${this.describeTarget(t)}` },
            [],
          );
        continue;
      }
      t.missing = 0;
      if (t.logUri === undefined) t.logUri = (await describeCluster())?.LogUri ?? '';
      this.watchStepLogs(t);
      let outcome = emrOutcome(mine);
      if (needsClusterReason(mine))
        outcome = emrOutcome(mine, endingSummary(summary) ?? (await describeCluster()));
      if ('result' in outcome) await this.cleanUpAndEnd(t, outcome.result, mine);
      else if (summary && ENDED_CLUSTER_STATES.includes(summary.Status?.State ?? 'RUNNING')) {
        // Steps end with their cluster; if they keep saying otherwise, the cluster's end is the answer.
        if (++t.endedChecks >= 3) await this.cleanUpAndEnd(t, clusterEndedFirst(summary, mine), mine);
      } else if (outcome.status !== t.status) {
        t.status = outcome.status;
        this.record(t.taskId, outcome.status);
      }
    }
  }

  /** A created cluster's new state goes to the task log at once, with EMR's reason for it. */
  private tellClusterState(t: EmrTarget, summary: ClusterSummary | undefined): void {
    const told = clusterStateLine(t.clusterId, summary);
    if (!told || told === t.toldState) return;
    t.toldState = told;
    this.host.log(t.taskId, 'scheduler', told);
  }

  protected async stop(t: EmrTarget, reason: string): Promise<void> {
    t.killed = true;
    await stopEmrWork(this.opts.clients.get(t.region), t, reason, (m) =>
      this.host.log(t.taskId, 'scheduler', m),
    );
  }

  /** Our steps, oldest first, once all are in `steps`; learns their ids on a new cluster. */
  private ownSteps(t: EmrTarget, steps: StepSummary[]): StepSummary[] | undefined {
    if (!t.stepIds) {
      const mark = stepMark(t.taskId);
      const ours = steps.filter((s) => s.Id && s.Name?.includes(mark)).reverse();
      if (ours.length === 0) return undefined;
      t.stepIds = ours.map((s) => s.Id!);
      this.record(t.taskId, t.status ?? 'starting', { stepIds: t.stepIds });
    }
    const byId = new Map(steps.map((s) => [s.Id, s]));
    const mine = t.stepIds.map((id) => byId.get(id));
    return mine.every((s) => s !== undefined) ? (mine as StepSummary[]) : undefined;
  }

  /** Follows the Spark step's stdout/stderr in S3 once its id and the log URI are known. */
  private watchStepLogs(t: EmrTarget): void {
    if (t.logsWatched || !t.logUri || !t.stepIds) return;
    t.logsWatched = true;
    const loadSteps = commandOf(t.run).load_data?.length ?? 0;
    const spark = t.stepIds[loadSteps];
    if (spark)
      for (const ref of stepLogRefs(t.region, t.logUri, t.clusterId, spark))
        this.host.watchLogs(t.taskId, ref);
  }

  /** The task ended: nothing of ours may keep running (our cluster, our pending steps), then report. */
  private async cleanUpAndEnd(t: EmrTarget, result: ExecutorResult, steps: StepSummary[]): Promise<void> {
    if (!result.succeeded && (await this.retriedAfterSpotLoss(t, result))) return;
    const log = (message: string) => this.host.log(t.taskId, 'scheduler', message);
    await this.recordCost(t, t.clusterId, t.spotLosses);
    try {
      await cleanUpEmrWork(this.opts.clients.get(t.region), t, steps, log);
    } catch (err) {
      // A cluster we created must not outlive its task: sweep again shortly (and at the next start).
      log(`cleaning up on ${t.clusterId} failed: ${errorText(err)}; retrying`);
      if (t.newCluster) setTimeout(() => this.sweep([t.region]), CLEANUP_RETRY_MS).unref();
    }
    this.end(t, result);
  }

  /** True when the failure was a spot loss and the task now runs on a fresh cluster. */
  private async retriedAfterSpotLoss(t: EmrTarget, result: ExecutorResult): Promise<boolean> {
    let clusterId: string | undefined;
    const lost = { clusterId: t.clusterId, spotLosses: t.spotLosses };
    try {
      clusterId = await retryAfterSpotLoss(this.submitDeps(), t);
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err) || err instanceof CreateAbandoned) throw err;
      const reason = `${result.reason ?? 'failed'}; no fresh cluster after the spot loss: ${errorText(err)}`;
      this.end(t, { succeeded: false, reason });
      return true;
    }
    if (!clusterId) return false;
    await this.recordCost(t, lost.clusterId, lost.spotLosses);
    moveToCluster(t, clusterId);
    this.record(t.taskId, 'starting');
    // A kill that came while the fresh cluster was being created applies to it too.
    if (t.killed) await this.stop(t, 'killed while moving to a fresh cluster');
    return true;
  }

  private recordCost(t: EmrTarget, clusterId: string, spotLossesBefore: number): Promise<void> {
    const { prices, onCost } = this.opts;
    const deps = { prices, onCost, emr: this.opts.clients.get(t.region), host: this.host };
    return recordClusterCost(deps, t, clusterId, spotLossesBefore);
  }

  /** Terminates clusters whose task has ended (in the background; once per start and per resume). */
  private sweep(regions: string[]): void {
    const { endedTasks } = this.opts;
    if (!endedTasks || this.sweeping) return;
    this.swept = true;
    this.sweeping = sweepOrphanClusters({
      clients: this.opts.clients,
      regions: [...this.opts.sweepRegions, ...regions],
      endedTasks,
      following: (taskId) => this.isFollowing(taskId),
      onTerminated: (clusterId, taskId, region) => {
        this.opts.logger?.warn(
          { clusterId, taskId, region },
          'terminated an EMR cluster whose task had ended',
        );
        this.host.log(
          taskId,
          'scheduler',
          `terminated EMR cluster ${clusterId}, left running after this task ended`,
        );
      },
    })
      .catch((err) => this.opts.logger?.warn({ err }, 'sweeping orphaned EMR clusters failed'))
      .then(() => {
        this.sweeping = undefined;
      });
  }
}
