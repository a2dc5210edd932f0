import { EMRClient, GetAutoTerminationPolicyCommand } from '@aws-sdk/client-emr';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/harness.js';
import { awsOptions, awsTask, metadataOf, triggerUntil, useAwsWorld } from './aws-world.js';
import {
  clusterById,
  clusters,
  clustersOfTask,
  newClusterJob,
  postNewCluster,
  terminal,
} from './emr-world.js';

describe('emr_command on a new cluster', () => {
  const world = useAwsWorld();
  /** The one cluster of a task, once it has ended. */
  const endedClusterOf = (taskId: string) =>
    waitFor(async () => {
      const [c, ...more] = clustersOfTask(world.emulator, taskId);
      if (more.length) throw new Error(`task ${taskId} has ${more.length + 1} clusters`);
      return c && terminal(c.Status.State) ? c : undefined;
    });

  it("runs the post's new-cluster example on demand, then the cluster is torn down", async () => {
    const emr_cluster = postNewCluster();
    expect(emr_cluster.new_emr_cluster.master_instance!.aws_market).toEqual({ on_demand: 'on_demand' });
    await world.h.put({
      process_definition_name: 'emr-new',
      task_definitions: [awsTask('spark', newClusterJob())],
    });
    const run = await world.h.triggerAndWait('emr-new');
    expect(run.status).toBe('succeeded');
    const cluster = await endedClusterOf(run.task[0]!.task_id);
    expect(cluster.Status.State).toBe('TERMINATED');
    expect(cluster.Name).toBe('My Cluster Name');
    expect(cluster.Tags).toEqual(
      expect.arrayContaining([
        { Key: 'sundial:process-id', Value: run.process_id },
        { Key: 'sundial:definition', Value: 'emr-new' },
      ]),
    );
    expect(cluster.RequestedInstances?.KeepJobFlowAliveWhenNoSteps).toBe(false);
    expect(cluster.RequestedInstances?.InstanceGroups).toEqual([
      expect.objectContaining({ InstanceRole: 'MASTER', InstanceCount: 1, Market: 'ON_DEMAND' }),
      expect.objectContaining({ InstanceRole: 'CORE', InstanceCount: 2, Market: 'ON_DEMAND' }),
    ]);
    const spark = cluster.Steps.find((s) => s.Name.startsWith('MyJobName1'))!;
    expect(spark.Config.Args).toEqual(
      expect.arrayContaining([
        'spark.driver.extraJavaOptions=-Denvironment=production',
        '--class',
        'com.company.job.spark.core.MainClass',
      ]),
    );
    expect(spark.Config.Args.slice(-3)).toEqual([
      's3://my-spark-job-release-bucket/my-job-spark-v1-0-0.jar',
      'arg1',
      'arg2',
    ]);
  });

  it('gives the driver the Sundial environment', async () => {
    await world.h.put({
      process_definition_name: 'emr-env',
      task_definitions: [awsTask('spark', newClusterJob({ args: ['--callback'] }))],
    });
    const run = await world.h.triggerAndWait('emr-env');
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    expect(metadataOf(task)).toMatchObject({ seen_task_id: task.task_id, seen_sundial_url: world.h.url });
  });

  it('runs on spot instances and fails with the spot loss as reason', async () => {
    const spot = { spot: { bid_price: 0.07 } };
    const master = {
      ...postNewCluster().new_emr_cluster.master_instance!,
      aws_market: spot,
      instance_count: 3,
    };
    await world.h.put({
      process_definition_name: 'emr-spot',
      task_definitions: [
        awsTask(
          'spark',
          newClusterJob({ args: ['--sleep', '30'] }, { master_instance: master, spot_loss_retries: 0 }),
        ),
      ],
    });
    const run = await triggerUntil(world.h, 'emr-spot', 'running');
    const taskId = run.task[0]!.task_id;
    const [cluster] = clustersOfTask(world.emulator, taskId);
    expect(cluster!.RequestedInstances?.InstanceGroups[0]).toMatchObject({
      InstanceRole: 'MASTER',
      InstanceCount: 1,
      Market: 'SPOT',
      BidPrice: '0.07',
    });
    world.emulator.injectFault({ type: 'spot-interruption', clusterId: cluster!.Id });
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('Spot');
    expect((await endedClusterOf(taskId)).Status.State).toBe('TERMINATED_WITH_ERRORS');
  });

  it('fails with the step failure details and tears the cluster down', async () => {
    await world.h.put({
      process_definition_name: 'emr-fail',
      task_definitions: [awsTask('spark', newClusterJob({ args: ['--exit', '3'] }))],
    });
    const run = await world.h.triggerAndWait('emr-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(
      /EMR step "MyJobName1.*" \(s-\w+\) failed: .*RuntimeException/,
    );
    expect(terminal((await endedClusterOf(run.task[0]!.task_id)).Status.State)).toBe(true);
  });

  it('fails with the cluster reason when the cluster dies before the steps run', async () => {
    await world.h.put({
      process_definition_name: 'emr-bootstrap',
      task_definitions: [awsTask('spark', newClusterJob())],
    });
    world.emulator.injectFault({ type: 'bootstrap-failure' });
    const run = await world.h.triggerAndWait('emr-bootstrap');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('BOOTSTRAP_FAILURE');
  });

  it('runs load_data and save_results copies around the job; a failed copy stops the rest', async () => {
    const copies = {
      load_data: [{ source: 's3://in/missing/', destination: 'hdfs:///in/' }],
      save_results: [{ source: 'hdfs:///out/', destination: 's3://out/' }],
    };
    await world.h.put({
      process_definition_name: 'emr-copy',
      task_definitions: [awsTask('spark', newClusterJob(copies))],
    });
    const run = await world.h.triggerAndWait('emr-copy');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('load_data 1/1');
    const cluster = await endedClusterOf(run.task[0]!.task_id);
    expect(cluster.Steps.map((s) => [s.Config.Args[0], s.Status.State])).toEqual([
      ['s3-dist-cp', 'FAILED'],
      ['spark-submit', 'CANCELLED'],
      ['s3-dist-cp', 'CANCELLED'],
    ]);
  });

  it('terminates the cluster when the process is killed', async () => {
    await world.h.put({
      process_definition_name: 'emr-kill',
      task_definitions: [awsTask('spark', newClusterJob({ args: ['--sleep', '30'] }))],
    });
    const run = await triggerUntil(world.h, 'emr-kill', 'running');
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    const cluster = await endedClusterOf(ended.task[0]!.task_id);
    expect(cluster.Status.StateChangeReason?.Code).toBe('USER_REQUEST');
    expect(
      ended.task[0]!.log_entries.some((l) => l.message.includes(`terminating EMR cluster ${cluster.Id}`)),
    ).toBe(true);
  });

  it('retries on a fresh cluster and tears both down', async () => {
    await world.h.put({
      process_definition_name: 'emr-retry',
      task_definitions: [awsTask('spark', newClusterJob({ args: ['--fail-first'] }), { max_attempts: 2 })],
    });
    const run = await world.h.triggerAndWait('emr-retry');
    expect(run.status).toBe('succeeded');
    expect(run.task).toHaveLength(2);
    for (const t of run.task) expect(terminal((await endedClusterOf(t.task_id)).Status.State)).toBe(true);
  });

  it('follows its clusters with ListClusters, listing steps only when a cluster changes state', async () => {
    await world.h.put({
      process_definition_name: 'emr-quiet',
      task_definitions: ['a', 'b', 'c'].map((name) =>
        awsTask(name, newClusterJob({ args: ['--sleep', '30'] })),
      ),
    });
    const run = await triggerUntil(world.h, 'emr-quiet', 'running');
    await waitFor(async () =>
      (await world.h.process(run.process_id)).task.every((t) => t.status === 'running') ? true : undefined,
    );
    // A state seen by ListClusters may be a step behind the steps it made us list: two polls settle it.
    const polls = (n: number) => {
      const target = world.emulator.count('emr', 'ListClusters') + n;
      return waitFor(async () => (world.emulator.count('emr', 'ListClusters') >= target ? true : undefined));
    };
    await polls(2);
    const [listSteps, describe] = ['ListSteps', 'DescribeCluster'].map((op) =>
      world.emulator.count('emr', op),
    );
    // Five polls of three running clusters: their states stay RUNNING, so no step is listed.
    await polls(5);
    expect(world.emulator.count('emr', 'ListSteps')).toBe(listSteps);
    expect(world.emulator.count('emr', 'DescribeCluster')).toBe(describe);
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.task.map((t) => t.failure_reason)).toEqual(
      ['a', 'b', 'c'].map(() => expect.stringContaining('killed by request')),
    );
    for (const t of ended.task) expect(terminal((await endedClusterOf(t.task_id)).Status.State)).toBe(true);
  });

  it('survives throttling of RunJobFlow and ListSteps', async () => {
    await world.h.put({
      process_definition_name: 'emr-throttled',
      task_definitions: [awsTask('spark', newClusterJob())],
    });
    world.emulator.injectFault({ type: 'throttle', service: 'emr', operation: 'RunJobFlow', count: 2 });
    world.emulator.injectFault({ type: 'throttle', service: 'emr', operation: 'ListSteps', count: 3 });
    const run = await world.h.triggerAndWait('emr-throttled');
    expect(run.status).toBe('succeeded');
    expect(clusterById(world.emulator, (await endedClusterOf(run.task[0]!.task_id)).Id)).toBeDefined();
  });

  // Runs last: it looks at every cluster the tests above made Sundial create.
  it('puts an idle AutoTerminationPolicy on every cluster it creates', async () => {
    const created = clusters(world.emulator).filter((c) => c.Tags.some((t) => t.Key === 'sundial:task-id'));
    expect(created.length).toBeGreaterThan(5);
    for (const c of created) expect(c.AutoTerminationPolicy).toEqual({ IdleTimeout: 3600 });
    const emr = new EMRClient(awsOptions(world.emulator).client!);
    const policy = await emr.send(new GetAutoTerminationPolicyCommand({ ClusterId: created[0]!.Id }));
    emr.destroy();
    expect(policy.AutoTerminationPolicy).toEqual({ IdleTimeout: 3600 });
  });
});
