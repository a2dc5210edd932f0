import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/harness.js';
import {
  awsTask,
  batchJobsOf,
  createServerlessApplication,
  ecsTasksOf,
  emulatorState,
  standInJob,
  useAwsWorld,
  useLives,
} from './aws-world.js';
import {
  clustersOfTask,
  createExistingCluster,
  everyKindOfAwsTask,
  newClusterJob,
  postClusterStepsOf,
  waitForClusterEnd,
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
  const lives = useLives(world);

  it('finds each job after the restart instead of creating another, and finishes it', {
    timeout: 180_000,
  }, async () => {
    // First life: every create call takes effect in AWS, then the scheduler hangs before the
    // database learns the id (as if it had crashed there), and is shut down. Tasks named
    // `*-known` get their ids recorded and are still running at the shutdown.
    const created = new Map<string, string>();
    const first = await lives.start({
      hooks: {
        afterCreate: async ({ taskId, awsId }) => {
          const task = await first.request<{ task_definition_name: string }>('GET', `/api/tasks/${taskId}`);
          const name = task.body.task_definition_name;
          if (name.endsWith('-known')) return;
          created.set(name, awsId);
          return new Promise(() => {});
        },
      },
    });
    await first.put({
      process_definition_name: 'crash',
      task_definitions: [
        ...everyKindOfAwsTask(1),
        awsTask('sls', {
          emr_serverless_command: {
            application_id: applicationId,
            execution_role_arn: 'arn:aws:iam::000000000000:role/job',
            entry_point: 's3://jobs/etl.jar',
            entry_point_arguments: ['--sleep', '1'],
          },
        }),
        // Long enough to be running still when the first life ends, even on a busy machine.
        awsTask('batch-known', { batch_image_command: standInJob(8) }),
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
    await lives.end(first);

    // Second life on the same database.
    const second = await lives.start();
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
      expect(batchJobsOf(world.emulator, idOf('batch-known'))).toHaveLength(1);
      const [knownCluster, ...extra] = clustersOfTask(world.emulator, idOf('emr-known'));
      expect(extra).toHaveLength(0);
      await waitForClusterEnd(world.emulator, knownCluster!.Id);

      expect(batchJobsOf(world.emulator, idOf('batch')).map((j) => j.jobId)).toEqual([created.get('batch')]);
      expect(ecsTasksOf(world.emulator, idOf('ecs')).map((t) => t.taskArn)).toEqual([created.get('ecs')]);

      const clusters = clustersOfTask(world.emulator, idOf('emr-new'));
      expect(clusters.map((c) => c.Id)).toEqual([created.get('emr-new')]);
      await waitForClusterEnd(world.emulator, clusters[0]!.Id);

      const jobRuns = emulatorState<{ jobRunId: string; name: string }[]>(
        world.emulator,
        'emr-serverless',
        'jobRuns',
      );
      expect(jobRuns.filter((r) => r.name.endsWith(idOf('sls'))).map((r) => r.jobRunId)).toEqual([
        created.get('sls'),
      ]);

      const steps = postClusterStepsOf(world.emulator, idOf('emr-existing'));
      expect(steps.map((s) => s.Id).join(',')).toBe(created.get('emr-existing'));
    } finally {
      await lives.end(second);
    }
  });
});
