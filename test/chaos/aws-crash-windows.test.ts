import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../src/aws-emulator/index.js';
import { type WireProcess, waitFor } from '../helpers/harness.js';
import { awsTask, emulatorState, startEmulator } from '../integration/aws/aws-world.js';
import {
  clustersOfTask,
  createExistingCluster,
  newClusterJob,
  POST_CLUSTER_ID,
  postExistingExecutable,
  terminal,
} from '../integration/aws/emr-world.js';
import { becameLeader, Cluster } from './cluster.js';
import { recordFigures } from './figures.js';

const LEASE_S = 2;

/** The create call of each kind of task, whose answer the emulator holds back until the leader is dead. */
const CREATES = [
  { task: 'batch', service: 'batch', operation: 'SubmitJob' },
  { task: 'ecs', service: 'ecs', operation: 'RunTask' },
  { task: 'emr-new', service: 'emr', operation: 'RunJobFlow' },
  { task: 'emr-existing', service: 'emr', operation: 'AddJobFlowSteps' },
] as const;

const job = { image: 'etl', tag: '1', command: ['sundial-job', '--sleep', '1'], memory: 256 };

describe('the leader killed between an AWS create call and learning its id, two replicas', () => {
  let emulator: AwsEmulator;
  let cluster: Cluster;

  beforeAll(async () => {
    emulator = await startEmulator();
    await createExistingCluster(emulator);
    // The replicas' executors find the emulator the SDK's way, through the environment.
    cluster = await Cluster.start(2, ['--lease-seconds', String(LEASE_S)], {
      AWS_ENDPOINT_URL: emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      SUNDIAL_BATCH_JOB_QUEUE: 'default',
      SUNDIAL_AWS_FAST_POLL_MS: '100',
      SUNDIAL_AWS_POLL_MS: '300',
    });
  });
  afterAll(async () => {
    await cluster?.close(); // before the emulator they talk to
    await emulator?.stop();
  });

  it('has the new leader find each job (SubmitJob, RunTask, RunJobFlow, AddJobFlowSteps) and never send one again', async () => {
    const api = () => cluster.alive[0]!;
    await api().api('PUT', '/api/process_definitions/windows', {
      process_definition_name: 'windows',
      task_definitions: [
        awsTask('batch', { batch_image_command: job }),
        awsTask('ecs', { docker_image_command: job }),
        awsTask('emr-new', newClusterJob({ args: ['--sleep', '1'] })),
        awsTask('emr-existing', postExistingExecutable()),
      ],
    });
    emulator.resetStats();
    // Each call takes effect at once; its answer would come a minute later, long after the kill.
    for (const c of CREATES)
      emulator.injectFault({
        type: 'late-response',
        service: c.service,
        operation: c.operation,
        delayMs: 60_000,
      });
    const leader = await cluster.leader();
    const follower = cluster.alive.find((r) => r !== leader)!;
    await api().api('POST', '/api/process_definitions/windows/trigger');
    // All four in their window at once: created in AWS, their ids unknown to the leader.
    await waitFor(async () =>
      CREATES.every((c) => emulator.count(c.service, c.operation) === 1) ? true : undefined,
    );
    const seen = follower.logs.filter(becameLeader).length;
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const won = await follower.waitForLog(becameLeader, 30_000, seen + 1);
    const takeoverMs = (won.time as number) - killedAt;

    const ended = await waitFor(async () => {
      const res = await follower.api<WireProcess[]>('GET', '/api/processes?process_definition_name=windows');
      const run = res.body[0];
      if (!run || run.status === 'running') return undefined;
      return (await follower.api<WireProcess>('GET', `/api/processes/${run.process_id}`)).body;
    }, 60_000);
    const calls = CREATES.map((c) => emulator.count(c.service, c.operation));
    const taskId = (name: string) => ended.task.find((t) => t.task_definition_name === name)!.task_id;
    // Every cluster the run created has ended (the new one with its steps; none is left running).
    const created = await waitFor(async () => {
      const now = clustersOfTask(emulator, taskId('emr-new'));
      return now.every((c) => terminal(c.Status.State)) ? now : undefined;
    });
    recordFigures({
      scenario: `leader killed after SubmitJob, RunTask, RunJobFlow and AddJobFlowSteps took effect, before their answers; 2 replicas, lease ${LEASE_S} s`,
      tasks: '4 AWS tasks (Batch, ECS, EMR new cluster, EMR existing cluster)',
      takeoverP50Ms: takeoverMs,
      takeoverMaxMs: takeoverMs,
      duplicates: calls.reduce((sum, n) => sum + n - 1, 0) + Math.max(0, created.length - 1),
      losses: ended.task.filter((t) => t.status !== 'succeeded').length,
    });

    expect(ended.task.map((t) => [t.task_definition_name, t.status]).sort()).toEqual(
      CREATES.map((c) => [c.task, 'succeeded']).sort(),
    );
    // One create call per attempt, the one the dead leader made: the new leader found each job.
    expect(Object.fromEntries(CREATES.map((c, i) => [c.operation, calls[i]]))).toEqual({
      SubmitJob: 1,
      RunTask: 1,
      RunJobFlow: 1,
      AddJobFlowSteps: 1,
    });
    expect(created).toHaveLength(1);
    const batchJobs = emulatorState<{ jobName: string }[]>(emulator, 'batch', 'jobs');
    expect(batchJobs.filter((j) => j.jobName.endsWith(taskId('batch')))).toHaveLength(1);
    const steps = emulatorState<{ Id: string; Steps: { Name: string }[] }[]>(emulator, 'emr', 'clusters')
      .find((c) => c.Id === POST_CLUSTER_ID)!
      .Steps.filter((s) => s.Name.includes(taskId('emr-existing')));
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps.map((s) => s.Name)).size).toBe(steps.length);
  });
});
