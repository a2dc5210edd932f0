import { resolve } from 'node:path';
import type { AwsEmulator } from '../../src/aws-emulator/index.js';
import type { ProcessDefinition, TaskDefinition, TaskExecutable } from '../../src/domain/types.js';

/** Stand-ins the emulator runs (spark-submit → sundial-job); `npm run bench` runs from the package root. */
export const AWS_BIN = resolve('aws-stand-ins');

const task = (name: string, executable: TaskExecutable): TaskDefinition => ({
  task_definition_name: name,
  dependencies: [],
  executable,
  max_attempts: 1,
  backoff_base_seconds: 0,
});

/**
 * `n` independent AWS Batch jobs that each sleep `seconds` (coreutils
 * `sleep` as the container command: no interpreter start-up per job).
 *
 * @example
 * batchDefinition('aws-batch', 200, 120)
 */
export function batchDefinition(name: string, n: number, seconds: number): ProcessDefinition {
  return {
    process_definition_name: name,
    task_definitions: Array.from({ length: n }, (_, i) =>
      task(`job${i}`, {
        batch_image_command: {
          image: 'acme/etl',
          tag: '1.0',
          command: ['sleep', String(seconds)],
          memory: 512,
          vCpus: 1,
        },
      }),
    ),
  };
}

/** `n` Spark jobs, each on a cluster of its own (the EMR post's new-cluster example), sleeping `seconds`. */
export function emrDefinition(name: string, n: number, seconds: number): ProcessDefinition {
  const onDemand = { on_demand: 'on_demand' } as const;
  return {
    process_definition_name: name,
    task_definitions: Array.from({ length: n }, (_, i) =>
      task(`spark${i}`, {
        emr_command: {
          emr_cluster: {
            new_emr_cluster: {
              name: `bench cluster ${i}`,
              release_label: 'emr-5.11.0',
              applications: ['Spark'],
              s3_log_uri: 's3://cluster-log-bucket',
              master_instance: { emr_instance_type: 'm4.large', instance_count: 1, aws_market: onDemand },
              core_instance: { emr_instance_type: 'm4.xlarge', instance_count: 2, aws_market: onDemand },
              emr_service_role: { default_emr_service_role: 'EMR_DefaultRole' },
              emr_job_flow_role: { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' },
            },
          },
          job_name: `BenchJob${i}`,
          region: 'us-east-1',
          class: 'com.company.job.spark.core.MainClass',
          s3_jar_path: 's3://my-spark-job-release-bucket/my-job-spark-v1-0-0.jar',
          spark_conf: [],
          args: ['--sleep', String(seconds)],
        },
      }),
    ),
  };
}

/** When each job ended on the emulator's side (epoch ms), keyed by Sundial task id. */
export function emulatorEndTimes(emulator: AwsEmulator): Map<string, number> {
  const state = emulator.state() as {
    batch: { jobs: { jobName: string; stoppedAt?: number }[] };
    emr: {
      clusters: {
        Tags: { Key: string; Value: string }[];
        Steps: { Name: string; Status: { Timeline?: { EndDateTime?: number } } }[];
      }[];
    };
  };
  const ends = new Map<string, number>();
  for (const job of state.batch.jobs) {
    const taskId = /[0-9a-f-]{36}$/.exec(job.jobName)?.[0];
    if (taskId && job.stoppedAt) ends.set(taskId, job.stoppedAt);
  }
  for (const cluster of state.emr.clusters) {
    const taskId = cluster.Tags.find((t) => t.Key === 'sundial:task-id')?.Value;
    const step = cluster.Steps.find((s) => s.Name.startsWith('BenchJob'));
    const end = step?.Status.Timeline?.EndDateTime;
    if (taskId && end) ends.set(taskId, end * 1000);
  }
  return ends;
}
