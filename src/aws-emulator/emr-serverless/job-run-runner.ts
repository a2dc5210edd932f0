import { gzipSync } from 'node:zlib';
import type { EmulatorContext } from '../context.js';
import { childEnv, type ProcessExit, runProcess } from '../process-runner.js';
import { parseS3Uri } from '../s3/s3-store.js';
import type { JsonObject } from '../types.js';
import { type JobRunRecord, type JobRunState, TERMINAL_RUN_STATES } from './job-run-records.js';

interface SparkSubmit {
  entryPoint?: string;
  entryPointArguments?: string[];
  sparkSubmitParameters?: string;
}

/**
 * Moves job runs SUBMITTED → PENDING → SCHEDULED → RUNNING → SUCCESS/FAILED and runs their Spark
 * driver as `spark-submit <sparkSubmitParameters> <entryPoint> <entryPointArguments>` (the
 * stand-in gives the driver the `spark.emr-serverless.driverEnv.*` variables). With an S3 log URI,
 * the driver's output goes where EMR Serverless puts it,
 * `<logUri>/applications/<app>/jobs/<run>/SPARK_DRIVER/{stdout,stderr}.gz`, while it runs and at
 * its end.
 */
export class JobRunRunner {
  constructor(private readonly ctx: EmulatorContext) {}

  start(run: JobRunRecord): void {
    this.step(run, 'SUBMITTED', 'PENDING', () =>
      this.step(run, 'PENDING', 'SCHEDULED', () =>
        this.step(run, 'SCHEDULED', 'RUNNING', () => this.run(run)),
      ),
    );
  }

  cancel(run: JobRunRecord): void {
    if (TERMINAL_RUN_STATES.includes(run.state) || run.state === 'CANCELLING') return;
    this.set(run, 'CANCELLING', 'Job run cancellation requested by the user');
    if (run.process) run.process.stop();
    else
      this.ctx.timers.after(this.ctx.config.timings.transitionMs, () =>
        this.end(run, 'CANCELLED', 'Job run was cancelled'),
      );
  }

  async shutdown(runs: Iterable<JobRunRecord>): Promise<void> {
    const running = [...runs].flatMap((r) => (r.process ? [r.process] : []));
    for (const p of running) p.stop('SIGKILL');
    await Promise.all(running.map((p) => p.done));
  }

  private set(run: JobRunRecord, state: JobRunState, details = ''): void {
    this.ctx.config.log(`emr-serverless job run ${run.id}: ${run.state} → ${state}`);
    run.state = state;
    run.stateDetails = details;
    run.updatedAt = this.ctx.config.now();
  }

  /** After a transition delay: from → to (unless the run moved on meanwhile, e.g. cancelled), then next. */
  private step(run: JobRunRecord, from: JobRunState, to: JobRunState, next: () => void): void {
    this.ctx.timers.after(this.ctx.config.timings.transitionMs, () => {
      if (run.state !== from) return;
      this.set(run, to);
      next();
    });
  }

  private run(run: JobRunRecord): void {
    const driver = ((run.request.jobDriver as JsonObject | undefined)?.sparkSubmit ?? {}) as SparkSubmit;
    const params = (driver.sparkSubmitParameters ?? '').split(/\s+/).filter(Boolean);
    run.startedAt = this.ctx.config.now();
    const upload = () => this.uploadLogs(run);
    run.process = runProcess(
      {
        command: 'spark-submit',
        args: [...params, driver.entryPoint ?? '', ...(driver.entryPointArguments ?? [])],
        env: childEnv(this.ctx.config, { EMR_SERVERLESS_JOB_RUN_ID: run.id }),
        onData: (stream, chunk) => run[stream].push(chunk),
      },
      this.ctx.config.timings.killGraceMs,
    );
    const stopUploads = this.ctx.timers.every(this.ctx.config.timings.logUploadMs, upload);
    void run.process.done.then((exit) => {
      stopUploads();
      run.process = undefined;
      upload();
      this.finish(run, exit);
    });
  }

  private finish(run: JobRunRecord, exit: ProcessExit): void {
    if (run.state === 'CANCELLING') this.end(run, 'CANCELLED', 'Job run was cancelled');
    else if (exit.code === 0) this.end(run, 'SUCCESS', '');
    else {
      const why = exit.error ?? `exit code ${exit.code}`;
      this.end(
        run,
        'FAILED',
        `Job failed, please check complete logs in configured logging destination. ExitCode: ${exit.code}. Last few exceptions: ${lastError(run) ?? why}`,
      );
    }
  }

  private end(run: JobRunRecord, state: JobRunState, details: string): void {
    run.endedAt = this.ctx.config.now();
    this.set(run, state, details);
  }

  private uploadLogs(run: JobRunRecord): void {
    const monitoring = (run.request.configurationOverrides as JsonObject | undefined)
      ?.monitoringConfiguration as JsonObject | undefined;
    const logUri = (monitoring?.s3MonitoringConfiguration as JsonObject | undefined)?.logUri;
    const uri = typeof logUri === 'string' ? parseS3Uri(logUri) : undefined;
    if (!uri) return;
    const base = `${uri.prefix ? `${uri.prefix}/` : ''}applications/${run.applicationId}/jobs/${run.id}/SPARK_DRIVER`;
    for (const stream of ['stdout', 'stderr'] as const) {
      this.ctx.s3.put(uri.bucket, `${base}/${stream}.gz`, gzipSync(Buffer.concat(run[stream])), {
        contentType: 'application/octet-stream',
      });
    }
  }
}

/** The driver's last exception line, as EMR Serverless quotes it in stateDetails. */
function lastError(run: JobRunRecord): string | undefined {
  const lines = Buffer.concat(run.stderr).toString('utf8').split('\n');
  return lines.reverse().find((l) => /Exception|Error/.test(l));
}
