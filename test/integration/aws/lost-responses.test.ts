import { randomUUID } from 'node:crypto';
import { EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { describe, expect, it } from 'vitest';
import { shellTask } from '../../helpers/harness.js';
import { awsOptions, awsTask, batchJobsOf, ecsTasksOf, startSundial, useAwsWorld } from './aws-world.js';
import {
  clusterById,
  clustersOfTask,
  createExistingCluster,
  everyKindOfAwsTask,
  newClusterJob,
  postClusterStepsOf,
  waitForClusterEnd,
} from './emr-world.js';

describe('AWS create calls whose response is lost', () => {
  const world = useAwsWorld({ seed: createExistingCluster });

  it('creates each job exactly once and follows it to the end', async () => {
    world.emulator.resetStats();
    for (const [service, operation, mode] of [
      ['batch', 'SubmitJob', 'destroy'],
      ['ecs', 'RunTask', 'destroy'],
      ['emr', 'RunJobFlow', 'status-500'],
      ['emr', 'AddJobFlowSteps', 'destroy'],
    ] as const) {
      world.emulator.injectFault({ type: 'lost-response', service, operation, mode });
    }
    await world.h.put({ process_definition_name: 'lost', task_definitions: everyKindOfAwsTask() });
    const run = await world.h.triggerAndWait('lost');
    expect(run.task.map((t) => t.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded']);
    const idOf = (name: string) => run.task.find((t) => t.task_definition_name === name)!.task_id;
    expect(batchJobsOf(world.emulator, idOf('batch'))).toHaveLength(1);
    expect(ecsTasksOf(world.emulator, idOf('ecs'))).toHaveLength(1);
    expect(clustersOfTask(world.emulator, idOf('emr-new'))).toHaveLength(1);
    expect(postClusterStepsOf(world.emulator, idOf('emr-existing'))).toHaveLength(1);
    expect(world.emulator.count('batch', 'SubmitJob')).toBe(1);
    expect(world.emulator.count('emr', 'RunJobFlow')).toBe(1);
  });

  it('terminates a cluster left running by a task that has ended, and only such clusters', async () => {
    const fresh = await startSundial(world.emulator); // its first EMR task will sweep
    try {
      await fresh.put({ process_definition_name: 'ended', task_definitions: [shellTask('done', 'true')] });
      const ended = (await fresh.triggerAndWait('ended')).task[0]!.task_id;
      const emr = new EMRClient(awsOptions(world.emulator).client!);
      const orphan = async (taskId: string) =>
        (
          await emr.send(
            new RunJobFlowCommand({
              Name: 'left behind',
              ReleaseLabel: 'emr-6.15.0',
              Instances: {
                KeepJobFlowAliveWhenNoSteps: true,
                InstanceCount: 1,
                MasterInstanceType: 'm5.xlarge',
              },
              JobFlowRole: 'EMR_EC2_DefaultRole',
              ServiceRole: 'EMR_DefaultRole',
              Tags: [{ Key: 'sundial:task-id', Value: taskId }],
            }),
          )
        ).JobFlowId!;
      const ours = await orphan(ended);
      const someoneElses = await orphan(randomUUID()); // a task only another Sundial knows
      emr.destroy();

      await fresh.put({
        process_definition_name: 'next',
        task_definitions: [awsTask('spark', newClusterJob())],
      });
      expect((await fresh.triggerAndWait('next')).status).toBe('succeeded');
      await waitForClusterEnd(world.emulator, ours);
      expect(clusterById(world.emulator, someoneElses).Status.State).toBe('WAITING');
    } finally {
      await fresh.close();
    }
  });
});
