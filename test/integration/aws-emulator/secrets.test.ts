import {
  BatchClient,
  ClientException as BatchClientException,
  DescribeJobsCommand,
  RegisterJobDefinitionCommand,
  SubmitJobCommand,
} from '@aws-sdk/client-batch';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  ClientException,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import {
  GetParameterCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator, waitFor } from './helpers.js';

let emulator: AwsEmulator;
let sm: SecretsManagerClient;
let ssm: SSMClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  sm = new SecretsManagerClient(clientConfig(emulator));
  ssm = new SSMClient(clientConfig(emulator));
});
afterAll(async () => {
  sm.destroy();
  ssm.destroy();
  await emulator.stop();
});

describe('Secrets Manager', () => {
  it('creates a secret and reads it by name, full ARN and partial ARN; versions move AWSCURRENT', async () => {
    const created = await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'hunter22' }));
    expect(created.ARN).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:prod\/db-[A-Za-z0-9]{6}$/,
    );
    for (const id of ['prod/db', created.ARN!, created.ARN!.slice(0, -7)]) {
      const got = await sm.send(new GetSecretValueCommand({ SecretId: id }));
      expect(got.SecretString).toBe('hunter22');
      expect(got.VersionStages).toEqual(['AWSCURRENT']);
      expect(got.CreatedDate).toBeInstanceOf(Date);
    }
    await sm.send(new PutSecretValueCommand({ SecretId: 'prod/db', SecretString: 'correct horse' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'prod/db' }))).SecretString).toBe(
      'correct horse',
    );
    const previous = await sm.send(
      new GetSecretValueCommand({ SecretId: 'prod/db', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('hunter22');
    await expect(
      sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: 'x' })),
    ).rejects.toBeInstanceOf(ResourceExistsException);
  });

  it('answers ResourceNotFoundException for an unknown secret and InvalidRequestException once deleted', async () => {
    const missing = sm.send(new GetSecretValueCommand({ SecretId: 'no/such' }));
    await expect(missing).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(missing).rejects.toThrow("Secrets Manager can't find the specified secret.");
    await sm.send(new CreateSecretCommand({ Name: 'gone', SecretString: 'x' }));
    await sm.send(new DeleteSecretCommand({ SecretId: 'gone' }));
    await expect(sm.send(new GetSecretValueCommand({ SecretId: 'gone' }))).rejects.toBeInstanceOf(
      InvalidRequestException,
    );
    expect(JSON.stringify(emulator.state())).not.toContain('hunter22');
  });
});

