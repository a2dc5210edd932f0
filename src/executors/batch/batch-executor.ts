import {
  type BatchClient,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import type { Logger } from 'pino';
import type { BatchImageCommand } from '../../domain/types.js';
import { errorText, isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import { type AwsJobCostOptions, AwsJobExecutor, jobExecutorOptions } from '../aws/aws-job-executor.js';
import { awsJobEnvironment } from '../aws/aws-names.js';
import type { AwsExecutorHooks, PollSettings } from '../aws/aws-options.js';
import type { ClientPool } from '../aws/client-pool.js';
import { withDefinition } from '../aws/definition-cache.js';
import type { PollTarget } from '../aws/shared-poller.js';
import type { ExecutorHost, TaskRun } from '../executor.js';
import { batchJobUse } from './batch-cost.js';
import { BatchJobDefinitions } from './batch-job-definitions.js';
import { batchJobName, findJobInput, registerJobDefinitionInput, submitJobInput } from './batch-requests.js';
import { batchJobResult, batchTaskStatus } from './batch-status.js';

/** The CloudWatch group the awslogs driver of Batch writes to. */
export const BATCH_LOG_GROUP = '/aws/batch/job';

export interface BatchExecutorOptions extends AwsJobCostOptions {
  clients: ClientPool<BatchClient>;
  region: string;
  /** Queue of jobs that name none. */
  defaultQueue?: string;
  poll: PollSettings;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/** What `executionState` holds for a Batch task. */
interface BatchState {
  region?: string;
  jobQueue?: string;
  jobName?: string;
  jobId?: string;
}

type BatchRun = TaskRun<{ batch_image_command: BatchImageCommand }, BatchState>;

interface BatchTarget extends PollTarget {
  region: string;
  jobId: string;
  status?: string;
  logStreams: Set<string>;
  /** Polls in a row that did not find the job. */
  missing: number;
}

/**
 * Runs `batch_image_command` on AWS Batch: job definition reused while it matches, SubmitJob with
 * a deterministic job name (found again by name after a crash), one DescribeJobs per 100 jobs.
 *
 * @example
 * engine.register(new BatchExecutor(engine, { clients, region: 'us-east-1', defaultQueue: 'jobs', poll }));
 */
export class BatchExecutor extends AwsJobExecutor<BatchTarget, BatchRun> {
  readonly kind = 'batch';
  private readonly definitions: BatchJobDefinitions;

  constructor(
    host: ExecutorHost,
    private readonly opts: BatchExecutorOptions,
  ) {
    super(host, jobExecutorOptions(opts, 100));
    this.definitions = new BatchJobDefinitions(opts.clients);
  }

  protected async submit(run: BatchRun, replay: boolean): Promise<BatchTarget> {
    const cmd = run.executable.batch_image_command;
    const state = run.executionState;
    const region = state.region ?? this.opts.region;
    const jobQueue = state.jobQueue ?? cmd.job_queue ?? this.opts.defaultQueue;
    if (!jobQueue) {
      throw new Error(
        'the task names no job_queue and no default queue is configured (SUNDIAL_BATCH_JOB_QUEUE)',
      );
    }
    await this.host.progress(run.taskId, 'submitted', { region, jobQueue, jobName: batchJobName(run) });
    const wanted = registerJobDefinitionInput(run, cmd);
    const jobId = await this.createJob(run, replay, 'AWS Batch SubmitJob', {
      find: () => this.findJob(region, run, jobQueue),
      create: () =>
        withDefinition(this.definitions, region, wanted, async (jobDefinition) => {
          const input = submitJobInput(run, jobQueue, jobDefinition, awsJobEnvironment(this.host, run));
          return (await this.opts.clients.once(region).send(new SubmitJobCommand(input))).jobId!;
        }),
    });
    await this.host.progress(run.taskId, 'submitted', { jobId });
    this.host.log(
      run.taskId,
      'scheduler',
      `AWS Batch job ${jobId} (${batchJobName(run)}) in queue ${jobQueue}`,
    );
    return this.target(run.taskId, region, jobId);
  }

  override async close(): Promise<void> {
    await super.close();
    this.opts.clients.destroy();
  }

  protected reattach(run: BatchRun): BatchTarget | undefined {
    const { region, jobId } = run.executionState;
    return region && jobId ? this.target(run.taskId, region, jobId) : undefined;
  }

  protected describeTarget(target: BatchTarget): string {
    return `AWS Batch job ${target.jobId}`;
  }

  protected async describe(region: string, targets: BatchTarget[]): Promise<void> {
    const out = await this.opts.clients
      .get(region)
      .send(new DescribeJobsCommand({ jobs: targets.map((t) => t.jobId) }));
    if (this.closed) return;
    const jobs = new Map((out.jobs ?? []).map((j) => [j.jobId, j]));
    for (const target of targets) {
      const job = jobs.get(target.jobId);
      if (!job) {
        if (++target.missing >= 3) {
          this.end(target, { succeeded: false, reason: `AWS Batch no longer knows job ${target.jobId}` });
        }
        continue;
      }
      target.missing = 0;
      for (const stream of [
        job.container?.logStreamName,
        ...(job.attempts ?? []).map((a) => a.container?.logStreamName),
      ]) {
        if (!stream || target.logStreams.has(stream)) continue;
        target.logStreams.add(stream);
        this.host.watchLogs(target.taskId, {
          kind: 'cloudwatch',
          region,
          group: BATCH_LOG_GROUP,
          stream,
          source: 'cloudwatch',
        });
      }
      const status = batchTaskStatus(job);
      if (status && job.status !== target.status) {
        target.status = job.status;
        this.record(target.taskId, status);
      }
      const result = batchJobResult(job);
      if (result) {
        this.host.log(target.taskId, 'scheduler', `AWS Batch job ${target.jobId} ${job.status}`);
        await this.recordJobCost(target, batchJobUse(job));
        this.end(target, result);
      }
    }
  }

  protected async stop(target: BatchTarget, reason: string): Promise<void> {
    try {
      await this.opts.clients
        .get(target.region)
        .send(new TerminateJobCommand({ jobId: target.jobId, reason: reason.slice(0, 1000) }));
      this.host.log(target.taskId, 'scheduler', `asked AWS Batch to terminate job ${target.jobId}`);
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err)) throw err; // the job may still run
      // Batch refuses: the job is unknown there, so there is nothing left to wait for.
      this.host.log(target.taskId, 'scheduler', `TerminateJob failed: ${errorText(err)}`);
      this.end(target, { succeeded: false, reason });
    }
  }

  private target(taskId: string, region: string, jobId: string): BatchTarget {
    return { taskId, group: region, region, jobId, logStreams: new Set(), missing: 0 };
  }

  /** The job an earlier attempt submitted under this task's name, if any (all statuses). */
  private async findJob(region: string, run: TaskRun, jobQueue: string): Promise<string | undefined> {
    let nextToken: string | undefined;
    do {
      const page = await this.opts.clients
        .get(region)
        .send(new ListJobsCommand({ ...findJobInput(run, jobQueue), nextToken }));
      const found = page.jobSummaryList?.at(-1)?.jobId; // the oldest: the one a crashed attempt made
      if (found) {
        this.host.log(
          run.taskId,
          'scheduler',
          `found AWS Batch job ${found} submitted by an earlier attempt`,
        );
        return found;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }
}
