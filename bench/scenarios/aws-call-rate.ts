import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { type Sundial, startSundial } from '../../src/app.js';
import { type AwsEmulator, startAwsEmulator } from '../../src/aws-emulator/index.js';
import type { ProcessDefinition, TaskDefinition, TaskExecutable } from '../../src/domain/types.js';
import { mean, percentile, poll, sleep } from '../lib/stats.js';

export interface AwsEfficiencyOptions {
  /** 1 = 200 Batch jobs and 20 EMR clusters; 0.1 = 20 and 2. */
  scale: number;
  /** PostgreSQL URL of an empty database; default: in-memory PGlite. */
  databaseUrl?: string;
  /** Length of the measured steady window (default 60 s, or BENCH_AWS_WINDOW_SECONDS). */
  windowSeconds?: number;
}

export interface AwsEfficiencyResult {
  /** All AWS calls (every service) in the window, per running task per minute. */
  callsPerTaskPerMinute: number;
  /** The same split by `service.Operation`, e.g. `{ 'batch.DescribeJobs': 0.06 }`. */
  byOperation: Record<string, number>;
  /** From a job's end on the emulator to its task's end in Sundial. */
  noticedP50Ms: number;
  noticedMaxMs: number;
}

/** Time from trigger to every task running, then settling, is bounded by this (jobs outlive it). */
const STARTUP_SECONDS = 60;
const SETTLE_SECONDS = 15;

const task = (name: string, executable: TaskExecutable): TaskDefinition => ({
  task_definition_name: name,
  dependencies: [],
  executable,
  max_attempts: 1,
  backoff_base_seconds: 0,
});

const batchJobs = (n: number, seconds: number): ProcessDefinition => ({
  process_definition_name: 'aws-rate-batch',
  task_definitions: Array.from({ length: n }, (_, i) =>
    task(`job${i}`, {
      batch_image_command: { image: 'acme/etl', command: ['sleep', String(seconds)], memory: 512, vCpus: 1 },
    }),
  ),
});

const emrJobs = (n: number, seconds: number): ProcessDefinition => {
  const onDemand = { on_demand: 'on_demand' } as const;
  return {
    process_definition_name: 'aws-rate-emr',
    task_definitions: Array.from({ length: n }, (_, i) =>
      task(`spark${i}`, {
        emr_command: {
          emr_cluster: {
            new_emr_cluster: {
              name: `rate cluster ${i}`,
              release_label: 'emr-6.15.0',
              applications: ['Spark'],
              s3_log_uri: 's3://rate-cluster-logs/emr/',
              master_instance: { emr_instance_type: 'm5.xlarge', instance_count: 1, aws_market: onDemand },
              core_instance: { emr_instance_type: 'm5.xlarge', instance_count: 2, aws_market: onDemand },
              emr_service_role: { default_emr_service_role: 'EMR_DefaultRole' },
              emr_job_flow_role: { default_emr_job_flow_role: 'EMR_EC2_DefaultRole' },
            },
          },
          job_name: `RateJob${i}`,
          region: 'us-east-1',
          class: 'com.acme.Main',
          s3_jar_path: 's3://jars/job.jar',
          spark_conf: [],
          args: [String(seconds)],
        },
      }),
    ),
  };
};

/** A `spark-submit` for the emulator's steps: one line, then sleeps its last argument (seconds). */
async function sparkStandIn(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sundial-aws-rate-'));
  const script = join(dir, 'spark-submit');
  await writeFile(
    script,
    '#!/bin/sh\necho "spark-submit stand-in: $#"\nfor last; do :; done\nexec sleep "$last"\n',
  );
  await chmod(script, 0o755);
  return dir;
}

interface TaskRow {
  id: string;
  executor: string;
  status: string;
  ended_at: Date | null;
}

const tasksOf = (s: Sundial) =>
  s.db.query<TaskRow>(
    `select id, executor, status, ended_at from tasks where definition_name in ('aws-rate-batch', 'aws-rate-emr')`,
  );

