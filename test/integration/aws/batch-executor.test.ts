import { describe, expect, it } from 'vitest';
import type { BatchImageCommand } from '../../../src/domain/types.js';
import { awsTask, emulatorState, metadataOf, triggerUntil, useAwsWorld } from './aws-world.js';

interface BatchJob {
  jobId: string;
  jobName: string;
  status: string;
  statusReason?: string;
  container: { environment: { name: string; value: string }[]; logStreamName?: string };
}

const batch = (command: string[], extra: Partial<BatchImageCommand> = {}) => ({
  batch_image_command: { image: 'acme/etl', tag: '1.0', command, memory: 512, vCpus: 1, ...extra },
});

describe('batch_image_command on AWS Batch', () => {
  const world = useAwsWorld();
  const jobs = () => emulatorState<BatchJob[]>(world.emulator, 'batch', 'jobs');

  it('runs a job with the Sundial environment and reuses its job definition on the next run', async () => {
    await world.h.put({
      process_definition_name: 'batch-ok',
      task_definitions: [awsTask('extract', batch(['sundial-job', '--callback']))],
    });
    const first = await world.h.triggerAndWait('batch-ok');
    expect(first.status).toBe('succeeded');
    const task = first.task[0]!;
    expect(metadataOf(task)).toMatchObject({ seen_task_id: task.task_id, seen_sundial_url: world.h.url });
    const job = jobs().find((j) => j.jobName.endsWith(task.task_id))!;
    expect(job.status).toBe('SUCCEEDED');
    expect(job.container.environment).toContainEqual({ name: 'SUNDIAL_TASK_ID', value: task.task_id });
    expect(task.log_entries.some((l) => l.message.includes(job.jobId))).toBe(true);

    const second = await world.h.triggerAndWait('batch-ok');
    expect(second.status).toBe('succeeded');
    expect(emulatorState(world.emulator, 'batch', 'jobDefinitions')).toHaveLength(1);
    expect(world.emulator.count('batch', 'RegisterJobDefinition')).toBe(1);
    // Every call the emulator answered is counted in /metrics, by service, operation and outcome.
    const metrics = await (await fetch(`${world.h.url}/metrics`)).text();
    for (const operation of ['SubmitJob', 'RegisterJobDefinition'])
      expect(metrics).toContain(
        `sundial_aws_calls_total{service="batch",operation="${operation}",outcome="ok"} ${world.emulator.count('batch', operation)}\n`,
      );
  });

  it('fails with the status reason and the container exit code', async () => {
    await world.h.put({
      process_definition_name: 'batch-fail',
      task_definitions: [awsTask('extract', batch(['sundial-job', '--exit', '3']))],
    });
    const run = await world.h.triggerAndWait('batch-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(
      /AWS Batch job .* failed: Essential container in task exited/,
    );
    expect(run.task[0]!.failure_reason).toContain('container exit code 3');
  });

  it('terminates the job when the process is killed', async () => {
    await world.h.put({
      process_definition_name: 'batch-kill',
      task_definitions: [awsTask('extract', batch(['sundial-job', '--sleep', '30']))],
    });
    const run = await triggerUntil(world.h, 'batch-kill', 'running');
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    const job = jobs().find((j) => j.jobName.endsWith(ended.task[0]!.task_id))!;
    expect(job.status).toBe('FAILED');
    expect(job.statusReason).toContain('killed by request');
  });

  it('terminates a job that exceeds max_runtime_seconds', async () => {
    await world.h.put({
      process_definition_name: 'batch-slow',
      task_definitions: [
        awsTask('extract', batch(['sundial-job', '--sleep', '30']), { max_runtime_seconds: 1 }),
      ],
    });
    const run = await world.h.triggerAndWait('batch-slow');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('max_runtime_seconds');
    const job = jobs().find((j) => j.jobName.endsWith(run.task[0]!.task_id))!;
    expect(job.status).toBe('FAILED');
  });

  it('retries with a new job that sees the attempt count', async () => {
    await world.h.put({
      process_definition_name: 'batch-retry',
      task_definitions: [awsTask('extract', batch(['sundial-job', '--fail-first']), { max_attempts: 2 })],
    });
    const run = await world.h.triggerAndWait('batch-retry');
    expect(run.status).toBe('succeeded');
    expect(run.task.map((t) => t.status).sort()).toEqual(['failed', 'succeeded']);
    const ids = new Set(run.task.map((t) => t.task_id));
    expect(jobs().filter((j) => ids.has(j.jobName.slice(-36)))).toHaveLength(2);
  });

  it('survives throttling of SubmitJob and DescribeJobs', async () => {
    await world.h.put({
      process_definition_name: 'batch-throttled',
      task_definitions: [awsTask('extract', batch(['sundial-job']))],
    });
    world.emulator.resetStats();
    world.emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'SubmitJob', count: 2 });
    world.emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'DescribeJobs', count: 3 });
    const run = await world.h.triggerAndWait('batch-throttled');
    expect(run.status).toBe('succeeded');
    expect(world.emulator.count('batch', 'SubmitJob')).toBe(3);
    expect(world.emulator.count('batch', 'DescribeJobs')).toBeGreaterThanOrEqual(4);
    expect(jobs().filter((j) => j.jobName.endsWith(run.task[0]!.task_id))).toHaveLength(1);
  });
});
