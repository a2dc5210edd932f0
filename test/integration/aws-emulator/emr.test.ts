import { gunzipSync } from 'node:zlib';
import {
  AddJobFlowStepsCommand,
  CancelStepsCommand,
  DescribeClusterCommand,
  DescribeStepCommand,
  EMRClient,
  ListClustersCommand,
  ListStepsCommand,
  RunJobFlowCommand,
  type StepConfig,
  TerminateJobFlowsCommand,
} from '@aws-sdk/client-emr';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator, waitFor } from './helpers.js';

let emulator: AwsEmulator;
let emr: EMRClient;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startTestEmulator();
  emr = new EMRClient(clientConfig(emulator));
  s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
});
afterAll(async () => {
  emr.destroy();
  s3.destroy();
  await emulator.stop();
});

const sparkStep = (
  name: string,
  args: string[],
  actionOnFailure: StepConfig['ActionOnFailure'] = 'CONTINUE',
): StepConfig => ({
  Name: name,
  ActionOnFailure: actionOnFailure,
  HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', '--deploy-mode', 'cluster', ...args] },
});

async function runCluster(steps: StepConfig[], keepAlive = false): Promise<string> {
  const out = await emr.send(
    new RunJobFlowCommand({
      Name: 'sundial-test',
      ReleaseLabel: 'emr-6.15.0',
      LogUri: 's3://emr-logs/sundial/',
      Instances: {
        KeepJobFlowAliveWhenNoSteps: keepAlive,
        InstanceCount: 1,
        MasterInstanceType: 'm5.xlarge',
      },
      Applications: [{ Name: 'Spark' }],
      JobFlowRole: 'EMR_EC2_DefaultRole',
      ServiceRole: 'EMR_DefaultRole',
      Tags: [{ Key: 'sundial:job', Value: 'nightly' }],
      Steps: steps,
    }),
  );
  return out.JobFlowId!;
}

const clusterOf = (id: string) =>
  emr.send(new DescribeClusterCommand({ ClusterId: id })).then((o) => o.Cluster!);
const stepOf = (clusterId: string, stepId: string) =>
  emr.send(new DescribeStepCommand({ ClusterId: clusterId, StepId: stepId })).then((o) => o.Step!);
const terminal = (state: string | undefined) => state === 'TERMINATED' || state === 'TERMINATED_WITH_ERRORS';

async function gunzipObject(bucket: string, key: string): Promise<string> {
  const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return gunzipSync(await obj.Body!.transformToByteArray()).toString('utf8');
}

