import {
  BatchClient,
  CancelJobCommand,
  ClientException,
  DescribeJobDefinitionsCommand,
  DescribeJobQueuesCommand,
  DescribeJobsCommand,
  type JobDetail,
  ListJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator, waitFor } from './helpers.js';

let emulator: AwsEmulator;
let batch: BatchClient;
let logs: CloudWatchLogsClient;
/** The emulator's lifecycle lines ("batch job ID: FROM → TO"), every transition it made. */
const events: string[] = [];

beforeAll(async () => {
  emulator = await startTestEmulator({ log: (line) => events.push(line) });
  batch = new BatchClient(clientConfig(emulator));
  logs = new CloudWatchLogsClient(clientConfig(emulator));
  await batch.send(
    new RegisterJobDefinitionCommand({
      jobDefinitionName: 'emit',
      type: 'container',
      containerProperties: {
        image: 'busybox',
        command: ['emit-lines', 'Ref::count', '0', 'Ref::pause'],
        environment: [{ name: 'GREETING', value: 'hello from the definition' }],
      },
      parameters: { count: '4', pause: '0' },
    }),
  );
});
afterAll(async () => {
  batch.destroy();
  logs.destroy();
  await emulator.stop();
});

const describeJob = (jobId: string) =>
  batch.send(new DescribeJobsCommand({ jobs: [jobId] })).then((o) => o.jobs![0] as JobDetail);
const finished = (j: JobDetail) => j.status === 'SUCCEEDED' || j.status === 'FAILED';

async function logLines(stream: string): Promise<string[]> {
  const out = await logs.send(
    new GetLogEventsCommand({ logGroupName: '/aws/batch/job', logStreamName: stream, startFromHead: true }),
  );
  return (out.events ?? []).map((e) => e.message ?? '');
}

