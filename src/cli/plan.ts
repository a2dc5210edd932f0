import { readFileSync } from 'node:fs';
import { parseSecretReference } from '../domain/secret-reference.js';
import type { EnvironmentVariable, ProcessDefinition, TaskDefinition } from '../domain/types.js';
import { validateDefinition } from '../domain/validate-definition.js';
import { ValidationError } from '../domain/validation-error.js';
import { awsJobEnvironment, definitionFamily } from '../executors/aws/aws-names.js';
import {
  type AwsExecutorOptions,
  awsOptionsFromEnv,
  defaultRegion,
  isFargate,
} from '../executors/aws/aws-options.js';
import {
  findJobInput,
  registerJobDefinitionInput,
  submitJobInput,
} from '../executors/batch/batch-requests.js';
import {
  type EcsPlacement,
  registerTaskDefinitionInput,
  runTaskInput,
} from '../executors/ecs/ecs-requests.js';
import { runJobFlowInput } from '../executors/emr/emr-cluster-request.js';
import { emrSteps } from '../executors/emr/emr-steps.js';
import { startJobRunInput } from '../executors/emr-serverless/emr-serverless-requests.js';
import type { TaskRun } from '../executors/executor.js';
import { jobEnvironment } from '../executors/job-environment.js';
import { getParameterInput, getSecretValueInput } from '../executors/secrets/secret-reader.js';

/** One AWS request a task would make, built by the executors' own functions. */
export interface PlannedRequest {
  task: string;
  service: 'batch' | 'ecs' | 'emr' | 'emr-serverless' | 'secretsmanager' | 'ssm';
  operation: string;
  input: unknown;
  /** When it is sent, if not always. */
  when?: string;
}

export interface PlanSettings
  extends Pick<
    AwsExecutorOptions,
    | 'batchJobQueue'
    | 'ecsCluster'
    | 'ecsLogGroup'
    | 'ecsLaunchType'
    | 'ecsNetwork'
    | 'ecsLogFilesImage'
    | 'emrIdleTimeoutSeconds'
  > {
  /** What jobs get as SUNDIAL_URL. */
  publicUrl: string;
  /** Region of Batch and ECS jobs. */
  region?: string;
}

/** Stand-ins for values known only once a run exists. */
const placeholderRun = (def: ProcessDefinition, t: TaskDefinition): TaskRun => ({
  taskId: '<task-id>',
  processId: '<process-id>',
  definitionName: def.process_definition_name,
  taskDefinitionName: t.task_definition_name,
  attempt: 0,
  executable: t.executable,
  executionState: {},
  startedAt: new Date(0),
});

/** The environment a job gets (the engine's `jobEnvironment`), with placeholders for run values. */
const placeholderHost = (publicUrl: string) => ({
  // The task token is a secret made per run: the plan names it, never shows one.
  jobEnvironment: (run: TaskRun) => jobEnvironment(run, publicUrl, '<task-token>'),
});

/**
 * Every AWS request the tasks of a definition would make on their first run, without making any.
 * Shell tasks make none, except the reads of their secrets in AWS (references shown, never values).
 *
 * @example
 * planAwsRequests(def, { publicUrl: 'http://sundial:8080', batchJobQueue: 'jobs' })
 * // [{ task: 'extract', service: 'batch', operation: 'SubmitJob', input: { jobName: 'sundial-extract-<task-id>', … } }, …]
 */
export function planAwsRequests(def: ProcessDefinition, settings: PlanSettings): PlannedRequest[] {
  const region = settings.region ?? defaultRegion(undefined);
  const host = placeholderHost(settings.publicUrl);
  return def.task_definitions.flatMap((t): PlannedRequest[] => {
    const run = placeholderRun(def, t);
    const env = awsJobEnvironment(host, run);
    const task = t.task_definition_name;
    const exe = t.executable;
    if ('batch_image_command' in exe) {
      const cmd = exe.batch_image_command;
      const queue =
        cmd.job_queue ?? settings.batchJobQueue ?? '<none: set job_queue or SUNDIAL_BATCH_JOB_QUEUE>';
      const register = registerJobDefinitionInput(run, cmd);
      return [
        {
          task,
          service: 'batch',
          operation: 'DescribeJobDefinitions',
          input: { jobDefinitionName: register.jobDefinitionName, status: 'ACTIVE' },
          when: 'once per start: the latest ACTIVE revision',
        },
        {
          task,
          service: 'batch',
          operation: 'RegisterJobDefinition',
          input: register,
          when: 'unless that revision matches',
        },
        {
          task,
          service: 'batch',
          operation: 'ListJobs',
          input: findJobInput(run, queue),
          when: 'only on a replay after a crash',
        },
        {
          task,
          service: 'batch',
          operation: 'SubmitJob',
          input: submitJobInput(run, queue, `<ARN of ${register.jobDefinitionName}>`, env),
        },
      ];
    }
    if ('docker_image_command' in exe) {
      const placement: EcsPlacement = {
        region,
        cluster: settings.ecsCluster ?? 'default',
        logGroup: settings.ecsLogGroup ?? '/sundial/ecs',
        ...(settings.ecsLaunchType && { launchType: settings.ecsLaunchType }),
        ...(settings.ecsNetwork && { network: settings.ecsNetwork }),
        ...(settings.ecsLogFilesImage && { logFilesImage: settings.ecsLogFilesImage }),
      };
      const register = registerTaskDefinitionInput(run, exe.docker_image_command, placement);
      return [
        {
          task,
          service: 'ecs',
          operation: 'DescribeTaskDefinition',
          input: { taskDefinition: register.family },
          when: 'once per start: the latest ACTIVE revision',
        },
        {
          task,
          service: 'ecs',
          operation: 'RegisterTaskDefinition',
          input: register,
          when: 'unless that revision matches',
        },
        {
          task,
          service: 'ecs',
          operation: 'RunTask',
          input: runTaskInput(run, `<ARN of ${definitionFamily(run)}>`, placement, env),
        },
      ];
    }
    if ('emr_command' in exe) {
      const cmd = exe.emr_command;
      if ('new_emr_cluster' in cmd.emr_cluster) {
        const steps = emrSteps(run, cmd, env, 'TERMINATE_CLUSTER');
        return [
          {
            task,
            service: 'emr',
            operation: 'RunJobFlow',
            input: runJobFlowInput(run, cmd.emr_cluster.new_emr_cluster, steps, {
              idleTimeoutSeconds: settings.emrIdleTimeoutSeconds,
            }),
          },
        ];
      }
      const JobFlowId = cmd.emr_cluster.existing_emr_cluster.cluster_id;
      return [
        {
          task,
          service: 'emr',
          operation: 'AddJobFlowSteps',
          input: { JobFlowId, Steps: emrSteps(run, cmd, env, 'CONTINUE') },
        },
      ];
    }
    if ('shell_script_command' in exe)
      return secretReads(task, exe.shell_script_command.environment_variables);
    if ('emr_serverless_command' in exe) {
      return [
        {
          task,
          service: 'emr-serverless',
          operation: 'StartJobRun',
          input: startJobRunInput(run, exe.emr_serverless_command, env),
          when: 'sent again with the same clientToken after a crash: it answers the same job run',
        },
      ];
    }
    return [];
  });
}

