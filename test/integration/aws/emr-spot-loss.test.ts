import { describe, expect, it } from 'vitest';
import type { NewEmrCluster } from '../../../src/domain/types.js';
import { type Harness, waitFor } from '../../helpers/harness.js';
import { awsTask, metadataOf, useAwsWorld, useLives } from './aws-world.js';
import {
  clustersOfTask,
  type EmrClusterState,
  newClusterJob,
  postNewCluster,
  terminal,
} from './emr-world.js';

const spot = { spot: { bid_price: 0.07 } };
/** The post's cluster with its core nodes on spot, and these settings. */
function spotCluster(extra: Partial<NewEmrCluster> = {}): Partial<NewEmrCluster> {
  const post = postNewCluster().new_emr_cluster;
  return { core_instance: { ...post.core_instance!, aws_market: spot }, ...extra };
}

/** The task's clusters once `n` exist, oldest first. */
const clustersOnce = (world: { emulator: Parameters<typeof clustersOfTask>[0] }, taskId: string, n: number) =>
  waitFor(async () => {
    const list = clustersOfTask(world.emulator, taskId);
    return list.length >= n ? list : undefined;
  });

/** The task's scheduler log once it holds a line matching `last` (lines land just after the end). */
const schedulerLog = (h: Harness, taskId: string, last: RegExp) =>
  waitFor(async () => {
    const task = await h.request<{ log_entries: { source: string; message: string }[] }>(
      'GET',
      `/api/tasks/${taskId}`,
    );
    const lines = task.body.log_entries.filter((l) => l.source === 'scheduler').map((l) => l.message);
    return lines.some((l) => last.test(l)) ? lines : undefined;
  });

const running = (c: EmrClusterState | undefined) =>
  c?.Steps.some((s) => s.Name.startsWith('MyJobName1') && s.Status.State === 'RUNNING');

