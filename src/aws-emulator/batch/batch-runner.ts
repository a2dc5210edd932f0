import type { EmulatorContext } from '../context.js';
import { uuid } from '../ids.js';
import { childEnv, type ProcessExit, runProcess } from '../process-runner.js';
import { containerSecrets } from '../secrets-manager/container-secrets.js';
import { type JobRecord, type JobStatus, TERMINAL } from './batch-records.js';

/** The CloudWatch group the awslogs driver of Batch writes to. */
export const BATCH_LOG_GROUP = '/aws/batch/job';

/**
 * Moves jobs SUBMITTED → PENDING → RUNNABLE → STARTING → RUNNING → SUCCEEDED/FAILED, runs the
 * container command as a local process and sends its output lines to CloudWatch Logs.
 */
export class BatchRunner {
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly findJob: (id: string) => JobRecord | undefined,
  ) {}

  private after(fn: () => void): void {
    this.ctx.timers.after(this.ctx.config.timings.transitionMs, fn);
  }

  private set(job: JobRecord, status: JobStatus): void {
    this.ctx.config.log(`batch job ${job.id}: ${job.status} → ${status}`);
    job.status = status;
  }

  start(job: JobRecord): void {
    this.after(() => {
      if (job.status !== 'SUBMITTED') return;
      this.set(job, 'PENDING');
      this.waitForDependencies(job);
    });
  }

  /** PENDING lasts until every job it depends on has SUCCEEDED; a failed dependency fails it. */
  private waitForDependencies(job: JobRecord): void {
    if (job.status !== 'PENDING') return;
    const deps = job.dependsOn.map((id) => this.findJob(id));
    if (deps.some((d) => d?.status === 'FAILED')) {
      this.fail(job, 'Dependent Job failed');
      return;
    }
    if (deps.every((d) => !d || d.status === 'SUCCEEDED')) {
      this.after(() => this.runnable(job));
      return;
    }
    this.after(() => this.waitForDependencies(job));
  }

  private runnable(job: JobRecord): void {
    if (job.status !== 'PENDING') return;
    this.set(job, 'RUNNABLE');
    this.after(() => {
      if (job.status !== 'RUNNABLE') return;
      this.set(job, 'STARTING');
      this.after(() => this.run(job));
    });
  }

  private run(job: JobRecord): void {
    if (job.status !== 'STARTING') return;
    const [command, ...args] = job.command;
    job.logStreamName = `${job.definition.name}/default/${uuid().replace(/-/g, '')}`;
    job.exitCode = undefined;
    job.containerReason = undefined;
    const attemptStart = this.ctx.config.now();
    job.startedAt ??= attemptStart;
    this.set(job, 'RUNNING');
    if (!command) {
      this.finish(job, attemptStart, { code: 1, signal: null, error: 'no command' });
      return;
    }
    let secrets: Record<string, string>;
    try {
      secrets = containerSecrets(this.ctx, job.definition.secrets);
    } catch (err) {
      // The container never starts: the job fails with the agent's reason (no retry would help).
      job.containerReason = (err as Error).message;
      this.fail(job, job.containerReason);
      return;
    }
    const stream = this.ctx.logs.ensureStream(BATCH_LOG_GROUP, job.logStreamName);
    const env = { ...Object.fromEntries(job.environment.map((e) => [e.name, e.value])), ...secrets };
    job.process = runProcess(
      {
        command,
        args,
        env: childEnv(this.ctx.config, {
          ...env,
          AWS_BATCH_JOB_ID: job.id,
          AWS_BATCH_JQ_NAME: job.queue.name,
          AWS_BATCH_CE_NAME: 'emulator',
          AWS_BATCH_JOB_ATTEMPT: String(job.attempts.length + 1),
        }),
        onLine: (_s, line) => this.ctx.logs.append(stream, [{ timestamp: Date.now(), message: line }]),
      },
      this.ctx.config.timings.killGraceMs,
    );
    job.process.done.then((exit) => this.finish(job, attemptStart, exit));
  }

  private finish(job: JobRecord, attemptStart: number, exit: ProcessExit): void {
    job.process = undefined;
    const stoppedAt = this.ctx.config.now();
    job.exitCode = exit.code;
    if (exit.error) job.containerReason = `CannotStartContainerError: ${exit.error}`;
    const statusReason = job.terminateReason ?? 'Essential container in task exited';
    job.attempts.push({
      container: {
        exitCode: exit.code,
        logStreamName: job.logStreamName ?? '',
        ...(job.containerReason ? { reason: job.containerReason } : {}),
      },
      startedAt: attemptStart,
      stoppedAt,
      statusReason,
    });
    if (exit.code === 0 && !job.terminateReason) {
      job.statusReason = statusReason;
      job.stoppedAt = stoppedAt;
      this.set(job, 'SUCCEEDED');
      return;
    }
    if (!job.terminateReason && job.attempts.length < job.definition.attempts) {
      // Retry strategy: back to RUNNABLE for another attempt.
      this.set(job, 'RUNNABLE');
      this.after(() => {
        if (job.status !== 'RUNNABLE') return;
        this.set(job, 'STARTING');
        this.after(() => this.run(job));
      });
      return;
    }
    this.fail(job, statusReason, stoppedAt);
  }

  fail(job: JobRecord, reason: string, at = this.ctx.config.now()): void {
    if (TERMINAL.includes(job.status)) return;
    job.statusReason = reason;
    job.stoppedAt = at;
    this.set(job, 'FAILED');
  }

  /** TerminateJob: fails a job at any stage; a running one once its process is gone. */
  terminate(job: JobRecord, reason: string): void {
    if (TERMINAL.includes(job.status)) return;
    if (job.process) {
      job.terminateReason = reason;
      job.process.stop('SIGTERM');
      return;
    }
    this.fail(job, reason);
  }

  async shutdown(jobs: Iterable<JobRecord>): Promise<void> {
    const waits: Promise<unknown>[] = [];
    for (const j of jobs) {
      if (j.process) {
        j.process.stop('SIGKILL');
        waits.push(j.process.done);
      }
    }
    await Promise.all(waits);
  }
}
