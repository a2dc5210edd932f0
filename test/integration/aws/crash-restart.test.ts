import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, waitFor } from '../../helpers/harness.js';
import {
  awsOptions,
  awsTask,
  createServerlessApplication,
  durableDatabase,
  emulatorState,
  useAwsWorld,
} from './aws-world.js';
import {
  clusterById,
  clustersOfTask,
  createExistingCluster,
  newClusterJob,
  POST_CLUSTER_ID,
  postExistingExecutable,
  terminal,
} from './emr-world.js';

describe('a scheduler that dies between an AWS create call and recording its id', () => {
  // The test starts its Sundials itself: two lives on one database, the first with a hook.
  let applicationId = '';
  const world = useAwsWorld({
    seed: async (emulator) => {
      await createExistingCluster(emulator);
      applicationId = await createServerlessApplication(emulator);
    },
    sundial: false,
  });
  let db: Awaited<ReturnType<typeof durableDatabase>>;
  const sundials: Harness[] = [];
  beforeAll(async () => {
    db = await durableDatabase();
  });
  // Vitest runs afterAll hooks last-registered first: the Sundials stop before the world's emulator.
  afterAll(async () => {
    for (const s of sundials) await s.close().catch(() => {});
    await db?.drop();
  });

  it('finds each job after the restart instead of creating another, and finishes it', {
    timeout: 180_000,
  }, async () => {
    // First life: every create call takes effect in AWS, then the scheduler hangs before the
    // database learns the id (as if it had crashed there), and is shut down. Tasks named
    // `*-known` get their ids recorded and are still running at the shutdown.
    const created = new Map<string, string>();
    const first = await Harness.start({
      ...db.options,
      aws: awsOptions(world.emulator, {
        hooks: {
          afterCreate: async ({ taskId, awsId }) => {
            const task = await first.request<{ task_definition_name: string }>('GET', `/api/tasks/${taskId}`);
            const name = task.body.task_definition_name;
            if (name.endsWith('-known')) return;
            created.set(name, awsId);
            return new Promise(() => {});
          },
        },
      }),
    });
    sundials.push(first);
    const job = (seconds: string) => ({
      image: 'etl',
      tag: '1',
      command: ['sundial-job', '--sleep', seconds],
      memory: 256,
    });
    await first.put({
      process_definition_name: 'crash',
      task_definitions: [
        awsTask('batch', { batch_image_command: job('1') }),
        awsTask('ecs', { docker_image_command: job('1') }),
        awsTask('emr-new', newClusterJob({ args: ['--sleep', '1'] })),
        awsTask('emr-existing', postExistingExecutable()),
        awsTask('sls', {
          emr_serverless_command: {
            application_id: applicationId,
            execution_role_arn: 'arn:aws:iam::000000000000:role/job',
            entry_point: 's3://jobs/etl.jar',
            entry_point_arguments: ['--sleep', '1'],
          },
        }),
        // Long enough to be running still when the first life ends, even on a busy machine.
        awsTask('batch-known', { batch_image_command: job('8') }),
        awsTask('emr-known', newClusterJob({ args: ['--sleep', '8'] })),
      ],
    });
    await first.trigger('crash');
    const run = await first.waitForRun('crash');
    // Seven creates, two of them EMR clusters that must reach RUNNING: slow on a busy machine.
    await waitFor(async () => {
      const p = await first.process(run.process_id);
      const known = p.task.filter((t) => t.task_definition_name.endsWith('-known'));
      return created.size === 5 && known.every((t) => t.status === 'running') ? true : undefined;
    }, 60_000);
    const before = await first.process(run.process_id);
    expect(
      before.task
        .filter((t) => t.status === 'submitted')
        .map((t) => t.task_definition_name)
        .sort(),
    ).toEqual(['batch', 'ecs', 'emr-existing', 'emr-new', 'sls']);
    const runningAtShutdown = before.task
      .filter((t) => t.task_definition_name.endsWith('-known') && t.status === 'running')
      .map((t) => t.task_definition_name);
    expect(runningAtShutdown.length).toBeGreaterThan(0);
    sundials.pop();
    await first.close();

    // Second life on the same database.
    const second = await Harness.start({ ...db.options, aws: awsOptions(world.emulator) });
    try {
      const ended = await second.waitForEnd(run.process_id, 60_000);
      expect(ended.task.map((t) => [t.task_definition_name, t.status]).sort()).toEqual([
        ['batch', 'succeeded'],
        ['batch-known', 'succeeded'],
        ['ecs', 'succeeded'],
        ['emr-existing', 'succeeded'],
        ['emr-known', 'succeeded'],
        ['emr-new', 'succeeded'],
        ['sls', 'succeeded'],
      ]);
      const taskOf = (name: string) => ended.task.find((t) => t.task_definition_name === name)!;
      const idOf = (name: string) => taskOf(name).task_id;
      // A known job that ended before the shutdown had nothing to take over.
      for (const name of runningAtShutdown) {
        expect(
          taskOf(name).log_entries.some((l) => l.message.startsWith('scheduler took over: following')),
        ).toBe(true);
      }
      const batchJobs = emulatorState<{ jobId: string; jobName: string }[]>(world.emulator, 'batch', 'jobs');
      expect(batchJobs.filter((j) => j.jobName.endsWith(idOf('batch-known')))).toHaveLength(1);
      const [knownCluster, ...extra] = clustersOfTask(world.emulator, idOf('emr-known'));
      expect(extra).toHaveLength(0);
      await waitFor(async () =>
        terminal(clusterById(world.emulator, knownCluster!.Id).Status.State) ? true : undefined,
      );

      expect(batchJobs.filter((j) => j.jobName.endsWith(idOf('batch'))).map((j) => j.jobId)).toEqual([
        created.get('batch'),
      ]);

      const tasks = emulatorState<{ taskArn: string; startedBy: string }[]>(world.emulator, 'ecs', 'tasks');
      expect(
        tasks.filter((t) => t.startedBy === `sundial-${idOf('ecs')}`.slice(0, 36)).map((t) => t.taskArn),
      ).toEqual([created.get('ecs')]);

      const clusters = clustersOfTask(world.emulator, idOf('emr-new'));
      expect(clusters.map((c) => c.Id)).toEqual([created.get('emr-new')]);
      await waitFor(async () =>
        terminal(clusterById(world.emulator, clusters[0]!.Id).Status.State) ? true : undefined,
      );

      const jobRuns = emulatorState<{ jobRunId: string; name: string }[]>(
        world.emulator,
        'emr-serverless',
        'jobRuns',
      );
      expect(jobRuns.filter((r) => r.name.endsWith(idOf('sls'))).map((r) => r.jobRunId)).toEqual([
        created.get('sls'),
      ]);

      const steps = clusterById(world.emulator, POST_CLUSTER_ID).Steps.filter((s) =>
        s.Name.includes(idOf('emr-existing')),
      );
      expect(steps.map((s) => s.Id).join(',')).toBe(created.get('emr-existing'));
    } finally {
      await second.close();
    }
  });
});
