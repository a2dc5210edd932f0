import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateApplicationCommand, EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { afterAll, beforeAll } from 'vitest';
import type { SundialOptions } from '../../../src/app.js';
import {
  type AwsEmulator,
  type AwsEmulatorOptions,
  startAwsEmulator,
} from '../../../src/aws-emulator/index.js';
import type { TaskDefinition, TaskExecutable } from '../../../src/domain/types.js';
import type { AwsExecutorOptions } from '../../../src/executors/aws/aws-options.js';
import { Harness, type WireProcess, type WireTask, waitFor } from '../../helpers/harness.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

/** Stand-ins the emulator runs as jobs: sundial-job, spark-submit, s3-dist-cp. */
export const AWS_BIN = fileURLToPath(new URL('../../../aws-stand-ins', import.meta.url));

/** An in-process AWS emulator with fast lifecycles (and `extra` options, e.g. a clock). */
export function startEmulator(extra: AwsEmulatorOptions = {}): Promise<AwsEmulator> {
  return startAwsEmulator({
    extraPath: [AWS_BIN],
    timings: { transitionMs: 20, logUploadMs: 200, killGraceMs: 300 },
    ...extra,
  });
}

/** Executor settings pointing at the emulator, with a short poll interval; `extra.client` adds to the client's. */
export function awsOptions(emulator: AwsEmulator, extra: AwsExecutorOptions = {}): AwsExecutorOptions {
  return {
    batchJobQueue: 'default',
    poll: { fastMs: 100, slowMs: 300 },
    ...extra,
    client: {
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...extra.client,
    },
  };
}

export function startSundial(emulator: AwsEmulator, extra: AwsExecutorOptions = {}, db = {}) {
  return Harness.start({ aws: awsOptions(emulator, extra), ...db });
}

/** The emulator and the Sundial that the tests of one `describe` share. */
export interface AwsWorld {
  readonly emulator: AwsEmulator;
  /** Sundial with executors pointing at the emulator (none with `sundial: false`). */
  readonly h: Harness;
}

export interface AwsWorldOptions {
  /** Puts in AWS what the tests expect to find there (e.g. an EMR cluster), before Sundial starts. */
  seed?: (emulator: AwsEmulator) => Promise<void>;
  /** `false`: the tests start their own Sundials (e.g. two lives on one database). */
  sundial?: boolean;
  /** Executor settings on top of {@link awsOptions}. */
  aws?: AwsExecutorOptions;
  /** Other Sundial settings (e.g. `liveLogs`). */
  sundialOptions?: Omit<SundialOptions, 'aws'>;
  /** Emulator settings on top of {@link startEmulator}'s (e.g. a clock). */
  emulatorOptions?: AwsEmulatorOptions;
}

/**
 * Starts an emulator and a Sundial on it before the tests of the enclosing `describe`, and stops
 * both after them: the setup every AWS test file shares.
 *
 * @example
 * describe('batch_image_command on AWS Batch', () => {
 *   const world = useAwsWorld();
 *   it('runs a job', async () => {
 *     await world.h.put(definition);
 *     expect(world.emulator.count('batch', 'SubmitJob')).toBe(1);
 *   });
 * });
 */
export function useAwsWorld(options: AwsWorldOptions = {}): AwsWorld {
  let emulator: AwsEmulator | undefined;
  let h: Harness | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options.emulatorOptions);
    await options.seed?.(emulator);
    if (options.sundial !== false) h = await startSundial(emulator, options.aws, options.sundialOptions);
  });
  afterAll(async () => {
    await h?.close();
    await emulator?.stop();
  });
  // Getters, because the hooks above fill these in only when the tests run.
  return {
    get emulator() {
      return started(emulator, 'emulator');
    },
    get h() {
      return started(h, 'Sundial');
    },
  };
}

function started<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the AWS world's ${what} is not running here`);
  return value;
}

/** A task definition with test defaults around an AWS executable. */
export function awsTask(
  name: string,
  executable: TaskExecutable,
  extra: Partial<TaskDefinition> = {},
): TaskDefinition {
  return {
    task_definition_name: name,
    dependencies: [],
    executable,
    max_attempts: 1,
    backoff_base_seconds: 0,
    ...extra,
  };
}

