import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentVariable, TaskExecutable } from '../../../src/domain/types.js';
import { shellTask, waitFor } from '../../helpers/harness.js';
import { awsTask, emulatorState, useAwsWorld } from '../aws/aws-world.js';

/** Values that must reach the jobs and appear nowhere else. */
const VALUES = { sm: 'sm-value-7f3a', ssm: 'ssm-value-91c2', env: 'env-value-55d1', file: 'file-value-2b8e' };
const ROLE = 'arn:aws:iam::000000000000:role/execution';
/** A shell test that $name holds `value`, without writing the value into the script (which is stored). */
const holds = (name: string, value: string) =>
  `[ "$(printf %s "$${name}" | sha256sum | cut -c1-64)" = ${createHash('sha256').update(value).digest('hex')} ]`;

describe('secret references in environment variables', () => {
  const world = useAwsWorld();
  let dir: string;
  let secretArn: string;

  beforeAll(async () => {
    const config = {
      endpoint: world.emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    };
    const sm = new SecretsManagerClient(config);
    secretArn = (await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: VALUES.sm }))).ARN!;
    sm.destroy();
    const ssm = new SSMClient(config);
    await ssm.send(new PutParameterCommand({ Name: '/prod/key', Value: VALUES.ssm, Type: 'SecureString' }));
    ssm.destroy();
    dir = await mkdtemp(join(tmpdir(), 'sundial-secrets-'));
    await writeFile(join(dir, 'db'), `${VALUES.file}\n`);
    process.env.SUNDIAL_TEST_SECRET = VALUES.env;
  });
  afterAll(async () => {
    delete process.env.SUNDIAL_TEST_SECRET;
    await rm(dir, { recursive: true, force: true });
  });

  const shellWith = (script: string, environment_variables: EnvironmentVariable[]): TaskExecutable => ({
    shell_script_command: { script, environment_variables },
  });

  it('a shell job gets the values of all four sources; logs, metadata, API and database never hold them', async () => {
    const vars = [
      { variable_name: 'SM', secret: 'prod/db' },
      { variable_name: 'SSM', secret: 'ssm:/prod/key' },
      { variable_name: 'FROM_ENV', secret: 'env:SUNDIAL_TEST_SECRET' },
      { variable_name: 'FROM_FILE', secret: `file:${join(dir, 'db')}` },
    ];
    const script = [
      `${holds('SM', VALUES.sm)} && ${holds('SSM', VALUES.ssm)} && ${holds('FROM_ENV', VALUES.env)} && ${holds('FROM_FILE', VALUES.file)} && echo all-four-read`,
      'echo "printed: $SM $SSM $FROM_ENV $FROM_FILE"',
      'echo "**metadata:printed=$SSM"',
    ].join('\n');
    await world.h.put({
      process_definition_name: 'secret-shell',
      task_definitions: [{ ...shellTask('use', 'x'), executable: shellWith(script, vars) }],
    });
    const run = await world.h.triggerAndWait('secret-shell');
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    const messages = task.log_entries.map((l) => l.message);
    expect(messages).toContain('all-four-read');
    expect(messages).toContain('printed: **** **** **** ****');
    expect(task.metadata_entries).toContainEqual(expect.objectContaining({ key: 'printed', value: '****' }));

    const stored = await world.h.request('GET', '/api/process_definitions/secret-shell');
    expect(JSON.stringify(stored.body)).toContain('"secret":"ssm:/prod/key"');
    const everywhere = JSON.stringify([stored.body, await world.h.request('GET', '/api/audit'), run]);
    for (const value of Object.values(VALUES)) expect(everywhere).not.toContain(value);
    expect(await rowsHolding(Object.values(VALUES))).toEqual([]);
  });

  it('a secret that cannot be read fails the attempt, naming the variable and the reference', async () => {
    const cases: [EnvironmentVariable, RegExp][] = [
      [
        { variable_name: 'PW', secret: 'ssm:/no/such' },
        /^environment variable PW: secret 'ssm:\/no\/such' could not be read: ParameterNotFound/,
      ],
      [
        { variable_name: 'DB', secret: 'missing/secret' },
        /^environment variable DB: secret 'missing\/secret' could not be read: ResourceNotFoundException: Secrets Manager can't find/,
      ],
      [
        { variable_name: 'E', secret: 'env:SUNDIAL_NOT_SET_ANYWHERE' },
        /^environment variable E: .* the server has no environment variable SUNDIAL_NOT_SET_ANYWHERE$/,
      ],
      [{ variable_name: 'F', secret: `file:${join(dir, 'absent')}` }, /^environment variable F: .* ENOENT/],
    ];
    for (const [variable, reason] of cases) {
      await world.h.put({
        process_definition_name: 'secret-missing',
        task_definitions: [{ ...shellTask('use', 'x'), executable: shellWith('echo ran', [variable]) }],
      });
      const run = await world.h.triggerAndWait('secret-missing');
      expect(run.status).toBe('failed');
      expect(run.task[0]!.failure_reason).toMatch(reason);
      expect(run.task[0]!.log_entries.map((l) => l.message)).not.toContain('ran');
    }
  });

  it('a kill while a secret is still being read ends the task; the job never starts', async () => {
    // Reading a FIFO blocks until something writes to it: the launch waits there, without any timing.
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    await world.h.put({
      process_definition_name: 'secret-slow',
      task_definitions: [
        {
          ...shellTask('use', 'x'),
          executable: shellWith('echo started', [{ variable_name: 'PW', secret: `file:${fifo}` }]),
        },
      ],
    });
    await world.h.trigger('secret-slow');
    const started = await world.h.waitForRun('secret-slow');
    // Recorded and handed to the shell executor, whose launch is blocked reading the secret
    // (a shell task is recorded 'running' only once spawned, so it stays 'submitted' meanwhile).
    await waitFor(async () =>
      (await world.h.process(started.process_id)).task.find((t) => t.status === 'submitted'),
    );
    expect((await world.h.request('POST', `/api/processes/${started.process_id}/kill`)).status).toBe(204);
    await writeFile(fifo, 'late\n'); // lets the read finish
    const run = await world.h.waitForEnd(started.process_id);
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(/killed by request/);
    expect(run.task[0]!.log_entries.map((l) => l.message)).not.toContain('started');
  });

  it('a PUT with a bad reference is a 400 naming each field, and stores nothing', async () => {
    const docker = (vars: EnvironmentVariable[], role?: string): TaskExecutable => ({
      docker_image_command: {
        image: 'acme/etl',
        tag: '1',
        command: ['run'],
        environment_variables: vars,
        ...(role && { execution_role_arn: role }),
      },
    });
    const res = await world.h.request<{ errors: { field: string; problem: string }[] }>(
      'PUT',
      '/api/process_definitions/secret-bad',
      {
        process_definition_name: 'secret-bad',
        task_definitions: [
          {
            ...shellTask('a', 'x'),
            executable: shellWith('x', [
              { variable_name: 'A', secret: 'env:1X' },
              { variable_name: 'B', value: 'v', secret: 'prod/db' } as unknown as EnvironmentVariable,
              { variable_name: 'C' } as unknown as EnvironmentVariable,
              { variable_name: 'D', secret: 'vault:x' },
              { variable_name: 'E', secret: 'file:../etc/passwd' },
            ]),
          },
          awsTask('b', docker([{ variable_name: 'P', secret: 'prod/db' }], ROLE)),
          awsTask('c', docker([{ variable_name: 'P', secret: 'ssm:/prod/key' }])),
        ],
      },
    );
    expect(res.status).toBe(400);
    const shellVar = (j: number) =>
      `task_definitions[0].executable.shell_script_command.environment_variables[${j}]`;
    expect(res.body.errors.map((e) => e.field)).toEqual([
      `${shellVar(0)}.secret`,
      shellVar(1),
      shellVar(2),
      `${shellVar(3)}.secret`,
      `${shellVar(4)}.secret`,
      'task_definitions[1].executable.docker_image_command.environment_variables[0].secret',
      'task_definitions[2].executable.docker_image_command.execution_role_arn',
    ]);
    expect(res.body.errors[5]!.problem).toMatch(/ECS reads a task's secrets itself/);
    expect((await world.h.request('GET', '/api/process_definitions/secret-bad')).status).toBe(404);
  });

  it('Batch and ECS get the references as container secrets (valueFrom) and read the values themselves', async () => {
    const check = [
      'bash',
      '-c',
      `${holds('DB', VALUES.sm)} && ${holds('KEY', VALUES.ssm)} && echo container-read-both`,
    ];
    const vars = () => [
      { variable_name: 'DB', secret: secretArn },
      { variable_name: 'KEY', secret: 'ssm:/prod/key' },
      { variable_name: 'PLAIN', value: 'visible' },
    ];
    world.emulator.resetStats();
    await world.h.put({
      process_definition_name: 'secret-aws',
      task_definitions: [
        awsTask('batch', {
          batch_image_command: {
            image: 'acme/etl',
            command: check,
            memory: 512,
            execution_role_arn: ROLE,
            environment_variables: vars(),
          },
        }),
        awsTask('ecs', {
          docker_image_command: {
            image: 'acme/etl',
            tag: '1',
            command: check,
            execution_role_arn: ROLE,
            environment_variables: vars(),
          },
        }),
      ],
    });
    const run = await world.h.triggerAndWait('secret-aws');
    expect(run.status).toBe('succeeded');
    // The container's output arrives through CloudWatch, possibly just after the run's end.
    await waitFor(async () => {
      const { task } = await world.h.process(run.process_id);
      return task.every((t) => t.log_entries.some((l) => l.message === 'container-read-both')) || undefined;
    });
    const secrets = [
      { name: 'DB', valueFrom: secretArn },
      { name: 'KEY', valueFrom: '/prod/key' },
    ];
    const [jobDefinition] = emulatorState<{ containerProperties: Record<string, unknown> }[]>(
      world.emulator,
      'batch',
      'jobDefinitions',
    );
    expect(jobDefinition!.containerProperties).toMatchObject({
      executionRoleArn: ROLE,
      secrets,
      environment: [{ name: 'PLAIN', value: 'visible' }],
    });
    const [taskDefinition] = emulatorState<
      { executionRoleArn: string; containerDefinitions: Record<string, unknown>[] }[]
    >(world.emulator, 'ecs', 'taskDefinitions');
    expect(taskDefinition!.executionRoleArn).toBe(ROLE);
    expect(taskDefinition!.containerDefinitions[0]).toMatchObject({
      secrets,
      environment: [{ name: 'PLAIN', value: 'visible' }],
    });
    // Sundial never asked for the values: the containers did.
    expect(world.emulator.count('secretsmanager', 'GetSecretValue')).toBe(0);
    expect(world.emulator.count('ssm', 'GetParameter')).toBe(0);
    expect(JSON.stringify(world.emulator.state().batch)).not.toContain(VALUES.sm);
  });

  /** `table.column` of every row in the database whose text holds one of the values. */
  async function rowsHolding(values: string[]): Promise<string[]> {
    const tables = await world.h.sundial.db.query<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
    );
    const found: string[] = [];
    for (const { name } of tables) {
      const rows = await world.h.sundial.db.query<{ row: string }>(`select t::text as row from "${name}" t`);
      for (const { row } of rows) if (values.some((v) => row.includes(v))) found.push(name);
    }
    return found;
  }
});