describe('Batch', () => {
  it('runs a job to SUCCEEDED through every status, with its lines in CloudWatch in order', async () => {
    const { jobId } = await batch.send(
      // Ref::pause = 0.5 s of sleep keeps the job RUNNING long enough for the poll to see it.
      new SubmitJobCommand({
        jobName: 'ok',
        jobQueue: 'default',
        jobDefinition: 'emit',
        parameters: { pause: '0.5' },
      }),
    );
    const seen: string[] = [];
    const job = await waitFor(
      () => describeJob(jobId!),
      (j) => {
        if (seen.at(-1) !== j.status) seen.push(j.status!);
        return finished(j);
      },
      { intervalMs: 5 },
    );
    expect(job.status).toBe('SUCCEEDED');
    // Every status, in order, as the emulator moved the job (polling alone may miss a short one) …
    const order = ['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING', 'RUNNING', 'SUCCEEDED'];
    const prefix = `batch job ${jobId}: `;
    const moves = events.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
    expect(moves).toEqual(order.slice(1).map((to, i) => `${order[i]} → ${to}`));
    // … and DescribeJobs showed what it saw in that order, RUNNING included (the job pauses 0.5 s).
    const positions = seen.map((status) => order.indexOf(status));
    expect(positions).not.toContain(-1);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(seen).toContain('RUNNING');
    expect(job.container?.exitCode).toBe(0);
    expect(job.statusReason).toBe('Essential container in task exited');
    expect(job.container?.logStreamName).toMatch(/^emit\/default\/[0-9a-f]{32}$/);
    expect(job.attempts).toHaveLength(1);
    expect(job.createdAt).toBeLessThanOrEqual(job.startedAt!);
    expect(job.startedAt).toBeLessThanOrEqual(job.stoppedAt!);
    // stdout (odd lines, then the greeting) and stderr (even lines) are two pipes: each keeps its
    // order, while how they interleave is up to the reader, as with a real container's log driver.
    const lines = await logLines(job.container!.logStreamName!);
    expect(lines.filter((l) => !/^line [24]$/.test(l))).toEqual([
      'line 1',
      'line 3',
      'hello from the definition',
    ]);
    expect(lines.filter((l) => /^line [24]$/.test(l))).toEqual(['line 2', 'line 4']);
    expect(lines).toHaveLength(5);
  });

  it('fails a job with the exit code of its command override; environment overrides apply', async () => {
    const { jobId } = await batch.send(
      new SubmitJobCommand({
        jobName: 'bad',
        jobQueue: 'default',
        jobDefinition: 'emit:1',
        containerOverrides: {
          command: ['emit-lines', '1', '7'],
          environment: [{ name: 'GREETING', value: 'overridden' }],
        },
      }),
    );
    const job = await waitFor(() => describeJob(jobId!), finished);
    expect(job.status).toBe('FAILED');
    expect(job.container?.exitCode).toBe(7);
    expect(job.attempts?.[0]?.container?.exitCode).toBe(7);
    expect(await logLines(job.container!.logStreamName!)).toEqual(['line 1', 'overridden']);
  });

  it('TerminateJob kills a running job: FAILED with the given reason', async () => {
    const { jobId } = await batch.send(
      new SubmitJobCommand({
        jobName: 'long',
        jobQueue: 'default',
        jobDefinition: 'emit',
        containerOverrides: { command: ['emit-lines', '1', '0', '60'] },
      }),
    );
    await waitFor(
      () => describeJob(jobId!),
      (j) => j.status === 'RUNNING',
    );
    const running = await batch.send(new ListJobsCommand({ jobQueue: 'default' }));
    expect(running.jobSummaryList?.map((j) => j.jobId)).toContain(jobId);
    await batch.send(new TerminateJobCommand({ jobId, reason: 'Sundial: killed by user' }));
    const job = await waitFor(() => describeJob(jobId!), finished);
    expect(job.status).toBe('FAILED');
    expect(job.statusReason).toBe('Sundial: killed by user');
    expect(job.container?.exitCode).toBe(143);
    const byName = await batch.send(
      new ListJobsCommand({ jobQueue: 'default', filters: [{ name: 'JOB_NAME', values: ['lo*'] }] }),
    );
    expect(byName.jobSummaryList?.map((j) => [j.jobName, j.status])).toEqual([['long', 'FAILED']]);
  });

  it('CancelJob fails a job that has not started', async () => {
    const { jobId } = await batch.send(
      new SubmitJobCommand({ jobName: 'early', jobQueue: 'default', jobDefinition: 'emit' }),
    );
    await batch.send(new CancelJobCommand({ jobId, reason: 'not needed' }));
    const job = await describeJob(jobId!);
    expect(job.status).toBe('FAILED');
    expect(job.statusReason).toBe('not needed');
    expect(job.container?.exitCode).toBeUndefined();
  });

  it('answers ClientException for unknown queues and job definitions, like AWS', async () => {
    const err = await batch
      .send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'nope', jobDefinition: 'emit' }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientException);
    expect((err as ClientException).$metadata.httpStatusCode).toBe(400);
    await expect(
      batch.send(new SubmitJobCommand({ jobName: 'x', jobQueue: 'default', jobDefinition: 'missing' })),
    ).rejects.toBeInstanceOf(ClientException);
    await expect(
      batch.send(new DescribeJobsCommand({ jobs: Array.from({ length: 101 }, (_, i) => `id-${i}`) })),
    ).rejects.toBeInstanceOf(ClientException);
  });

  it('keeps job definition revisions and the default queue', async () => {
    const second = await batch.send(
      new RegisterJobDefinitionCommand({
        jobDefinitionName: 'emit',
        type: 'container',
        containerProperties: { image: 'x', command: ['true'] },
      }),
    );
    expect(second.revision).toBe(2);
    const defs = await batch.send(
      new DescribeJobDefinitionsCommand({ jobDefinitionName: 'emit', status: 'ACTIVE' }),
    );
    expect(defs.jobDefinitions?.map((d) => d.revision)).toEqual([1, 2]);
    expect(defs.jobDefinitions?.[0]?.containerProperties?.command).toEqual([
      'emit-lines',
      'Ref::count',
      '0',
      'Ref::pause',
    ]);
    const queues = await batch.send(new DescribeJobQueuesCommand({ jobQueues: ['default'] }));
    expect(queues.jobQueues?.[0]?.jobQueueArn).toBe('arn:aws:batch:us-east-1:000000000000:job-queue/default');
  });
});