/** When each job ended on the emulator's side (epoch ms), by Sundial task id. */
function jobEnds(emulator: AwsEmulator): Map<string, number> {
  const state = emulator.state() as {
    batch: { jobs: { jobName: string; stoppedAt?: number }[] };
    emr: {
      clusters: {
        Tags: { Key: string; Value: string }[];
        Steps: { Status: { Timeline?: { EndDateTime?: number } } }[];
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
    const end = cluster.Steps.at(-1)?.Status.Timeline?.EndDateTime;
    if (taskId && end) ends.set(taskId, end * 1000);
  }
  return ends;
}

/**
 * AWS calls Sundial makes per running task per minute, with `200 × scale` AWS Batch jobs and
 * `20 × scale` EMR tasks on clusters of their own (new_emr_cluster) running at once on an
 * in-process AWS emulator, over a steady window after every task runs (nobody watches a log);
 * then how long after each job's end Sundial recorded the task's end. Production poll settings.
 *
 * @example
 * const r = await runAwsEfficiency({ scale: 1 });
 * console.log(r.callsPerTaskPerMinute, r.byOperation, r.noticedP50Ms, r.noticedMaxMs);
 */
export async function runAwsEfficiency(opts: AwsEfficiencyOptions): Promise<AwsEfficiencyResult> {
  const nBatch = Math.max(1, Math.round(200 * opts.scale));
  const nEmr = Math.max(1, Math.round(20 * opts.scale));
  const window = opts.windowSeconds ?? Number(process.env.BENCH_AWS_WINDOW_SECONDS ?? 60);
  const jobSeconds = STARTUP_SECONDS + SETTLE_SECONDS + window + 10;
  const bin = await sparkStandIn();
  const emulator = await startAwsEmulator({ extraPath: [bin] });
  try {
    const sundial = await startSundial({
      port: 0,
      logger: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' }),
      ...(opts.databaseUrl ? { databaseUrl: opts.databaseUrl } : { dataDir: 'memory://' }),
      aws: {
        client: {
          endpoint: emulator.url,
          region: 'us-east-1',
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        },
        batchJobQueue: 'default',
      },
    });
    try {
      return await measure(sundial, emulator, nBatch, nEmr, window, jobSeconds);
    } finally {
      await sundial.close();
    }
  } finally {
    await emulator.stop();
    await rm(bin, { recursive: true, force: true });
  }
}

async function measure(
  sundial: Sundial,
  emulator: AwsEmulator,
  nBatch: number,
  nEmr: number,
  window: number,
  jobSeconds: number,
): Promise<AwsEfficiencyResult> {
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${sundial.url}${path}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  for (const def of [batchJobs(nBatch, jobSeconds), emrJobs(nEmr, jobSeconds)]) {
    await call('PUT', `/api/process_definitions/${def.process_definition_name}`, def);
    await call('POST', `/api/process_definitions/${def.process_definition_name}/trigger`);
  }
  await poll(
    'every AWS task running',
    async () => {
      const tasks = await tasksOf(sundial);
      const failed = tasks.find((t) => t.status === 'failed');
      if (failed) throw new Error(`a ${failed.executor} task failed before the window`);
      return tasks.filter((t) => t.status === 'running').length === nBatch + nEmr ? true : undefined;
    },
    STARTUP_SECONDS * 1000,
    500,
  );
  await sleep(SETTLE_SECONDS * 1000); // past the fast polls that follow a submit
  emulator.resetStats();
  const running: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < window * 1000) {
    await sleep(Math.min(5000, window * 1000 - (performance.now() - t0)));
    running.push((await tasksOf(sundial)).filter((t) => t.status === 'running').length);
  }
  const minutes = (performance.now() - t0) / 60_000;
  const stats = emulator.stats();
  const perTaskMinute = (n: number) => n / mean(running) / minutes;
  const tasks = await poll(
    'every AWS task ended',
    async () => {
      const all = await tasksOf(sundial);
      return all.every((t) => t.ended_at) ? all : undefined;
    },
    (jobSeconds + 120) * 1000,
    1000,
  );
  const ends = jobEnds(emulator);
  const noticed = tasks.flatMap((t) => {
    const end = ends.get(t.id);
    return end && t.ended_at ? [t.ended_at.getTime() - end] : [];
  });
  return {
    callsPerTaskPerMinute: perTaskMinute(Object.values(stats).reduce((a, b) => a + b, 0)),
    byOperation: Object.fromEntries(Object.entries(stats).map(([op, n]) => [op, perTaskMinute(n)])),
    noticedP50Ms: percentile(noticed, 50),
    noticedMaxMs: noticed.length ? Math.max(...noticed) : Number.NaN,
  };
}