/** Waits until the run's latest task has this status (e.g. `running`). */
export async function waitForTaskStatus(h: Harness, processId: string, status: string): Promise<WireTask> {
  return waitFor(async () => {
    const p = await h.process(processId);
    return p.task.find((t) => t.status === status);
  });
}

/** Triggers a run and returns it once it has a task in `status`. */
export async function triggerUntil(h: Harness, name: string, status: string): Promise<WireProcess> {
  const run = await h.startRun(name);
  await waitForTaskStatus(h, run.process_id, status);
  return h.process(run.process_id);
}

export const metadataOf = (t: WireTask) =>
  Object.fromEntries(t.metadata_entries.map((m) => [m.key, m.value]));

/** A container job (Batch or ECS) of the stand-in image, which sleeps `sleepSeconds` when given. */
export function standInJob(sleepSeconds?: number) {
  const sleep = sleepSeconds === undefined ? [] : ['--sleep', String(sleepSeconds)];
  return { image: 'etl', tag: '1', command: ['sundial-job', ...sleep], memory: 256 };
}

/** The Batch jobs submitted for a Sundial task (their names end with its id). */
export const batchJobsOf = (emulator: AwsEmulator, taskId: string) =>
  emulatorState<{ jobId: string; jobName: string }[]>(emulator, 'batch', 'jobs').filter((j) =>
    j.jobName.endsWith(taskId),
  );

/** The ECS tasks started for a Sundial task (`startedBy` is its id, cut to ECS's 36 characters). */
export const ecsTasksOf = (emulator: AwsEmulator, taskId: string) =>
  emulatorState<{ taskArn: string; startedBy: string }[]>(emulator, 'ecs', 'tasks').filter(
    (t) => t.startedBy === `sundial-${taskId}`.slice(0, 36),
  );

/** The emulator's view of one service, typed loosely for assertions. */
export function emulatorState<T = Record<string, unknown>[]>(
  emulator: AwsEmulator,
  service: 'batch' | 'ecs' | 'emr' | 'emr-serverless',
  key: string,
): T {
  return (emulator.state()[service] as Record<string, unknown>)[key] as T;
}

/** A database that outlives one Sundial, so a second one can start on it (a restart). */
export async function durableDatabase(): Promise<{
  options: { databaseUrl?: string; dataDir?: string; pgliteTemplate?: Blob };
  drop(): Promise<void>;
}> {
  if (backend === 'postgres') return freshDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'sundial-restart-'));
  // No template: PGlite loads one only into an empty directory, and the second start finds data.
  return {
    options: { dataDir: dir, pgliteTemplate: undefined },
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Sundials that live one after another on one database, as a scheduler restarted on it. */
export interface Lives {
  /** Starts a Sundial on the shared database, its executors on the world's emulator with `aws` settings. */
  start(aws?: AwsExecutorOptions): Promise<Harness>;
  /** Shuts a Sundial down: the end of its life (e.g. after a hook hung it, as if it had crashed). */
  end(h: Harness): Promise<void>;
}

/**
 * A {@link durableDatabase} made before the tests of the enclosing `describe` and dropped after
 * them, with the Sundials its tests start on it; those still running are closed first.
 * Call it after {@link useAwsWorld} (with `sundial: false`): Vitest runs the afterAll hooks
 * last-registered first, so the Sundials stop before the emulator they talk to.
 */
export function useLives(world: AwsWorld): Lives {
  let db: Awaited<ReturnType<typeof durableDatabase>> | undefined;
  const running = new Set<Harness>();
  beforeAll(async () => {
    db = await durableDatabase();
  });
  afterAll(async () => {
    for (const h of running) await h.close().catch(() => {});
    await db?.drop();
  });
  return {
    async start(aws = {}) {
      const h = await startSundial(world.emulator, aws, started(db, 'database').options);
      running.add(h);
      return h;
    },
    async end(h) {
      running.delete(h);
      await h.close();
    },
  };
}

/** Creates a Spark application on the emulator's EMR Serverless; returns its id. */
export async function createServerlessApplication(emulator: AwsEmulator): Promise<string> {
  const client = new EMRServerlessClient(awsOptions(emulator).client!);
  try {
    const app = await client.send(
      new CreateApplicationCommand({ name: 'spark', releaseLabel: 'emr-7.5.0', type: 'SPARK' }),
    );
    return app.applicationId!;
  } finally {
    client.destroy();
  }
}
