import type { ActionOnFailure, StepConfig } from '@aws-sdk/client-emr';
import type { EmrCommand, S3Cp } from '../../domain/types.js';
import type { TaskRun } from '../executor.js';

/**
 * The EMR steps of an `emr_command`: `load_data` copies, the Spark job, `save_results` copies,
 * each through `command-runner.jar` and each named with the task id so a replay can find them.
 */

/** Every step name of a task carries this, e.g. `MyJob [sundial 5f0c…]`. */
export const stepMark = (taskId: string) => `[sundial ${taskId}]`;

export const COMMAND_RUNNER = 'command-runner.jar';

/**
 * `spark-submit [--conf c]... [--packages g:a:v,...] --class CLASS JAR ARGS...`; the job's Sundial
 * environment goes to the driver (YARN application master) and the executors as Spark confs.
 *
 * @example
 * sparkSubmitArgs({ class: 'com.acme.Main', s3_jar_path: 's3://b/j.jar', spark_conf: [], args: ['x'], … }, {})
 * // ['spark-submit', '--class', 'com.acme.Main', 's3://b/j.jar', 'x']
 */
export function sparkSubmitArgs(cmd: EmrCommand, env: Record<string, string>): string[] {
  const confs = [
    ...cmd.spark_conf,
    ...Object.entries(env).flatMap(([k, v]) => [
      `spark.yarn.appMasterEnv.${k}=${v}`,
      `spark.executorEnv.${k}=${v}`,
    ]),
  ];
  const packages = (cmd.spark_packages ?? []).map((p) => `${p.group_id}:${p.artifact_id}:${p.version}`);
  return [
    'spark-submit',
    ...confs.flatMap((c) => ['--conf', c]),
    ...(packages.length ? ['--packages', packages.join(',')] : []),
    '--class',
    cmd.class,
    cmd.s3_jar_path,
    ...cmd.args,
  ];
}

function copyStep(name: string, cp: S3Cp, actionOnFailure: ActionOnFailure): StepConfig {
  return {
    Name: name,
    ActionOnFailure: actionOnFailure,
    HadoopJarStep: {
      Jar: COMMAND_RUNNER,
      Args: ['s3-dist-cp', '--src', cp.source, '--dest', cp.destination],
    },
  };
}

/**
 * All steps in order. On a cluster of our own a failed step ends the cluster; on a shared one it
 * must not, so there the executor cancels our remaining steps itself.
 */
export function emrSteps(
  run: Pick<TaskRun, 'taskId'>,
  cmd: EmrCommand,
  env: Record<string, string>,
  actionOnFailure: ActionOnFailure,
): StepConfig[] {
  const mark = stepMark(run.taskId);
  const job = cmd.job_name.slice(0, 150);
  const copies = (kind: string, list: S3Cp[] | undefined) =>
    (list ?? []).map((cp, i, all) =>
      copyStep(`${kind} ${i + 1}/${all.length}: ${job} ${mark}`, cp, actionOnFailure),
    );
  return [
    ...copies('load_data', cmd.load_data),
    {
      Name: `${job} ${mark}`,
      ActionOnFailure: actionOnFailure,
      HadoopJarStep: { Jar: COMMAND_RUNNER, Args: sparkSubmitArgs(cmd, env) },
    },
    ...copies('save_results', cmd.save_results),
  ];
}

/** The Spark step's name (its logs are the ones worth following). */
export const sparkStepName = (run: Pick<TaskRun, 'taskId'>, cmd: EmrCommand) =>
  `${cmd.job_name.slice(0, 150)} ${stepMark(run.taskId)}`;
