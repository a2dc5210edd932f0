import { describe, expect, it } from 'vitest';
import { type WireTask, waitFor } from '../../helpers/harness.js';
import { awsTask, triggerUntil, useAwsWorld } from './aws-world.js';

const JOBS = 100;

describe('AWS Batch under throttling', () => {
  // A slower poll than the other AWS tests: the describe count below is a count of poll rounds.
  // The 300 calls of the submits (describe, register, submit per job) go at 100 a second.
  const world = useAwsWorld({ aws: { poll: { fastMs: 200, slowMs: 1000 }, callRate: { perSecond: 100 } } });

  it('runs 100 jobs at once with throttled submits, describes and log reads: all succeed, describes batched, no line lost', async () => {
    await world.h.put({
      process_definition_name: 'batch-hundred',
      task_definitions: Array.from({ length: JOBS }, (_, i) =>
        awsTask(`job-${i}`, {
          batch_image_command: {
            image: 'acme/etl',
            tag: '1.0',
            command: ['sh', '-c', `for n in 1 2 3; do echo "line $n of job ${i}"; done`],
            memory: 512,
            vCpus: 1,
          },
        }),
      ),
    });
    world.emulator.resetStats();
    world.emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'SubmitJob', count: 15 });
    world.emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'DescribeJobs', count: 4 });
    world.emulator.injectFault({ type: 'throttle', service: 'logs', operation: 'FilterLogEvents', count: 2 });
    const run = await world.h.triggerAndWait('batch-hundred', undefined, 120_000);

    expect(run.task.filter((t) => t.status === 'succeeded')).toHaveLength(JOBS);
    // Every job submitted once, after the 15 throttled attempts.
    expect(world.emulator.count('batch', 'SubmitJob')).toBe(JOBS + 15);
    // /metrics counts calls, not attempts: SubmitJob makes one attempt a call, DescribeJobs retries inside.
    const metrics = await (await fetch(`${world.h.url}/metrics`)).text();
    const calls = (operation: string, outcome: string) =>
      `sundial_aws_calls_total{service="batch",operation="${operation}",outcome="${outcome}"}`;
    expect(metrics).toContain(`${calls('SubmitJob', 'ok')} ${JOBS}\n`);
    expect(metrics).toContain(`${calls('SubmitJob', 'throttled')} 15\n`);
    expect(metrics).not.toContain(calls('DescribeJobs', 'throttled'));
    // One DescribeJobs covers all 100 jobs: per-job polling would need at least 100 calls.
    const describes = world.emulator.count('batch', 'DescribeJobs');
    expect(describes).toBeGreaterThan(4);
    expect(describes).toBeLessThan(JOBS);
    // No output lost or doubled: each job's lines reached its own task's log, once each, in order.
    const lines = (t: WireTask) =>
      t.log_entries.filter((l) => l.source === 'cloudwatch').map((l) => l.message);
    const wanted = (t: WireTask) =>
      [1, 2, 3].map((n) => `line ${n} of job ${t.task_definition_name.slice(4)}`);
    const tasks = await waitFor(async () => {
      const all = (await world.h.process(run.process_id)).task;
      return all.every((t) => lines(t).length >= 3) ? all : undefined;
    }, 30_000);
    for (const t of tasks) expect(lines(t)).toEqual(wanted(t));
    expect(world.emulator.count('logs', 'FilterLogEvents')).toBeGreaterThan(2);
  }, 180_000);
});

describe('a kill AWS throttles', () => {
  // Two SDK attempts per call, so that running out of them takes a second, not the default six's ten.
  const world = useAwsWorld({
    aws: { client: { maxAttempts: 2 } },
    sundialOptions: { liveLogs: { graceMs: 300, drainSettleMs: 200 } },
  });
  const batch = (command: string[]) => ({
    batch_image_command: { image: 'acme/etl', tag: '1.0', command, memory: 512, vCpus: 1 },
  });

  it('sends a kill again at the next poll when AWS throttles it past the SDK’s retries', async () => {
    await world.h.put({
      process_definition_name: 'batch-kill-throttled',
      task_definitions: [awsTask('extract', batch(['sundial-job', '--sleep', '30']))],
    });
    const run = await triggerUntil(world.h, 'batch-kill-throttled', 'running');
    const before = world.emulator.count('batch', 'TerminateJob');
    // One more than the SDK's 2 attempts here: the first kill fails, the one sent before the next poll is taken.
    world.emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'TerminateJob', count: 3 });
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    expect(world.emulator.count('batch', 'TerminateJob') - before).toBe(4);
    const said = ended.task[0]!.log_entries.map((l) => l.message);
    expect(said.filter((m) => m.startsWith('the kill did not reach AWS'))).toEqual([
      expect.stringMatching(/^the kill did not reach AWS \(\w+: .+\); asking again at each status poll/),
    ]);
    expect(said.filter((m) => m.startsWith('asked AWS Batch to terminate job'))).toHaveLength(1);
  });
});
