import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect, it } from 'vitest';
import type { DockerImageCommand } from '../../../src/domain/types.js';
import { waitFor } from '../../helpers/harness.js';
import { awsOptions, awsTask, emulatorState, metadataOf, triggerUntil, useAwsWorld } from './aws-world.js';

interface EcsTask {
  taskArn: string;
  lastStatus: string;
  startedBy?: string;
  stoppedReason?: string;
  overrides: { containerOverrides: { environment: { name: string; value: string }[] }[] };
}

const docker = (command: string[], extra: Partial<DockerImageCommand> = {}) => ({
  docker_image_command: { image: 'acme/report', tag: '2.1', command, cpu: 256, memory: 512, ...extra },
});

describe('docker_image_command on Amazon ECS', () => {
  const world = useAwsWorld();
  const tasks = () => emulatorState<EcsTask[]>(world.emulator, 'ecs', 'tasks');
  const taskOf = (taskId: string) =>
    tasks().find((t) => t.overrides.containerOverrides[0]?.environment.some((e) => e.value === taskId));

  it('runs a task with the Sundial environment, its output in CloudWatch, one task definition', async () => {
    await world.h.put({
      process_definition_name: 'ecs-ok',
      task_definitions: [awsTask('report', docker(['sundial-job', '--callback']))],
    });
    const run = await world.h.triggerAndWait('ecs-ok');
    expect(run.status).toBe('succeeded');
    const task = run.task[0]!;
    expect(metadataOf(task)).toMatchObject({ seen_task_id: task.task_id, seen_sundial_url: world.h.url });
    const ecsTask = taskOf(task.task_id)!;
    expect(ecsTask.lastStatus).toBe('STOPPED');
    expect(ecsTask.startedBy).toBe(`sundial-${task.task_id}`.slice(0, 36));
    const logs = new CloudWatchLogsClient(awsOptions(world.emulator).client!);
    const events = await logs.send(
      new GetLogEventsCommand({
        logGroupName: '/sundial/ecs',
        logStreamName: `sundial/job/${ecsTask.taskArn.split('/').pop()}`,
      }),
    );
    logs.destroy();
    expect(events.events?.map((e) => e.message)).toContain(
      `sundial-job: task ${task.task_id} args --callback`,
    );

    expect((await world.h.triggerAndWait('ecs-ok')).status).toBe('succeeded');
    expect(world.emulator.count('ecs', 'RegisterTaskDefinition')).toBe(1);
  });

  it('fails with the stop reason and the container exit code', async () => {
    await world.h.put({
      process_definition_name: 'ecs-fail',
      task_definitions: [awsTask('report', docker(['sundial-job', '--exit', '4']))],
    });
    const run = await world.h.triggerAndWait('ecs-fail');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toMatch(/ECS task \w+ stopped: Essential container in task exited/);
    expect(run.task[0]!.failure_reason).toContain('container exit code 4');
  });

  it('stops the task when the process is killed', async () => {
    await world.h.put({
      process_definition_name: 'ecs-kill',
      task_definitions: [awsTask('report', docker(['sundial-job', '--sleep', '30']))],
    });
    const run = await triggerUntil(world.h, 'ecs-kill', 'running');
    await world.h.request('POST', `/api/processes/${run.process_id}/kill`);
    const ended = await world.h.waitForEnd(run.process_id);
    expect(ended.status).toBe('failed');
    expect(ended.task[0]!.failure_reason).toContain('killed by request');
    expect(taskOf(ended.task[0]!.task_id)!.stoppedReason).toContain('killed by request');
  });

  it('stops a task that exceeds max_runtime_seconds', async () => {
    await world.h.put({
      process_definition_name: 'ecs-slow',
      task_definitions: [
        awsTask('report', docker(['sundial-job', '--sleep', '30']), { max_runtime_seconds: 1 }),
      ],
    });
    const run = await world.h.triggerAndWait('ecs-slow');
    expect(run.status).toBe('failed');
    expect(run.task[0]!.failure_reason).toContain('max_runtime_seconds');
    expect(taskOf(run.task[0]!.task_id)!.lastStatus).toBe('STOPPED');
  });

  it('retries with a new task', async () => {
    await world.h.put({
      process_definition_name: 'ecs-retry',
      task_definitions: [awsTask('report', docker(['sundial-job', '--fail-first']), { max_attempts: 2 })],
    });
    const run = await world.h.triggerAndWait('ecs-retry');
    expect(run.status).toBe('succeeded');
    expect(run.task).toHaveLength(2);
    for (const t of run.task) expect(taskOf(t.task_id)).toBeDefined();
  });

  it('survives throttling of RunTask and DescribeTasks', async () => {
    await world.h.put({
      process_definition_name: 'ecs-throttled',
      task_definitions: [awsTask('report', docker(['sundial-job']))],
    });
    world.emulator.resetStats();
    world.emulator.injectFault({ type: 'throttle', service: 'ecs', operation: 'RunTask', count: 2 });
    world.emulator.injectFault({ type: 'throttle', service: 'ecs', operation: 'DescribeTasks', count: 3 });
    const run = await world.h.triggerAndWait('ecs-throttled');
    expect(run.status).toBe('succeeded');
    expect(world.emulator.count('ecs', 'RunTask')).toBe(3);
    expect(
      tasks().filter((t) => t.startedBy === `sundial-${run.task[0]!.task_id}`.slice(0, 36)),
    ).toHaveLength(1);
  });

  it('brings the lines of log_paths files to the task log through a sidecar; refuses a relative path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ecs-log-paths-'));
    const [out, err] = [`${dir}/app/out.log`, `${dir}/app/err.log`];
    const job = `echo one >> ${out}; echo two >> ${err}; echo three >> ${out}; sleep 0.5`;
    // The files exist when the sidecar starts (it notices a file created later within its 1 s poll,
    // which the emulator's 300 ms stop grace would cut short).
    await mkdir(`${dir}/app`);
    await Promise.all([writeFile(out, ''), writeFile(err, '')]);
    const def = (log_paths: string[]) => ({
      process_definition_name: 'ecs-log-paths',
      task_definitions: [awsTask('report', docker(['sh', '-c', job], { log_paths }))],
    });
    const refused = await world.h.request<{ errors: { field: string }[] }>(
      'PUT',
      '/api/process_definitions/ecs-log-paths',
      def(['app/out.log']),
    );
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e) => e.field)).toEqual([
      'task_definitions[0].executable.docker_image_command.log_paths[0]',
    ]);
    try {
      expect((await world.h.put(def([out, err]))).status).toBe(200);
      const run = await world.h.triggerAndWait('ecs-log-paths');
      expect(run.status).toBe('succeeded');
      const fileLines = await waitFor(async () => {
        const t = (await world.h.process(run.process_id)).task[0]!;
        const lines = t.log_entries.filter((l) => l.source === 'log-file').map((l) => l.message);
        return lines.length >= 3 ? lines : undefined;
      });
      expect([...fileLines].sort()).toEqual(['one', 'three', 'two']);
      expect(fileLines.indexOf('one')).toBeLessThan(fileLines.indexOf('three'));
      // The task definition: the job's container and the sidecar share a volume at the files' directory.
      const [definition] = emulatorState<{ containerDefinitions: { name: string }[]; volumes: unknown[] }[]>(
        world.emulator,
        'ecs',
        'taskDefinitions',
      ).filter((d) => d.containerDefinitions.length === 2);
      expect(definition!.containerDefinitions.map((c) => c.name)).toEqual(['job', 'log-files']);
      expect(definition!.volumes).toEqual([{ name: 'sundial-log-files-0' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
