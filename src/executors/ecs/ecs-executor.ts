import {
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import type { Logger } from 'pino';
import type { DockerImageCommand } from '../../domain/types.js';
import { errorText, isAmbiguous, isThrottling } from '../aws/aws-errors.js';
import { type AwsJobCostOptions, AwsJobExecutor, jobExecutorOptions } from '../aws/aws-job-executor.js';
import { awsJobEnvironment } from '../aws/aws-names.js';
import { type AwsExecutorHooks, isFargate, type PollSettings } from '../aws/aws-options.js';
import type { ClientPool } from '../aws/client-pool.js';
import { withDefinition } from '../aws/definition-cache.js';
import type { PollTarget } from '../aws/shared-poller.js';
import type { ExecutorHost, TaskRun } from '../executor.js';
import { ecsTaskUse } from './ecs-cost.js';
import { LOG_FILES_CONTAINER, LOG_FILES_SOURCE } from './ecs-log-files.js';
import {
  type EcsPlacement,
  ecsLogStream,
  ecsStartedBy,
  registerTaskDefinitionInput,
  runTaskInput,
} from './ecs-requests.js';
import { ecsTaskResult, ecsTaskStatus } from './ecs-status.js';
import { EcsTaskDefinitions } from './ecs-task-definitions.js';

export interface EcsExecutorOptions extends AwsJobCostOptions {
  clients: ClientPool<ECSClient>;
  region: string;
  cluster: string;
  logGroup: string;
  launchType?: EcsPlacement['launchType'];
  /** Required with a Fargate launch type. */
  network?: EcsPlacement['network'];
  logFilesImage?: string;
  poll: PollSettings;
  logger?: Logger;
  hooks?: AwsExecutorHooks;
}

/** What `executionState` holds for an ECS task. */
interface EcsState {
  region?: string;
  cluster?: string;
  taskArn?: string;
}

type EcsRun = TaskRun<{ docker_image_command: DockerImageCommand }, EcsState>;

interface EcsTarget extends PollTarget {
  region: string;
  cluster: string;
  taskArn: string;
  status?: string;
  /** Polls in a row that did not find the task. */
  missing: number;
}

/**
 * Runs `docker_image_command` as an Amazon ECS task: task definition reused while it matches,
 * RunTask with a client token (a replay gets the same task), awslogs output in CloudWatch, one
 * DescribeTasks per 100 tasks of a cluster.
 *
 * @example
 * engine.register(new EcsExecutor(engine, { clients, region, cluster: 'jobs', logGroup: '/sundial/ecs', poll }));
 */
export class EcsExecutor extends AwsJobExecutor<EcsTarget, EcsRun> {
  readonly kind = 'ecs';
  private readonly definitions: EcsTaskDefinitions;

  constructor(
    host: ExecutorHost,
    private readonly opts: EcsExecutorOptions,
  ) {
    super(host, jobExecutorOptions(opts, 100));
    if (isFargate(opts.launchType) && !opts.network?.subnets.length)
      throw new Error(`ECS launch type ${opts.launchType} needs subnets (SUNDIAL_ECS_SUBNETS)`);
    this.definitions = new EcsTaskDefinitions(opts.clients);
  }

  override async close(): Promise<void> {
    await super.close();
    this.opts.clients.destroy();
  }

  protected async submit(run: EcsRun, replay: boolean): Promise<EcsTarget> {
    const cmd = run.executable.docker_image_command;
    const state = run.executionState;
    const placement: EcsPlacement = {
      region: state.region ?? this.opts.region,
      cluster: state.cluster ?? this.opts.cluster,
      logGroup: this.opts.logGroup,
      ...(this.opts.launchType && { launchType: this.opts.launchType }),
      ...(this.opts.network && { network: this.opts.network }),
      ...(this.opts.logFilesImage && { logFilesImage: this.opts.logFilesImage }),
    };
    const { region, cluster } = placement;
    await this.host.progress(run.taskId, 'submitted', { region, cluster });
    const wanted = registerTaskDefinitionInput(run, cmd, placement);
    const taskArn = await this.createJob(run, replay, 'ECS RunTask', {
      find: () => this.findTask(region, cluster, run),
      create: async () => {
        const out = await withDefinition(this.definitions, region, wanted, (definition) => {
          const input = runTaskInput(run, definition, placement, awsJobEnvironment(this.host, run));
          // The client token makes RunTask idempotent, so the SDK may retry it on its own.
          return this.opts.clients.get(region).send(new RunTaskCommand(input));
        });
        const arn = out.tasks?.[0]?.taskArn;
        if (!arn) {
          const why = (out.failures ?? []).map((f) => `${f.reason}${f.detail ? ` (${f.detail})` : ''}`);
          throw new Error(`ECS could not place the task: ${why.join('; ') || 'no reason given'}`);
        }
        return arn;
      },
    });
    await this.host.progress(run.taskId, 'pending', { taskArn });
    this.host.log(run.taskId, 'scheduler', `ECS task ${taskArn} on cluster ${cluster}`);
    this.watchOutput(run, region, taskArn);
    return this.target(run.taskId, region, cluster, taskArn);
  }

  protected reattach(run: EcsRun): EcsTarget | undefined {
    const { region, cluster, taskArn } = run.executionState;
    if (!region || !cluster || !taskArn) return undefined;
    this.watchOutput(run, region, taskArn);
    return this.target(run.taskId, region, cluster, taskArn);
  }

  protected describeTarget(target: EcsTarget): string {
    return `ECS task ${target.taskArn}`;
  }

  protected async describe(_group: string, targets: EcsTarget[]): Promise<void> {
    const { region, cluster } = targets[0]!;
    const out = await this.opts.clients
      .get(region)
      .send(new DescribeTasksCommand({ cluster, tasks: targets.map((t) => t.taskArn) }));
    if (this.closed) return;
    const tasks = new Map((out.tasks ?? []).map((t) => [t.taskArn, t]));
    for (const target of targets) {
      const task = tasks.get(target.taskArn);
      if (!task) {
        if (++target.missing >= 3) {
          this.end(target, { succeeded: false, reason: `ECS no longer knows task ${target.taskArn}` });
        }
        continue;
      }
      target.missing = 0;
      const status = ecsTaskStatus(task);
      if (status && task.lastStatus !== target.status) {
        target.status = task.lastStatus;
        this.record(target.taskId, status);
      }
      const result = ecsTaskResult(task);
      if (result) {
        this.host.log(target.taskId, 'scheduler', `ECS task stopped (${task.stopCode ?? 'no stop code'})`);
        await this.recordJobCost(target, ecsTaskUse(task));
        this.end(target, result);
      }
    }
  }

  protected async stop(target: EcsTarget, reason: string): Promise<void> {
    try {
      await this.opts.clients.get(target.region).send(
        new StopTaskCommand({
          cluster: target.cluster,
          task: target.taskArn,
          reason: reason.slice(0, 255),
        }),
      );
      this.host.log(target.taskId, 'scheduler', `asked ECS to stop task ${target.taskArn}`);
    } catch (err) {
      if (isAmbiguous(err) || isThrottling(err)) throw err; // the job may still run
      this.host.log(target.taskId, 'scheduler', `StopTask failed: ${errorText(err)}`);
      this.end(target, { succeeded: false, reason });
    }
  }

  /**
   * Follows the task's awslogs output (on submit and on reattach): the streams are named after the
   * task, one for the job's container and, with `log_paths`, one for the sidecar reading those files.
   */
  private watchOutput(run: EcsRun, region: string, taskArn: string): void {
    const group = this.opts.logGroup;
    this.host.watchLogs(run.taskId, {
      kind: 'cloudwatch',
      region,
      group,
      stream: ecsLogStream(taskArn),
      source: 'cloudwatch',
    });
    if (run.executable.docker_image_command.log_paths?.length) {
      this.host.watchLogs(run.taskId, {
        kind: 'cloudwatch',
        region,
        group,
        stream: ecsLogStream(taskArn, LOG_FILES_CONTAINER),
        source: LOG_FILES_SOURCE,
      });
    }
  }

  private target(taskId: string, region: string, cluster: string, taskArn: string): EcsTarget {
    return { taskId, group: `${region}|${cluster}`, region, cluster, taskArn, missing: 0 };
  }

  /** A task an earlier attempt started (running or recently stopped), found by `startedBy`. */
  private async findTask(region: string, cluster: string, run: TaskRun): Promise<string | undefined> {
    for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
      const out = await this.opts.clients
        .get(region)
        .send(new ListTasksCommand({ cluster, startedBy: ecsStartedBy(run), desiredStatus }));
      const found = out.taskArns?.[0];
      if (found) {
        this.host.log(run.taskId, 'scheduler', `found ECS task ${found} started by an earlier attempt`);
        return found;
      }
    }
    return undefined;
  }
}