describe('emr_command when spot capacity is lost', () => {
  const world = useAwsWorld();

  it('retries a spot interruption mid-step on a fresh on-demand cluster, outside max_attempts', async () => {
    await world.h.put({
      process_definition_name: 'spot-fallback',
      task_definitions: [
        awsTask(
          'spark',
          newClusterJob({ args: ['--sleep', '3'] }, spotCluster({ spot_fallback: 'on_demand' })),
        ),
      ],
    });
    // The interruption lands while the Spark step runs, as the emulator sees it (not as Sundial's poll does).
    await world.h.trigger('spot-fallback');
    const started = await world.h.waitForRun('spot-fallback');
    const taskId = await waitFor(async () => (await world.h.process(started.process_id)).task[0]?.task_id);
    const [first] = await clustersOnce(world, taskId, 1);
    await waitFor(
      async () => (running(clustersOfTask(world.emulator, taskId)[0]) ? true : undefined),
      20_000,
      10,
    );
    world.emulator.injectFault({ type: 'spot-interruption', clusterId: first!.Id, instanceRole: 'CORE' });

    const run = await world.h.waitForEnd(started.process_id);
    expect(run.status).toBe('succeeded');
    expect(run.task).toHaveLength(1); // the user's attempts are untouched
    const task = run.task[0]!;
    const [lost, fresh, ...more] = clustersOfTask(world.emulator, taskId);
    expect(more).toHaveLength(0);
    expect(lost!.Status.State).toBe('TERMINATED_WITH_ERRORS');
    expect(fresh!.Status.State).toBe('TERMINATED');
    expect(fresh!.RequestedInstances?.InstanceGroups.map((g) => g.Market)).toEqual([
      'ON_DEMAND',
      'ON_DEMAND',
    ]);
    expect(fresh!.Tags).toContainEqual({ Key: 'sundial:spot-retry', Value: '1' });
    expect(metadataOf(task)).toMatchObject({ emr_spot_losses: '1', emr_lost_clusters: lost!.Id });
    const log = await schedulerLog(world.h, taskId, new RegExp(`^EMR cluster ${fresh!.Id} terminated`));
    expect(log).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(
            `^EMR cluster ${lost!.Id} lost its spot capacity: instance group ig-\\w+ \\(CORE\\): INSTANCE_FAILURE: .*Spot interruption`,
          ),
        ),
        expect.stringMatching(
          /^retrying on a fresh cluster with on-demand instances \(spot loss 1 of 2 allowed/,
        ),
        expect.stringMatching(
          new RegExp(`^EMR cluster ${fresh!.Id} .*after a spot loss, on on-demand instances`),
        ),
      ]),
    );
  });

  it('retries on spot again by default, and fails once spot_loss_retries are spent', async () => {
    await world.h.put({
      process_definition_name: 'spot-budget',
      task_definitions: [awsTask('spark', newClusterJob({}, spotCluster({ spot_loss_retries: 1 })))],
    });
    world.emulator.injectFault({ type: 'insufficient-capacity', count: 2 });
    const run = await world.h.triggerAndWait('spot-budget');
    expect(run.status).toBe('failed');
    expect(run.task).toHaveLength(1);
    const task = run.task[0]!;
    const clusters = clustersOfTask(world.emulator, task.task_id);
    expect(clusters).toHaveLength(2);
    expect(clusters[1]?.RequestedInstances?.InstanceGroups[1]?.Market).toBe('SPOT');
    for (const c of clusters)
      expect(c.Status.StateChangeReason?.Message).toContain('InsufficientInstanceCapacity');
    expect(task.failure_reason).toContain('InsufficientInstanceCapacity');
    const log = await schedulerLog(world.h, task.task_id, /no fresh cluster left/);
    expect(log).toContainEqual(
      expect.stringMatching(/^retrying on a fresh cluster with spot instances again \(spot loss 1 of 1/),
    );
    // The cluster's state change and EMR's reason are told as soon as a poll sees them.
    expect(log).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^EMR cluster ${clusters[0]!.Id} is TERMINAT\\w*: INSTANCE_FAILURE: .*InsufficientInstanceCapacity`,
        ),
      ),
    );
    expect(log).toContainEqual(
      expect.stringMatching(/no fresh cluster left after spot losses \(spot_loss_retries: 1\)/),
    );
  });

  it('does not retry a job that failed on its own', async () => {
    await world.h.put({
      process_definition_name: 'spot-own-failure',
      task_definitions: [awsTask('spark', newClusterJob({ args: ['--exit', '3'] }, spotCluster()))],
    });
    const run = await world.h.triggerAndWait('spot-own-failure');
    expect(run.status).toBe('failed');
    expect(clustersOfTask(world.emulator, run.task[0]!.task_id)).toHaveLength(1);
  });
});

describe('a scheduler that dies while moving a task to a fresh cluster after a spot loss', () => {
  const world = useAwsWorld({ sundial: false });
  const lives = useLives(world);

  it('finds the fresh cluster after the restart instead of creating a third', {
    timeout: 60_000,
  }, async () => {
    let fresh: string | undefined;
    let creates = 0;
    const first = await lives.start({
      hooks: {
        // The second RunJobFlow of the task (after the spot loss) takes effect, then "the crash".
        afterCreate: async ({ kind, awsId }) => {
          if (kind !== 'emr' || ++creates < 2) return;
          fresh = awsId;
          return new Promise(() => {});
        },
      },
    });
    await first.put({
      process_definition_name: 'spot-crash',
      task_definitions: [
        awsTask(
          'spark',
          newClusterJob({ args: ['--sleep', '1'] }, spotCluster({ spot_fallback: 'on_demand' })),
        ),
      ],
    });
    world.emulator.injectFault({ type: 'insufficient-capacity' });
    await first.trigger('spot-crash');
    const started = await first.waitForRun('spot-crash');
    await waitFor(async () => fresh);
    await lives.end(first);

    const second = await lives.start();
    const run = await second.waitForEnd(started.process_id, 30_000);
    expect(run.status).toBe('succeeded');
    const clusters = clustersOfTask(world.emulator, run.task[0]!.task_id);
    expect(clusters.map((c) => c.Id)).toEqual([clusters[0]!.Id, fresh]);
    await waitFor(async () =>
      clustersOfTask(world.emulator, run.task[0]!.task_id).every((c) => terminal(c.Status.State))
        ? true
        : undefined,
    );
  });
});
