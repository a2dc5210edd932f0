import type { JobRun, StartJobRunCommandInput } from '@aws-sdk/client-emr-serverless';
import type { ExecutorResult } from '../../domain/task-outcome.js';
import type { EmrServerlessCommand, TaskStatus } from '../../domain/types.js';
import type { LogStreamRef } from '../../logs/log-stream-ref.js';
import { safeName, sundialTags } from '../aws/aws-names.js';
import { s3OutputRefs } from '../aws/s3-output-refs.js';
import type { TaskRun } from '../executor.js';

/**
 * The EMR Serverless requests of an `emr_serverless_command`, as pure functions: the executor
 * sends them, `sundial plan` prints them.
 */

type RunNames = Pick<TaskRun, 'taskId' | 'processId' | 'definitionName' | 'taskDefinitionName'>;

/** The job run's name: the task, then its id (what a user looks for in the console). */
export function jobRunName(run: RunNames): string {
  return `sundial-${safeName(run.taskDefinitionName, 60)}-${run.taskId}`;
}

/**
 * StartJobRun with the task id as client token: EMR Serverless answers a repeated request (a
 * retry after a lost response, or a restarted leader) with the job run the first one started.
 * Sundial's environment reaches the driver and the executors as Spark settings.
 *
 * @example
 * startJobRunInput(run, { application_id: '00fabc', execution_role_arn: 'arn:aws:iam::1:role/r',
 *   entry_point: 's3://acme/etl.jar' }, { SUNDIAL_TASK_ID: run.taskId })
 * // { applicationId: '00fabc', clientToken: run.taskId, jobDriver: { sparkSubmit: { entryPoint: … } }, … }
 */
export function startJobRunInput(
  run: RunNames,
  cmd: EmrServerlessCommand,
  env: Record<string, string>,
): StartJobRunCommandInput {
  const conf = Object.entries(env).flatMap(([k, v]) => [
    `--conf spark.emr-serverless.driverEnv.${k}=${v}`,
    `--conf spark.executorEnv.${k}=${v}`,
  ]);
  const params = [cmd.spark_submit_parameters?.trim(), ...conf].filter(Boolean).join(' ');
  return {
    applicationId: cmd.application_id,
    clientToken: run.taskId,
    name: jobRunName(run),
    executionRoleArn: cmd.execution_role_arn,
    jobDriver: {
      sparkSubmit: {
        entryPoint: cmd.entry_point,
        ...(cmd.entry_point_arguments && { entryPointArguments: cmd.entry_point_arguments }),
        sparkSubmitParameters: params,
      },
    },
    ...(cmd.s3_log_uri && {
      configurationOverrides: {
        monitoringConfiguration: { s3MonitoringConfiguration: { logUri: cmd.s3_log_uri } },
      },
    }),
    ...(cmd.execution_timeout_minutes && { executionTimeoutMinutes: cmd.execution_timeout_minutes }),
    tags: sundialTags(run),
  };
}

const ACTIVE: Record<string, TaskStatus> = {
  SUBMITTED: 'submitted',
  PENDING: 'pending',
  SCHEDULED: 'starting',
  QUEUED: 'pending',
  RUNNING: 'running',
  CANCELLING: 'running',
};

/** Sundial's status of a job run that has not ended; undefined once it has. */
export function jobRunTaskStatus(jobRun: JobRun): TaskStatus | undefined {
  return jobRun.state ? ACTIVE[jobRun.state] : undefined;
}

/**
 * The result of a job run that ended, with EMR Serverless's own words.
 *
 * @example
 * jobRunResult({ jobRunId: '00f2', state: 'FAILED', stateDetails: 'ExitCode: 1' })
 * // { succeeded: false, reason: 'EMR Serverless job run 00f2 FAILED: ExitCode: 1' }
 */
export function jobRunResult(jobRun: JobRun): ExecutorResult | undefined {
  if (jobRun.state === 'SUCCESS') return { succeeded: true };
  if (jobRun.state !== 'FAILED' && jobRun.state !== 'CANCELLED') return undefined;
  const why = jobRun.stateDetails || 'no reason given';
  return { succeeded: false, reason: `EMR Serverless job run ${jobRun.jobRunId} ${jobRun.state}: ${why}` };
}

/**
 * Where EMR Serverless writes the driver's output with an S3 log URI:
 * `<logUri>/applications/<app>/jobs/<run>/SPARK_DRIVER/{stdout,stderr}.gz`.
 *
 * @example
 * driverLogRefs('us-east-1', 's3://logs/sls/', '00fa', '00fb')[0]
 * // { kind: 's3', region: 'us-east-1', bucket: 'logs', key: 'sls/applications/00fa/jobs/00fb/SPARK_DRIVER/stdout.gz', source: 'emr-stdout' }
 */
export function driverLogRefs(
  region: string,
  logUri: string,
  applicationId: string,
  jobRunId: string,
): LogStreamRef[] {
  return s3OutputRefs(region, logUri, `applications/${applicationId}/jobs/${jobRunId}/SPARK_DRIVER`);
}
