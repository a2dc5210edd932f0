import { describe, expect, it } from 'vitest';
import type { EmrCommand, TaskExecutable } from '../../../src/domain/types.js';
import { awsTask, triggerUntil, useAwsWorld } from './aws-world.js';
import { clusterById, createExistingCluster, POST_CLUSTER_ID, postExistingExecutable } from './emr-world.js';

/** The post's existing-cluster job with some fields replaced. */
function existingJob(command: Partial<EmrCommand>): TaskExecutable {
  const { emr_command } = postExistingExecutable() as { emr_command: EmrCommand };
  return { emr_command: { ...emr_command, ...command } };
}

describe('emr_command on an existing cluster', () => {
  const world = useAwsWorld({ seed: createExistingCluster });
  const stepsOf = (taskId: string) =>
    clusterById(world.emulator, POST_CLUSTER_ID).Steps.filter((s) => s.Name.includes(`[sundial ${taskId}]`));

  it("runs the post's existing-cluster example as one step and leaves the cluster running", async () => {
    await world.h.put({
      process_definition_name: 'emr-existing',
      task_definitions: [awsTask('spark', postExistingExecutable())],
    });
    const run = await world.h.triggerAndWait('emr-existing');
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    const [step, ...more] = stepsOf(task.task_id);
    expect(more).toHaveLength(0);
    expect(step!.Status.State).toBe('COMPLETED');
    expect(step!.Config.Args.slice(0, 3)).toEqual([
      'spark-submit',
      '--conf',
      'spark.driver.extraJavaOptions=-Denvironment=production',
    ]);
    expect(step!.Config.Args).toContain(`spark.yarn.appMasterEnv.SUNDIAL_TASK_ID=${task.task_id}`);
    expect(step!.Config.Args).toContain(`spark.executorEnv.sundial.url=${world.h.url}`);
    expect(clusterById(world.emulator, POST_CLUSTER_ID).Status.State).toBe('WAITING');
  });

  it('fails with the failure details; the cluster keeps running', async () => {
    await world.h.put({
      process_definition_name: 'emr-existing-fail',
      task_definitions: [awsTask('spark', existingJob({ args: ['--exit', '2'] }))],
    });
    const run = await world.h.triggerAndWait('emr-existing-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(/EMR step .* failed: .*RuntimeException.*\(log: s3:\/\//);
    expect(stepsOf(run.task[0]!.task_id).map((s) => s.Status.State)).toEqual(['FAILED']);
    expect(clusterById(world.emulator, POST_CLUSTER_ID).Status.State).toBe('WAITING');
  });

  it('cancels its step when killed and says so in the task log', async () => {
    await world.h.put({
      process_definition_name: 'emr-existing-kill',
      task_definitions: [awsTask('spark', existingJob({ args: ['--sleep', '30'] }))],
    });
    const run = await triggerUntil(world.h, 'emr-existing-kill', 'running');
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    const [step] = stepsOf(ended.task[0]!.task_id);
    expect(step!.Status.State).toBe('CANCELLED');
    const messages = ended.task[0]!.log_entries.map((l) => l.message);
    expect(messages).toContain(
      `step ${step!.Id} on existing cluster ${POST_CLUSTER_ID}: cancelling it (CancelSteps, TERMINATE_PROCESS)`,
    );
    expect(clusterById(world.emulator, POST_CLUSTER_ID).Status.State).not.toMatch(/TERMINAT/);
  });

  it('cancels a step that exceeds max_runtime_seconds', async () => {
    await world.h.put({
      process_definition_name: 'emr-existing-slow',
      task_definitions: [
        awsTask('spark', existingJob({ args: ['--sleep', '30'] }), { max_runtime_seconds: 1 }),
      ],
    });
    const run = await world.h.triggerAndWait('emr-existing-slow');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('max_runtime_seconds');
    expect(stepsOf(run.task[0]!.task_id)[0]!.Status.State).toBe('CANCELLED');
  });

  it('retries with new steps', async () => {
    await world.h.put({
      process_definition_name: 'emr-existing-retry',
      task_definitions: [awsTask('spark', existingJob({ args: ['--fail-first'] }), { max_attempts: 2 })],
    });
    const run = await world.h.triggerAndWait('emr-existing-retry');
    expect(run.status).toBe('succeeded');
    expect(run.task.map((t) => stepsOf(t.task_id)[0]!.Status.State).sort()).toEqual(['COMPLETED', 'FAILED']);
  });

  it('fails clearly when the cluster does not exist', async () => {
    await world.h.put({
      process_definition_name: 'emr-no-cluster',
      task_definitions: [
        awsTask(
          'spark',
          existingJob({ emr_cluster: { existing_emr_cluster: { cluster_id: 'j-NOSUCHCLUSTER' } } }),
        ),
      ],
    });
    const run = await world.h.triggerAndWait('emr-no-cluster');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain("Cluster id 'j-NOSUCHCLUSTER' is not valid");
  });
});