describe('SSM Parameter Store', () => {
  it('hides a SecureString unless read WithDecryption; by name, ARN and version', async () => {
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/prod/api-key', Value: 'k-1', Type: 'SecureString' }),
    );
    expect(put.Version).toBe(1);
    await expect(
      ssm.send(new PutParameterCommand({ Name: '/prod/api-key', Value: 'k-2', Type: 'SecureString' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    await ssm.send(new PutParameterCommand({ Name: '/prod/api-key', Value: 'k-2', Overwrite: true }));

    const hidden = await ssm.send(new GetParameterCommand({ Name: '/prod/api-key' }));
    expect(hidden.Parameter?.Type).toBe('SecureString');
    expect(hidden.Parameter?.Value).not.toContain('k-2');
    const clear = await ssm.send(new GetParameterCommand({ Name: '/prod/api-key', WithDecryption: true }));
    expect(clear.Parameter).toMatchObject({ Name: '/prod/api-key', Value: 'k-2', Version: 2 });
    expect(clear.Parameter?.ARN).toBe('arn:aws:ssm:us-east-1:000000000000:parameter/prod/api-key');
    const byArn = await ssm.send(
      new GetParameterCommand({ Name: clear.Parameter!.ARN!, WithDecryption: true }),
    );
    expect(byArn.Parameter?.Value).toBe('k-2');
    const first = await ssm.send(new GetParameterCommand({ Name: '/prod/api-key:1', WithDecryption: true }));
    expect(first.Parameter?.Value).toBe('k-1');
    await expect(ssm.send(new GetParameterCommand({ Name: '/no/such' }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
  });
});

describe('containers read their secrets', () => {
  const printSecrets = ['bash', '-c', 'echo "db=$DB_PASSWORD key=$API_KEY"'];

  it('ECS: secrets need an execution role; a task gets their values, or stops before starting', async () => {
    const ecs = new ECSClient(clientConfig(emulator));
    const logs = new CloudWatchLogsClient(clientConfig(emulator));
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'ecs/db', SecretString: 'ecs-pw' }));
    await ssm.send(new PutParameterCommand({ Name: '/ecs/key', Value: 'ecs-key', Type: 'SecureString' }));
    const container = (valueFrom: string) => ({
      name: 'job',
      image: 'busybox',
      command: printSecrets,
      secrets: [
        { name: 'DB_PASSWORD', valueFrom },
        { name: 'API_KEY', valueFrom: '/ecs/key' },
      ],
      logConfiguration: {
        logDriver: 'awslogs' as const,
        options: {
          'awslogs-group': '/secrets',
          'awslogs-create-group': 'true',
          'awslogs-stream-prefix': 's',
        },
      },
    });
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand({ family: 'no-role', containerDefinitions: [container(ARN!)] }),
      ),
    ).rejects.toBeInstanceOf(ClientException);
    const run = async (family: string, valueFrom: string) => {
      await ecs.send(
        new RegisterTaskDefinitionCommand({
          family,
          executionRoleArn: 'arn:aws:iam::000000000000:role/ecsTaskExecutionRole',
          containerDefinitions: [container(valueFrom)],
        }),
      );
      const started = await ecs.send(new RunTaskCommand({ taskDefinition: family }));
      const arn = started.tasks![0]!.taskArn!;
      return waitFor(
        () => ecs.send(new DescribeTasksCommand({ tasks: [arn] })).then((o) => o.tasks![0]!),
        (t) => t.lastStatus === 'STOPPED',
      );
    };
    const ok = await run('with-secrets', ARN!);
    expect(ok.containers?.[0]?.exitCode).toBe(0);
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/secrets',
        logStreamName: `s/job/${ok.taskArn!.split('/').pop()}`,
      }),
    );
    expect(events.events?.map((e) => e.message)).toEqual(['db=ecs-pw key=ecs-key']);

    const failed = await run('missing-secret', ARN!.replace('ecs/db', 'ecs/nope'));
    expect(failed.stopCode).toBe('TaskFailedToStart');
    expect(failed.stoppedReason).toMatch(/^ResourceInitializationError: .*ResourceNotFoundException/);
    ecs.destroy();
    logs.destroy();
  });

  it('Batch: a job definition with secrets runs its job with their values; a missing one fails the job', async () => {
    const batch = new BatchClient(clientConfig(emulator));
    const logs = new CloudWatchLogsClient(clientConfig(emulator));
    const { ARN } = await sm.send(new CreateSecretCommand({ Name: 'batch/db', SecretString: 'batch-pw' }));
    await ssm.send(new PutParameterCommand({ Name: '/batch/key', Value: 'batch-key', Type: 'String' }));
    const props = (valueFrom: string, role = true) => ({
      image: 'busybox',
      command: printSecrets,
      ...(role && { executionRoleArn: 'arn:aws:iam::000000000000:role/batchExecution' }),
      secrets: [
        { name: 'DB_PASSWORD', valueFrom },
        { name: 'API_KEY', valueFrom: '/batch/key' },
      ],
    });
    await expect(
      batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: 'x',
          type: 'container',
          containerProperties: props(ARN!, false),
        }),
      ),
    ).rejects.toBeInstanceOf(BatchClientException);
    const run = async (name: string, valueFrom: string) => {
      await batch.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: name,
          type: 'container',
          containerProperties: props(valueFrom),
        }),
      );
      const { jobId } = await batch.send(
        new SubmitJobCommand({ jobName: name, jobQueue: 'default', jobDefinition: name }),
      );
      return waitFor(
        () => batch.send(new DescribeJobsCommand({ jobs: [jobId!] })).then((o) => o.jobs![0]!),
        (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED',
      );
    };
    const ok = await run('with-secrets', ARN!);
    expect(ok.status).toBe('SUCCEEDED');
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/aws/batch/job',
        logStreamName: ok.container!.logStreamName!,
      }),
    );
    expect(events.events?.map((e) => e.message)).toEqual(['db=batch-pw key=batch-key']);

    const failed = await run('missing-secret', '/batch/nope');
    expect(failed.status).toBe('FAILED');
    expect(failed.statusReason).toMatch(/^ResourceInitializationError: .*ParameterNotFound/);
    batch.destroy();
    logs.destroy();
  });
});
