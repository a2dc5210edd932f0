import type { Logger } from 'pino';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import type { ExecutorKind, TaskStatus } from '../../domain/types.js';
import type { Executor, ExecutorHost, TaskRun } from '../executor.js';
import { errorText } from './aws-errors.js';
import type { AwsExecutorHooks, PollSettings } from './aws-options.js';
import { CreateAbandoned, type CreateOnceOptions, createOnce } from './create-once.js';
import { costText, type ResourcePrices, type ResourceUse, resourceCost } from './price-table.js';
import { type PollTarget, SharedPoller } from './shared-poller.js';

/** How an executor prices the jobs it ran (Batch, ECS, EMR Serverless; EMR prices its clusters itself). */
export interface AwsJobCostOptions {
  /** This kind's section of the price table; without it, jobs are not priced. */
  resourcePrices?: ResourcePrices;
  /** Told each cost recorded on a task (for `/metrics`). */
  onCost?: (executor: ExecutorKind, usd: number) => void;
}

export interface AwsJobExecutorOptions extends AwsJobCostOptions {
  poll: PollSettings;
  /** Most targets one describe call covers. */
  chunkSize: number;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/**
 * The shared options out of an executor's own (which hold more: clients, region…).
 *
 * @example
 * super(host, jobExecutorOptions(opts, 100));
 */
export function jobExecutorOptions(
  opts: Omit<AwsJobExecutorOptions, 'chunkSize'>,
  chunkSize: number,
): AwsJobExecutorOptions {
  const { poll, logger, hooks, resourcePrices, onCost } = opts;
  return { poll, chunkSize, logger, hooks, resourcePrices, onCost };
}

/**
 * The lifecycle every AWS executor shares: submit once (recording intent and ids through
 * `host.progress`), watch through one shared poller, kill even mid-submit, reattach on resume, and
 * never call the host after `close`. Subclasses say how to submit, describe, stop and reattach.
 *
 * @example
 * class BatchExecutor extends AwsJobExecutor<BatchTarget> {
 *   readonly kind = 'batch';
 *   // submit, reattach, describe, stop
 * }
 */
export abstract class AwsJobExecutor<T extends PollTarget, R extends TaskRun = TaskRun>
  implements Executor<R>
{
  abstract readonly kind: ExecutorKind;
  protected readonly poller: SharedPoller<T>;
  protected closed = false;
  /** Tasks whose submission is in flight, with a kill that arrived meanwhile. */
  private readonly submitting = new Map<string, { killReason?: string }>();
  /** The last status write of each task: writes are chained so they land in the order made. */
  private readonly writes = new Map<string, Promise<void>>();
  /**
   * Kills AWS has not taken yet (still throttled after the SDK's retries, or unanswered), by task:
   * asked again before each poll of the task until AWS takes one or the job ends. Kept in memory
   * only: after a restart the engine kills again what it still must (a killed run, a task past its
   * max runtime).
   */
  private readonly unsentKills = new Map<string, string>();

  constructor(
    protected readonly host: ExecutorHost,
    protected readonly base: AwsJobExecutorOptions,
  ) {
    this.poller = new SharedPoller<T>({
      settings: base.poll,
      chunkSize: base.chunkSize,
      poll: async (group, targets) => {
        await Promise.all(targets.map((t) => this.resendKill(t)));
        await this.describe(group, targets);
      },
      onError: (group, err) =>
        base.logger?.warn({ err, group, executor: this.kind }, `${this.kind} status poll failed; will retry`),
    });
  }

  /** Creates the AWS job (looking for an earlier one first when `replay`), recording ids as it goes. */
  protected abstract submit(run: R, replay: boolean): Promise<T>;
  /** The target recorded in `executionState`, when the AWS ids are known. */
  protected abstract reattach(run: R): T | undefined;
  /** One describe call for these targets; reports progress and ends finished ones through `end`. */
  protected abstract describe(group: string, targets: T[]): Promise<void>;
  /** Asks AWS to stop the job; the poller then sees it end. */
  protected abstract stop(target: T, reason: string): Promise<void>;

  async start(run: R): Promise<void> {
    const existing = this.reattach(run);
    if (existing) this.poller.watch(existing);
    else await this.launch(run, Object.keys(run.executionState).length > 0);
  }

  async resume(runs: readonly R[]): Promise<void> {
    for (const run of runs) {
      if (this.isFollowing(run.taskId)) continue;
      const target = this.reattach(run);
      if (target) {
        this.host.log(
          run.taskId,
          'scheduler',
          `scheduler took over: following ${this.describeTarget(target)}`,
        );
        this.poller.watch(target);
      } else {
        // Intent recorded but no AWS id: it may or may not exist. Look, then submit if need be.
        void this.launch(run, true);
      }
    }
  }

  async kill(run: R, reason: string): Promise<void> {
    const pending = this.submitting.get(run.taskId);
    if (pending) {
      pending.killReason = reason; // applied as soon as the submission returns
      return;
    }
    const target = this.poller.get(run.taskId);
    if (target) await this.sendKill(target, reason);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.poller.close();
  }

  /** This executor is submitting or watching the task. */
  protected isFollowing(taskId: string): boolean {
    return this.submitting.has(taskId) || this.poller.get(taskId) !== undefined;
  }

  /** What the task log calls the AWS job (e.g. `AWS Batch job 1234`). */
  protected abstract describeTarget(target: T): string;

  /** The job ended: stop watching it and tell the engine once. */
  protected end(target: T, result: ExecutorResult): void {
    if (this.closed || this.poller.get(target.taskId) !== target) return;
    this.poller.unwatch(target.taskId);
    this.unsentKills.delete(target.taskId);
    this.host.finished(target.taskId, result);
  }

  /**
   * Records a status seen by a poll without waiting for it; writes of one task are applied in
   * order (on a pool of connections two unchained writes could land the wrong way round).
   */
  protected record(taskId: string, status: TaskStatus, state?: Record<string, unknown>): void {
    const write = (this.writes.get(taskId) ?? Promise.resolve())
      .then(() => this.host.progress(taskId, status, state))
      .catch((err) => this.base.logger?.warn({ err, taskId }, 'recording task progress failed'));
    this.writes.set(taskId, write);
    void write.then(() => {
      if (this.writes.get(taskId) === write) this.writes.delete(taskId);
    });
  }

  /**
   * Creates the AWS job exactly once (see `createOnce`), the same way for every kind: each retry is
   * told in the task log as `call: …`, a closing executor gives up, and the crash-window hook runs
   * as soon as the id is known, before the caller records it.
   */
  protected async createJob(
    run: TaskRun,
    replay: boolean,
    call: string,
    how: Pick<CreateOnceOptions<string>, 'find' | 'create'>,
  ): Promise<string> {
    const awsId = await createOnce({
      ...how,
      lookFirst: replay,
      stopped: () => this.closed,
      onRetry: (message) => this.host.log(run.taskId, 'scheduler', `${call}: ${message}`),
    });
    await this.afterCreate(run.taskId, awsId);
    return awsId;
  }

  /**
   * With prices for this kind: what the ended job used, priced, goes on its task (recorded before
   * its end is told, so the run shows it as soon as it has ended), its log and `/metrics`.
   * `use` is undefined when AWS does not say (the job never started, no size asked for).
   */
  protected async recordJobCost(target: T, use: ResourceUse | undefined): Promise<void> {
    const prices = this.base.resourcePrices;
    if (!prices || !use) return;
    const cost = resourceCost(use, prices);
    this.record(target.taskId, 'running', { cost });
    await this.writes.get(target.taskId);
    this.base.onCost?.(this.kind, cost.usd);
    this.host.log(target.taskId, 'scheduler', `${this.describeTarget(target)} cost ${costText(cost)}`);
  }

  /** Runs the crash-window test hook, if any. */
  protected async afterCreate(taskId: string, awsId: string): Promise<void> {
    await this.base.hooks?.afterCreate?.({ kind: this.kind, taskId, awsId });
  }

  /**
   * Asks AWS to stop the job. A refusal for the rate or no answer does not lose the kill: it is
   * told once in the task log and sent again before each poll (at the poll's pace, which backs
   * off while AWS throttles) until AWS takes it or the job ends.
   */
  private async sendKill(target: T, reason: string): Promise<void> {
    try {
      await this.stop(target, reason);
    } catch (err) {
      if (this.closed) return;
      if (!this.unsentKills.has(target.taskId)) {
        this.host.log(
          target.taskId,
          'scheduler',
          `the kill did not reach AWS (${errorText(err)}); asking again at each status poll until it does`,
        );
      }
      this.unsentKills.set(target.taskId, reason);
      return;
    }
    this.unsentKills.delete(target.taskId);
    this.poller.pollSoon(target.taskId);
  }

  /** Sends again a kill AWS has not taken, if this target has one. */
  private async resendKill(target: T): Promise<void> {
    const reason = this.unsentKills.get(target.taskId);
    if (reason !== undefined && this.poller.get(target.taskId) === target)
      await this.sendKill(target, reason);
  }

  private async launch(run: R, replay: boolean): Promise<void> {
    const pending: { killReason?: string } = {};
    this.submitting.set(run.taskId, pending);
    try {
      const target = await this.submit(run, replay);
      if (this.closed) return;
      this.poller.watch(target);
      if (pending.killReason) await this.sendKill(target, pending.killReason);
    } catch (err) {
      if (this.closed || err instanceof CreateAbandoned) return;
      const reason = `could not submit the ${this.kind} job: ${errorText(err)}`;
      this.host.log(run.taskId, 'scheduler', reason);
      this.host.finished(run.taskId, { succeeded: false, reason: pending.killReason ?? reason });
    } finally {
      this.submitting.delete(run.taskId);
    }
  }
}
