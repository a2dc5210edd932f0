import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../src/aws-emulator/index.js';
import { type WireProcess, waitFor } from '../helpers/harness.js';
import type { ServerProcess } from '../helpers/server-process.js';
import { batchJobsOf, startEmulator } from '../integration/aws/aws-world.js';
import {
  clustersOfTask,
  createExistingCluster,
  everyKindOfAwsTask,
  postClusterStepsOf,
  terminal,
} from '../integration/aws/emr-world.js';
import { becameLeader, Cluster, endedRun } from './cluster.js';
import { recordFigures } from './figures.js';

const LEASE_S = 2;

/** The create call of each kind of task, whose answer the emulator holds back. */
const CREATES = [
  { task: 'batch', service: 'batch', operation: 'SubmitJob' },
  { task: 'ecs', service: 'ecs', operation: 'RunTask' },
  { task: 'emr-new', service: 'emr', operation: 'RunJobFlow' },
  { task: 'emr-existing', service: 'emr', operation: 'AddJobFlowSteps' },
] as const;

/** What ends or cancels a job: a deposed leader must send none of them. */
const KILLS = [
  { service: 'batch', operation: 'TerminateJob' },
  { service: 'ecs', operation: 'StopTask' },
  { service: 'emr', operation: 'CancelSteps' },
] as const;

describe('the leader lost between an AWS create call and learning its id, two replicas', () => {
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

  /**
   * Triggers a run of the four kinds of AWS task with every create call's answer held back
   * `delayMs`, and returns once all four calls have taken effect: the leader is in all four
   * windows at once, its jobs created in AWS and their ids unknown to it.
   */
  async function inTheWindows(name: string, delayMs: number) {
    const leader = await cluster.leader();
    const follower = cluster.alive.find((r) => r !== leader)!;
    await follower.api('PUT', `/api/process_definitions/${name}`, {
      process_definition_name: name,
      task_definitions: everyKindOfAwsTask(1),
    });
    emulator.resetStats();
    for (const c of CREATES)
      emulator.injectFault({ type: 'late-response', service: c.service, operation: c.operation, delayMs });
    await follower.api('POST', `/api/process_definitions/${name}/trigger`);
    await waitFor(async () =>
      CREATES.every((c) => emulator.count(c.service, c.operation) === 1) ? true : undefined,
    );
    return { leader, follower, terms: follower.logs.filter(becameLeader).length };
  }

  /** The run once the follower has finished it, and the checks both cases share. */
  async function finishedOnce(follower: ServerProcess, name: string, scenario: string, takeoverMs: number) {
    const ended = await waitFor(() => endedRun(follower, name), 60_000);
    const taskId = (task: string) => ended.task.find((t) => t.task_definition_name === task)!.task_id;
    // Every cluster the run created has ended (the new one with its steps; none is left running).
    const created = await waitFor(async () => {
      const now = clustersOfTask(emulator, taskId('emr-new'));
      return now.every((c) => terminal(c.Status.State)) ? now : undefined;
    });
    const calls = Object.fromEntries(
      CREATES.map((c) => [c.operation, emulator.count(c.service, c.operation)]),
    );
    recordFigures({
      scenario: `${scenario}; 2 replicas, lease ${LEASE_S} s`,
      tasks: '4 AWS tasks (Batch, ECS, EMR new cluster, EMR existing cluster)',
      takeoverP50Ms: takeoverMs,
      takeoverMaxMs: takeoverMs,
      duplicates: Object.values(calls).reduce((sum, n) => sum + n - 1, 0) + Math.max(0, created.length - 1),
      losses: ended.task.filter((t) => t.status !== 'succeeded').length,
    });
    expect(ended.task.map((t) => [t.task_definition_name, t.status]).sort()).toEqual(
      CREATES.map((c) => [c.task, 'succeeded']).sort(),
    );
    // One create call per attempt, the one the lost leader made: the new leader found each job.
    expect(calls).toEqual({ SubmitJob: 1, RunTask: 1, RunJobFlow: 1, AddJobFlowSteps: 1 });
    expect(created).toHaveLength(1);
    expect(batchJobsOf(emulator, taskId('batch'))).toHaveLength(1);
    const steps = postClusterStepsOf(emulator, taskId('emr-existing'));
    expect(steps.length).toBeGreaterThan(0);
    expect(new Set(steps.map((s) => s.Name)).size).toBe(steps.length);
    return ended;
  }

  it('killed (kill -9): the new leader finds each job (SubmitJob, RunTask, RunJobFlow, AddJobFlowSteps) and never sends one again', async () => {
    // The answers would come a minute later, long after the kill.
    const { leader, follower, terms } = await inTheWindows('killed', 60_000);
    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    const won = await follower.waitForLog(becameLeader, 30_000, terms + 1);
    await finishedOnce(
      follower,
      'killed',
      'leader killed after its four create calls took effect, before their answers',
      (won.time as number) - killedAt,
    );
  });

  it('frozen (SIGSTOP) past its lease, then resumed: the deposed leader records, submits and stops nothing', async () => {
    await cluster.add(); // two replicas again
    // The answers reach the frozen leader while it is stopped; it reads them once resumed.
    const { leader, follower, terms } = await inTheWindows('frozen', 500);
    leader.signalGroup('SIGSTOP');
    const stoppedAt = Date.now();
    const won = await follower.waitForLog(becameLeader, 30_000, terms + 1);
    // Resumed once the new leader has found the jobs and follows them.
    await waitFor(async () => {
      const run = (await follower.api<WireProcess[]>('GET', '/api/processes?process_definition_name=frozen'))
        .body[0];
      const full = run && (await follower.api<WireProcess>('GET', `/api/processes/${run.process_id}`)).body;
      return full?.task.every((t) => t.status === 'running' || t.end_time) ? true : undefined;
    }, 30_000);
    leader.signalGroup('SIGCONT');
    await leader.waitForLog((r) => r.msg.startsWith('lost scheduler leadership'));
    await finishedOnce(
      follower,
      'frozen',
      'leader frozen (SIGSTOP) after its four create calls took effect, resumed after the takeover',
      (won.time as number) - stoppedAt,
    );
    expect(
      Object.fromEntries(KILLS.map((k) => [k.operation, emulator.count(k.service, k.operation)])),
    ).toEqual({
      TerminateJob: 0,
      StopTask: 0,
      CancelSteps: 0,
    });
    expect(leader.alive).toBe(true);
  });
});
