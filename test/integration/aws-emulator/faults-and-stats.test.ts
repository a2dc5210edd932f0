import { BatchClient, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import {
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { DescribeClusterCommand, EMRClient, RunJobFlowCommand } from '@aws-sdk/client-emr';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator } from './helpers.js';

let emulator: AwsEmulator;
let ecs: ECSClient;
let emr: EMRClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  ecs = new ECSClient(clientConfig(emulator));
  emr = new EMRClient(clientConfig(emulator));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'noop',
      containerDefinitions: [{ name: 'c', image: 'x', command: ['true'] }],
    }),
  );
});
afterAll(async () => {
  ecs.destroy();
  emr.destroy();
  await emulator.stop();
});
beforeEach(() => {
  emulator.clearFaults();
  emulator.resetStats();
});

describe('fault injection', () => {
  it('throttling: the SDK retries and succeeds; the emulator counted every attempt', async () => {
    emulator.injectFault({ type: 'throttle', service: 'ecs', operation: 'ListTasks', count: 2 });
    const out = await ecs.send(new ListTasksCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(emulator.count('ecs', 'ListTasks')).toBe(3);
  });

  it('throttling beyond the retry budget surfaces ThrottlingException', async () => {
    emulator.injectFault({ type: 'throttle', operation: 'ListTasks', count: 5 });
    const err = await ecs.send(new ListTasksCommand({})).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ThrottlingException');
    expect((err as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(400);
    expect(emulator.count('ecs', 'ListTasks')).toBe(3);
  });

  it('Batch throttles with 429 TooManyRequestsException and S3 with 503 SlowDown; both are retried', async () => {
    const batch = new BatchClient(clientConfig(emulator));
    const s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
    emulator.injectFault({ type: 'throttle', service: 'batch', operation: 'DescribeJobQueues' });
    emulator.injectFault({ type: 'throttle', service: 's3', operation: 'PutObject' });
    emulator.injectFault({ type: 'internal-error', service: 's3', operation: 'GetObject' });
    await batch.send(new DescribeJobQueuesCommand({}));
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'v' }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(await got.Body!.transformToString()).toBe('v');
    expect(emulator.stats()).toMatchObject({
      'batch.DescribeJobQueues': 2,
      's3.PutObject': 2,
      's3.GetObject': 2,
    });
    batch.destroy();
    s3.destroy();
  });

  it('lost response on RunTask: the retry with the same clientToken gets the same single task', async () => {
    emulator.injectFault({ type: 'lost-response', service: 'ecs', operation: 'RunTask' });
    const out = await ecs.send(
      new RunTaskCommand({ taskDefinition: 'noop', clientToken: 'lost-1', startedBy: 'lost' }),
    );
    expect(out.$metadata.attempts).toBe(2);
    expect(emulator.count('ecs', 'RunTask')).toBe(2);
    const state = emulator.state() as { ecs: { tasks: { startedBy?: string; taskArn: string }[] } };
    const mine = state.ecs.tasks.filter((t) => t.startedBy === 'lost');
    expect(mine.map((t) => t.taskArn)).toEqual([out.tasks?.[0]?.taskArn]);
  });

  it('lost response (500) on RunJobFlow: the SDK retry creates a second cluster, visible in state', async () => {
    emulator.injectFault({
      type: 'lost-response',
      service: 'emr',
      operation: 'RunJobFlow',
      mode: 'status-500',
    });
    const out = await emr.send(
      new RunJobFlowCommand({ Name: 'dup', Instances: { KeepJobFlowAliveWhenNoSteps: true } }),
    );
    const state = emulator.state() as { emr: { clusters: { Id: string; Name: string }[] } };
    const dups = state.emr.clusters.filter((c) => c.Name === 'dup');
    expect(dups).toHaveLength(2);
    expect(dups.map((c) => c.Id)).toContain(out.JobFlowId);
  });

  it('late response on RunJobFlow: the cluster exists at once, the answer comes after the delay', async () => {
    emulator.injectFault({ type: 'late-response', service: 'emr', operation: 'RunJobFlow', delayMs: 400 });
    const sentAt = Date.now();
    const answer = emr.send(new RunJobFlowCommand({ Name: 'late', Instances: {} }));
    const clusters = () =>
      (emulator.state() as { emr: { clusters: { Id: string; Name: string }[] } }).emr.clusters.filter(
        (c) => c.Name === 'late',
      );
    while (clusters().length === 0) await new Promise((r) => setTimeout(r, 10));
    expect(Date.now() - sentAt).toBeLessThan(400);
    const { JobFlowId } = await answer;
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(400);
    expect(clusters().map((c) => c.Id)).toEqual([JobFlowId]);
    expect(emulator.count('emr', 'RunJobFlow')).toBe(1);
  });

  it('internal errors: 500 InternalFailure, retried by the SDK', async () => {
    const { JobFlowId } = await emr.send(new RunJobFlowCommand({ Name: 'ie', Instances: {} }));
    emulator.injectFault({ type: 'internal-error', operation: 'DescribeCluster', count: 1 });
    const out = await emr.send(new DescribeClusterCommand({ ClusterId: JobFlowId }));
    expect(out.Cluster?.Id).toBe(JobFlowId);
    expect(emulator.count('emr', 'DescribeCluster')).toBe(2);
  });
});

describe('control endpoints', () => {
  it('POST /_emulator/faults, GET /_emulator/stats, POST /_emulator/reset-stats, GET /_emulator/state', async () => {
    const armed = await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ type: 'throttle', service: 'ecs', operation: 'ListTasks', count: 1 }),
    });
    expect(await armed.json()).toEqual({ armed: 1 });
    await ecs.send(new ListTasksCommand({}));
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as Record<string, number>;
    expect(stats['ecs.ListTasks']).toBe(2);
    await fetch(`${emulator.url}/_emulator/reset-stats`, { method: 'POST' });
    expect(await (await fetch(`${emulator.url}/_emulator/stats`)).json()).toEqual({});
    const state = (await (await fetch(`${emulator.url}/_emulator/state`)).json()) as Record<string, unknown>;
    expect(Object.keys(state).sort()).toEqual([
      'batch',
      'ecs',
      'emr',
      'emr-serverless',
      'logs',
      's3',
      'secretsmanager',
      'ssm',
    ]);
    const bad = await fetch(`${emulator.url}/_emulator/faults`, { method: 'POST', body: '"nope"' });
    expect(bad.status).toBe(400);
  });
});