/** The reads a shell task's AWS secret references make at dispatch: references only, never values. */
function secretReads(task: string, vars: readonly EnvironmentVariable[] | undefined): PlannedRequest[] {
  return (vars ?? []).flatMap((v): PlannedRequest[] => {
    const ref = v.secret === undefined ? undefined : parseSecretReference(v.secret);
    const when = `at dispatch, for ${v.variable_name}`;
    if (typeof ref !== 'object') return [];
    if (ref.source === 'secretsmanager')
      return [
        {
          task,
          service: 'secretsmanager',
          operation: 'GetSecretValue',
          input: getSecretValueInput(ref.id),
          when,
        },
      ];
    if (ref.source === 'ssm')
      return [{ task, service: 'ssm', operation: 'GetParameter', input: getParameterInput(ref.id), when }];
    return [];
  });
}

const SECRET_READ = "the value goes only into the job's environment and is masked in its log";
const FOLLOW: Record<PlannedRequest['service'], string> = {
  secretsmanager: SECRET_READ,
  ssm: SECRET_READ,
  batch: 'then DescribeJobs (shared: one call per 100 running jobs); kill: TerminateJob',
  ecs: 'then DescribeTasks (shared: one call per 100 running tasks of a cluster); kill: StopTask',
  'emr-serverless': 'then GetJobRun (shared poller); kill: CancelJobRun; driver logs from s3_log_uri',
  emr: 'then ListSteps (shared: one call per cluster), DescribeCluster when a step ends badly; kill: TerminateJobFlows (new cluster) or CancelSteps (existing)',
};

/** The plan as text: per task, each request with its JSON input. */
export function formatPlan(def: ProcessDefinition, requests: PlannedRequest[]): string {
  const lines: string[] = [];
  for (const t of def.task_definitions) {
    const mine = requests.filter((r) => r.task === t.task_definition_name);
    const kind = Object.keys(t.executable)[0];
    lines.push(`${def.process_definition_name} / ${t.task_definition_name} (${kind})`);
    if (mine.length === 0) lines.push('  no AWS requests');
    for (const r of mine) {
      lines.push(`  ${r.service}.${r.operation}${r.when ? `  (${r.when})` : ''}`);
      lines.push(
        ...JSON.stringify(r.input, null, 2)
          .split('\n')
          .map((l) => `    ${l}`),
      );
    }
    if (mine[0]) lines.push(`  ${FOLLOW[mine[0].service]}`);
    lines.push('');
  }
  return lines.join('\n');
}

/** `sundial plan`'s options, as commander parses them. */
export interface PlanOptions {
  file: string;
  publicUrl: string;
  region?: string;
  batchJobQueue?: string;
  ecsCluster?: string;
  json?: boolean;
}

/**
 * `sundial plan`: reads and checks the definition file, prints the AWS requests of its tasks.
 *
 * @example
 * runPlan({ file: 'nightly.json', publicUrl: 'http://127.0.0.1:8080', json: true });
 */
export function runPlan(o: PlanOptions): void {
  // Read here, not when the program is built: a settings error concerns this command only.
  const env = awsOptionsFromEnv();
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(o.file, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ field: 'file', problem: `${o.file}: ${(e as Error).message}` }]);
  }
  // The server's own check: on Fargate, docker_image_command needs a role and a size it has.
  const def = validateDefinition(body, { ecsFargate: isFargate(env.ecsLaunchType) });
  const requests = planAwsRequests(def, {
    ...env,
    publicUrl: o.publicUrl,
    ...(o.region && { region: o.region }),
    ...(o.batchJobQueue && { batchJobQueue: o.batchJobQueue }),
    ecsCluster: o.ecsCluster ?? env.ecsCluster ?? 'default',
  });
  console.log(o.json ? JSON.stringify(requests, null, 2) : formatPlan(def, requests));
}
