import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  GetLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  ClientException,
  ClusterNotFoundException,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  InvalidParameterException,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator, waitFor } from './helpers.js';

let emulator: AwsEmulator;
let ecs: ECSClient;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  ecs = new ECSClient(clientConfig(emulator));
  logs = new CloudWatchLogsClient(clientConfig(emulator));
  await logs.send(new CreateLogGroupCommand({ logGroupName: '/sundial/ecs' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'emit',
      containerDefinitions: [
        {
          name: 'main',
          image: 'busybox',
          essential: true,
          command: ['emit-lines', '3', '0'],
          environment: [{ name: 'GREETING', value: 'hi' }],
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/sundial/ecs',
              'awslogs-region': 'us-east-1',
              'awslogs-stream-prefix': 'sundial',
            },
          },
        },
      ],
    }),
  );
});
afterAll(async () => {
  ecs.destroy();
  logs.destroy();
  await emulator.stop();
});

const describeTask = (arn: string) =>
  ecs.send(new DescribeTasksCommand({ cluster: 'default', tasks: [arn] })).then((o) => o.tasks![0] as Task);
const taskId = (arn: string) => arn.split('/').pop()!;

describe('ECS', () => {
  it('runs a task through its lifecycle; exit code, stop code and awslogs stream', async () => {
    const run = await ecs.send(
      new RunTaskCommand({ cluster: 'default', taskDefinition: 'emit', startedBy: 'sundial' }),
    );
    const arn = run.tasks![0]!.taskArn!;
    expect(run.tasks![0]!.lastStatus).toBe('PROVISIONING');
    const seen: string[] = [];
    const task = await waitFor(
      () => describeTask(arn),
      (t) => {
        if (seen.at(-1) !== t.lastStatus) seen.push(t.lastStatus!);
        return t.lastStatus === 'STOPPED';
      },
      { intervalMs: 5 },
    );
    expect(seen).toContain('RUNNING');
    expect(seen.indexOf('RUNNING')).toBeLessThan(seen.indexOf('STOPPED'));
    expect(task.desiredStatus).toBe('STOPPED');
    expect(task.stopCode).toBe('EssentialContainerExited');
    expect(task.stoppedReason).toBe('Essential container in task exited');
    expect(task.containers?.[0]?.exitCode).toBe(0);
    expect(task.startedBy).toBe('sundial');
    expect(task.stoppedAt).toBeInstanceOf(Date);
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/sundial/ecs',
        logStreamName: `sundial/main/${taskId(arn)}`,
        startFromHead: true,
      }),
    );
    // stdout and stderr (line 2) are two pipes: each keeps its order; their interleaving is the reader's.
    const lines = events.events?.map((e) => e.message) ?? [];
    expect(lines.filter((l) => l !== 'line 2')).toEqual(['line 1', 'line 3', 'hi']);
    expect([...lines].sort()).toEqual(['hi', 'line 1', 'line 2', 'line 3']);
  });

  it('honours clientToken: a repeated RunTask returns the same task and starts no other', async () => {
    const params = {
      cluster: 'default',
      taskDefinition: 'emit:1',
      clientToken: 'sundial-run-42',
      overrides: { containerOverrides: [{ name: 'main', command: ['emit-lines', '1', '5'] }] },
    };
    const first = await ecs.send(new RunTaskCommand(params));
    const second = await ecs.send(new RunTaskCommand(params));
    expect(second.tasks?.map((t) => t.taskArn)).toEqual(first.tasks?.map((t) => t.taskArn));
    const state = emulator.state() as { ecs: { tasks: { overrides: unknown }[] } };
    expect(state.ecs.tasks.filter((t) => JSON.stringify(t.overrides).includes('"5"'))).toHaveLength(1);
    const task = await waitFor(
      () => describeTask(first.tasks![0]!.taskArn!),
      (t) => t.lastStatus === 'STOPPED',
    );
    expect(task.containers?.[0]?.exitCode).toBe(5);
  });

  it('StopTask kills the container: UserInitiated with the reason', async () => {
    const run = await ecs.send(
      new RunTaskCommand({
        taskDefinition: 'emit',
        startedBy: 'stopper',
        overrides: { containerOverrides: [{ name: 'main', command: ['emit-lines', '1', '0', '60'] }] },
      }),
    );
    const arn = run.tasks![0]!.taskArn!;
    await waitFor(
      () => describeTask(arn),
      (t) => t.lastStatus === 'RUNNING',
    );
    const listed = await ecs.send(new ListTasksCommand({ cluster: 'default', startedBy: 'stopper' }));
    expect(listed.taskArns).toEqual([arn]);
    await ecs.send(
      new StopTaskCommand({ cluster: 'default', task: taskId(arn), reason: 'Sundial: cancelled' }),
    );
    const task = await waitFor(
      () => describeTask(arn),
      (t) => t.lastStatus === 'STOPPED',
    );
    expect(task.stopCode).toBe('UserInitiated');
    expect(task.stoppedReason).toBe('Sundial: cancelled');
    expect(task.containers?.[0]?.exitCode).toBe(143);
    const stopped = await ecs.send(new ListTasksCommand({ startedBy: 'stopper', desiredStatus: 'STOPPED' }));
    expect(stopped.taskArns).toEqual([arn]);
    expect((await ecs.send(new ListTasksCommand({ startedBy: 'stopper' }))).taskArns).toEqual([]);
  });

  it('a missing awslogs group keeps the container from starting, as on ECS', async () => {
    await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'nolog',
        containerDefinitions: [
          {
            name: 'c',
            image: 'x',
            command: ['emit-lines', '1'],
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': '/missing', 'awslogs-stream-prefix': 'p' },
            },
          },
        ],
      }),
    );
    const run = await ecs.send(new RunTaskCommand({ taskDefinition: 'nolog' }));
    const task = await waitFor(
      () => describeTask(run.tasks![0]!.taskArn!),
      (t) => t.lastStatus === 'STOPPED',
    );
    expect(task.stopCode).toBe('TaskFailedToStart');
    expect(task.containers?.[0]?.reason).toContain('The specified log group does not exist');
  });

  it('answers typed errors for unknown clusters and task definitions', async () => {
    await expect(
      ecs.send(new RunTaskCommand({ cluster: 'prod', taskDefinition: 'emit' })),
    ).rejects.toBeInstanceOf(ClusterNotFoundException);
    await expect(
      ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'ghost' })),
    ).rejects.toBeInstanceOf(ClientException);
    const def = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'emit' }));
    expect(def.taskDefinition?.revision).toBe(1);
    const missing = await ecs.send(new DescribeTasksCommand({ tasks: ['0123456789abcdef0123456789abcdef'] }));
    expect(missing.failures?.[0]?.reason).toBe('MISSING');
  });

  it('checks Fargate task definitions and awsvpc RunTasks as ECS does', async () => {
    const fargate = (cpu: string, memory: string) =>
      new RegisterTaskDefinitionCommand({
        family: 'on-fargate',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu,
        memory,
        containerDefinitions: [{ name: 'main', image: 'busybox', command: ['true'] }],
      });
    await expect(ecs.send(fargate('256', '4096'))).rejects.toThrow(
      'No Fargate configuration exists for given values: 256 CPU, 4096 memory.',
    );
    await ecs.send(fargate('512', '2048'));
    const def = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'on-fargate' }));
    expect(def.taskDefinition).toMatchObject({ cpu: '512', memory: '2048', networkMode: 'awsvpc' });
    expect(def.taskDefinition?.compatibilities).toEqual(['EC2', 'FARGATE']);

    const run = (extra: Partial<ConstructorParameters<typeof RunTaskCommand>[0]>) =>
      ecs.send(new RunTaskCommand({ taskDefinition: 'on-fargate', launchType: 'FARGATE', ...extra }));
    const refused = await run({}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(InvalidParameterException);
    expect((refused as Error).message).toBe(
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
    await expect(
      ecs.send(new RunTaskCommand({ taskDefinition: 'emit', launchType: 'FARGATE' })),
    ).rejects.toThrow('Task definition does not support launch_type FARGATE.');
    const started = await run({
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], assignPublicIp: 'ENABLED' } },
    });
    const task = await describeTask(started.tasks![0]!.taskArn!);
    expect(task).toMatchObject({ launchType: 'FARGATE', cpu: '512', memory: '2048' });
    expect(task.attachments?.[0]?.type).toBe('ElasticNetworkInterface');
    expect(task.attachments?.[0]?.details).toContainEqual({ name: 'subnetId', value: 'subnet-1' });
  });
});
