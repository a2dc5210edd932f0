import {
  CancelJobRunCommand,
  type EMRServerlessClient,
  GetJobRunCommand,
  StartJobRunCommand,
} from '@aws-sdk/client-emr-serverless';
import type { Logger } from 'pino';
import type { EmrServerlessCommand } from '../../domain/types.js';
import { errorText, isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import { type AwsJobCostOptions, AwsJobExecutor, jobExecutorOptions } from '../aws/aws-job-executor.js';
import { awsJobEnvironment } from '../aws/aws-names.js';
import type { AwsExecutorHooks, PollSettings } from '../aws/aws-options.js';
import type { ClientPool } from '../aws/client-pool.js';
import type { PollTarget } from '../aws/shared-poller.js';
import type { ExecutorHost, TaskRun } from '../executor.js';
import { jobRunUse } from './emr-serverless-cost.js';
import {
  driverLogRefs,
  jobRunName,
  jobRunResult,
  jobRunTaskStatus,
  startJobRunInput,
} from './emr-serverless-requests.js';

export interface EmrServerlessExecutorOptions extends AwsJobCostOptions {
  clients: ClientPool<EMRServerlessClient>;
  /** Region of commands that name none. */
  region: string;
  poll: PollSettings;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/** What `executionState` holds for an EMR Serverless task. */
interface EmrServerlessState {
  region?: string;
  applicationId?: string;
  jobRunId?: string;
}

type EmrServerlessRun = TaskRun<{ emr_serverless_command: EmrServerlessCommand }, EmrServerlessState>;

interface JobRunTarget extends PollTarget {
  region: string;
  applicationId: string;
  jobRunId: string;
  state?: string;
}

/** GetJobRun calls one poll makes at once for an application (each is one call; the bucket paces them). */
const CHUNK = 20;

/**
 * Runs `emr_serverless_command` as a job run on an EMR Serverless application: StartJobRun with
 * the task id as client token (a retry or a restarted leader gets the same job run back, never a
 * second one), GetJobRun through the shared poller, CancelJobRun on kill, and the driver's
 * stdout/stderr from the S3 log URI into the task log.
 *
 * @example
 * engine.register(new EmrServerlessExecutor(engine, { clients, region: 'us-east-1', poll }));
 */
export class EmrServerlessExecutor extends AwsJobExecutor<JobRunTarget, EmrServerlessRun> {
  readonly kind = 'emr_serverless';

  constructor(
    host: ExecutorHost,
    private readonly opts: EmrServerlessExecutorOptions,
  ) {
    super(host, jobExecutorOptions(opts, CHUNK));
  }

  override async close(): Promise<void> {
    await super.close();
    this.opts.clients.destroy();
  }

  protected async submit(run: EmrServerlessRun, replay: boolean): Promise<JobRunTarget> {
    const cmd = run.executable.emr_serverless_command;
    const region = run.executionState.region ?? cmd.region ?? this.opts.region;
    const applicationId = cmd.application_id;
    await this.host.progress(run.taskId, 'submitted', { region, applicationId });
    const input = startJobRunInput(run, cmd, awsJobEnvironment(this.host, run));
    // The client token makes StartJobRun its own lookup: sending it again finds the first run.
    const start = async () =>
      (await this.opts.clients.get(region).send(new StartJobRunCommand(input))).jobRunId!;
    const jobRunId = await this.createJob(run, replay, 'EMR Serverless StartJobRun', {
      find: start,
      create: start,
    });
    await this.host.progress(run.taskId, 'submitted', { jobRunId });
    this.host.log(
      run.taskId,
      'scheduler',
      `EMR Serverless job run ${jobRunId} (${jobRunName(run)}) on application ${applicationId}`,
    );
    return this.target(run, region, applicationId, jobRunId);
  }

  protected reattach(run: EmrServerlessRun): JobRunTarget | undefined {
    const { region, applicationId, jobRunId } = run.executionState;
    return region && applicationId && jobRunId
      ? this.target(run, region, applicationId, jobRunId)
      : undefined;
  }

  protected describeTarget(target: JobRunTarget): string {
    return `EMR Serverless job run ${target.jobRunId}`;
  }

  protected async describe(_group: string, targets: JobRunTarget[]): Promise<void> {
    // Settled one by one: a job run that fails to answer leaves the others' news intact.
    const answers = await Promise.allSettled(targets.map((t) => this.describeOne(t)));
    const failed = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (failed) throw failed.reason;
  }

  protected async stop(target: JobRunTarget, reason: string): Promise<void> {
    try {
      await this.opts.clients
        .get(target.region)
        .send(new CancelJobRunCommand({ applicationId: target.applicationId, jobRunId: target.jobRunId }));
      this.host.log(target.taskId, 'scheduler', `asked EMR Serverless to cancel job run ${target.jobRunId}`);
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err)) throw err; // the job run may still run
      this.host.log(target.taskId, 'scheduler', `CancelJobRun failed: ${errorText(err)}`);
      this.end(target, { succeeded: false, reason });
    }
  }

  private async describeOne(target: JobRunTarget): Promise<void> {
    const { jobRun } = await this.opts.clients
      .get(target.region)
      .send(new GetJobRunCommand({ applicationId: target.applicationId, jobRunId: target.jobRunId }));
    if (this.closed || !jobRun) return;
    if (jobRun.state !== target.state) {
      target.state = jobRun.state;
      const details = jobRun.stateDetails ? `: ${jobRun.stateDetails}` : '';
      this.host.log(
        target.taskId,
        'scheduler',
        `EMR Serverless job run ${target.jobRunId} ${jobRun.state}${details}`,
      );
      const status = jobRunTaskStatus(jobRun);
      if (status) this.record(target.taskId, status);
    }
    const result = jobRunResult(jobRun);
    if (!result) return;
    await this.recordJobCost(target, jobRunUse(jobRun));
    this.end(target, result);
  }

  private target(
    run: EmrServerlessRun,
    region: string,
    applicationId: string,
    jobRunId: string,
  ): JobRunTarget {
    const logUri = run.executable.emr_serverless_command.s3_log_uri;
    // Followed from the start: the tailer reads the files once EMR Serverless has written them.
    if (logUri) {
      for (const ref of driverLogRefs(region, logUri, applicationId, jobRunId)) {
        this.host.watchLogs(run.taskId, ref);
      }
    }
    return {
      taskId: run.taskId,
      group: `${region}|${applicationId}`,
      region,
      applicationId,
      jobRunId,
    };
  }
}