describe('EMR', () => {
  it('runs a spark-submit step to COMPLETED, then auto-terminates with ALL_STEPS_COMPLETED', async () => {
    const clusterId = await runCluster([sparkStep('etl', ['s3://code/etl.py', '--sleep', '0.5'])]);
    expect(clusterId).toMatch(/^j-[A-Z0-9]{13}$/);
    const seen = new Set<string>();
    const cluster = await waitFor(
      () => clusterOf(clusterId),
      (c) => {
        seen.add(c.Status!.State!);
        return terminal(c.Status?.State);
      },
      { intervalMs: 10 },
    );
    expect(cluster.Status?.State).toBe('TERMINATED');
    expect(cluster.Status?.StateChangeReason?.Code).toBe('ALL_STEPS_COMPLETED');
    expect(cluster.Tags).toEqual([{ Key: 'sundial:job', Value: 'nightly' }]);
    expect(cluster.Status?.Timeline?.CreationDateTime).toBeInstanceOf(Date);
    // The step sleeps 0.5 s, long enough for the poll to see the cluster RUNNING it.
    expect(seen.has('RUNNING')).toBe(true);
    const steps = await emr.send(new ListStepsCommand({ ClusterId: clusterId }));
    expect(steps.Steps).toHaveLength(1);
    expect(steps.Steps![0]!.Status?.State).toBe('COMPLETED');
    expect(steps.Steps![0]!.Config?.Args).toEqual([
      'spark-submit',
      '--deploy-mode',
      'cluster',
      's3://code/etl.py',
      '--sleep',
      '0.5',
    ]);
  });

  it('writes step stdout/stderr gzipped to <LogUri>/<cluster>/steps/<step>/', async () => {
    const clusterId = await runCluster([sparkStep('logs', ['--sleep', '0.5'])]);
    const listed = await waitFor(
      () => emr.send(new ListStepsCommand({ ClusterId: clusterId })),
      (o) => o.Steps?.[0]?.Status?.State === 'COMPLETED',
    );
    const stepId = listed.Steps![0]!.Id!;
    const prefix = `sundial/${clusterId}/steps/${stepId}`;
    expect(await gunzipObject('emr-logs', `${prefix}/stdout.gz`)).toContain(
      `spark-submit stand-in: starting on cluster ${clusterId} step ${stepId}`,
    );
    expect(await gunzipObject('emr-logs', `${prefix}/stdout.gz`)).toContain('finished with 0');
    expect(await gunzipObject('emr-logs', `${prefix}/stderr.gz`)).toContain('Running Spark version');
  });

  it('uploads the logs of a running step periodically, before it ends', async () => {
    const clusterId = await runCluster([sparkStep('long', ['--sleep', '30'])], true);
    const listed = await waitFor(
      () => emr.send(new ListStepsCommand({ ClusterId: clusterId })),
      (o) => o.Steps?.[0]?.Status?.State === 'RUNNING',
    );
    const stepId = listed.Steps![0]!.Id!;
    const text = await waitFor(
      () => gunzipObject('emr-logs', `sundial/${clusterId}/steps/${stepId}/stdout.gz`).catch(() => ''),
      (t) => t.includes('starting on cluster'),
    );
    expect(text).not.toContain('finished');
    expect((await stepOf(clusterId, stepId)).Status?.State).toBe('RUNNING');
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
    const cluster = await waitFor(
      () => clusterOf(clusterId),
      (c) => terminal(c.Status?.State),
    );
    expect(cluster.Status?.State).toBe('TERMINATED');
    expect(cluster.Status?.StateChangeReason?.Code).toBe('USER_REQUEST');
    expect((await stepOf(clusterId, stepId)).Status?.State).toBe('CANCELLED');
  });

  it('fails a step with FailureDetails and terminates the cluster with errors on TERMINATE_CLUSTER', async () => {
    const clusterId = await runCluster([
      sparkStep('bad', ['--exit-code', '3'], 'TERMINATE_CLUSTER'),
      sparkStep('never', []),
    ]);
    const cluster = await waitFor(
      () => clusterOf(clusterId),
      (c) => terminal(c.Status?.State),
    );
    expect(cluster.Status?.State).toBe('TERMINATED_WITH_ERRORS');
    expect(cluster.Status?.StateChangeReason?.Code).toBe('STEP_FAILURE');
    const { Steps = [] } = await emr.send(new ListStepsCommand({ ClusterId: clusterId }));
    const [never, bad] = Steps;
    expect(bad?.Status?.State).toBe('FAILED');
    expect(bad?.Status?.FailureDetails?.Reason).toContain('RuntimeException: stand-in failure');
    expect(bad?.Status?.FailureDetails?.Message).toContain('exit code 3');
    expect(bad?.Status?.FailureDetails?.LogFile).toBe(
      `s3://emr-logs/sundial/${clusterId}/steps/${bad?.Id}/stderr.gz`,
    );
    expect(never?.Status?.State).toBe('CANCELLED');
  });

  it('continues after a failed CONTINUE step and filters/paginates ListSteps', async () => {
    const clusterId = await runCluster([
      sparkStep('a', ['--exit-code', '1']),
      sparkStep('b', []),
      sparkStep('c', []),
    ]);
    await waitFor(
      () => clusterOf(clusterId),
      (c) => terminal(c.Status?.State),
    );
    const failed = await emr.send(new ListStepsCommand({ ClusterId: clusterId, StepStates: ['FAILED'] }));
    expect(failed.Steps?.map((s) => s.Name)).toEqual(['a']);
    const completed = await emr.send(
      new ListStepsCommand({ ClusterId: clusterId, StepStates: ['COMPLETED'] }),
    );
    expect(completed.Steps?.map((s) => s.Name)).toEqual(['c', 'b']);
    const cluster = await clusterOf(clusterId);
    expect(cluster.Status?.State).toBe('TERMINATED');
    expect(cluster.Status?.StateChangeReason?.Message).toBe('Steps completed with errors');
    const byId = await emr.send(
      new ListStepsCommand({ ClusterId: clusterId, StepIds: [failed.Steps![0]!.Id!] }),
    );
    expect(byId.Steps).toHaveLength(1);
  });

  it('cancels a pending and a running step (SEND_INTERRUPT / TERMINATE_PROCESS)', async () => {
    const clusterId = await runCluster([], true);
    const { StepIds = [] } = await emr.send(
      new AddJobFlowStepsCommand({
        JobFlowId: clusterId,
        Steps: [sparkStep('running', ['--sleep', '30']), sparkStep('pending', [])],
      }),
    );
    const [runningId, pendingId] = StepIds as [string, string];
    await waitFor(
      () => stepOf(clusterId, runningId),
      (s) => s.Status?.State === 'RUNNING',
    );
    const out = await emr.send(
      new CancelStepsCommand({
        ClusterId: clusterId,
        StepIds: [pendingId, runningId],
        StepCancellationOption: 'TERMINATE_PROCESS',
      }),
    );
    expect(out.CancelStepsInfoList?.map((i) => i.Status)).toEqual(['SUBMITTED', 'SUBMITTED']);
    await waitFor(
      () => stepOf(clusterId, runningId),
      (s) => s.Status?.State === 'CANCELLED',
    );
    expect((await stepOf(clusterId, pendingId)).Status?.State).toBe('CANCELLED');
    const again = await emr.send(new CancelStepsCommand({ ClusterId: clusterId, StepIds: [runningId] }));
    expect(again.CancelStepsInfoList?.[0]?.Status).toBe('FAILED');
    // KeepJobFlowAliveWhenNoSteps: the cluster waits instead of terminating.
    await waitFor(
      () => clusterOf(clusterId),
      (c) => c.Status?.State === 'WAITING',
    );
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
  });

  it('spot interruption: cluster TERMINATED_WITH_ERRORS, running step FAILED', async () => {
    const clusterId = await runCluster([sparkStep('victim', ['--sleep', '30']), sparkStep('next', [])], true);
    await waitFor(
      () => emr.send(new ListStepsCommand({ ClusterId: clusterId })),
      (o) => o.Steps?.some((s) => s.Status?.State === 'RUNNING') ?? false,
    );
    emulator.injectFault({ type: 'spot-interruption', clusterId });
    const cluster = await waitFor(
      () => clusterOf(clusterId),
      (c) => terminal(c.Status?.State),
    );
    expect(cluster.Status?.State).toBe('TERMINATED_WITH_ERRORS');
    expect(cluster.Status?.StateChangeReason?.Code).toBe('INSTANCE_FAILURE');
    expect(cluster.Status?.StateChangeReason?.Message).toMatch(/spot/i);
    const { Steps = [] } = await emr.send(new ListStepsCommand({ ClusterId: clusterId }));
    expect(Steps.map((s) => [s.Name, s.Status?.State])).toEqual([
      ['next', 'CANCELLED'],
      ['victim', 'FAILED'],
    ]);
  });

  it('bootstrap failure of the next cluster: TERMINATED_WITH_ERRORS / BOOTSTRAP_FAILURE', async () => {
    emulator.injectFault({ type: 'bootstrap-failure' });
    const clusterId = await runCluster([sparkStep('never', [])]);
    const cluster = await waitFor(
      () => clusterOf(clusterId),
      (c) => terminal(c.Status?.State),
    );
    expect(cluster.Status?.State).toBe('TERMINATED_WITH_ERRORS');
    expect(cluster.Status?.StateChangeReason?.Code).toBe('BOOTSTRAP_FAILURE');
    expect(cluster.Status?.Timeline?.ReadyDateTime).toBeUndefined();
    const { Steps = [] } = await emr.send(new ListStepsCommand({ ClusterId: clusterId }));
    expect(Steps[0]?.Status?.State).toBe('CANCELLED');
    // Only the next cluster is affected.
    const healthy = await runCluster([sparkStep('ok', [])]);
    expect(
      (
        await waitFor(
          () => clusterOf(healthy),
          (c) => terminal(c.Status?.State),
        )
      ).Status?.State,
    ).toBe('TERMINATED');
  });

  it('a hanging step runs until cancelled', async () => {
    emulator.injectFault({ type: 'hanging-step', stepName: 'stuck' });
    const clusterId = await runCluster([sparkStep('stuck', [])], true);
    const listed = await waitFor(
      () => emr.send(new ListStepsCommand({ ClusterId: clusterId })),
      (o) => o.Steps?.[0]?.Status?.State === 'RUNNING',
    );
    const stepId = listed.Steps![0]!.Id!;
    await emr.send(new CancelStepsCommand({ ClusterId: clusterId, StepIds: [stepId] }));
    expect(
      (
        await waitFor(
          () => stepOf(clusterId, stepId),
          (s) => s.Status?.State === 'CANCELLED',
        )
      ).Status?.State,
    ).toBe('CANCELLED');
    await emr.send(new TerminateJobFlowsCommand({ JobFlowIds: [clusterId] }));
  });

  it('answers InvalidRequestException for an unknown cluster and filters ListClusters by state', async () => {
    await expect(
      emr.send(new DescribeClusterCommand({ ClusterId: 'j-DOESNOTEXIST1' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequestException',
      $metadata: { httpStatusCode: 400 },
    });
    const active = await emr.send(
      new ListClustersCommand({ ClusterStates: ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING'] }),
    );
    const all = await emr.send(new ListClustersCommand({}));
    expect(all.Clusters!.length).toBeGreaterThan(active.Clusters!.length);
    expect(active.Clusters!.every((c) => !c.Status?.State?.startsWith('TERMINAT'))).toBe(true);
  });
});
