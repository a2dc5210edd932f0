import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import type { DockerImageCommand } from '../../../src/domain/types.js';
import {
  registerTaskDefinitionInput,
  taskDefinitionMatches,
} from '../../../src/executors/ecs/ecs-requests.js';

const run = { taskId: 't', processId: 'p', definitionName: 'etl', taskDefinitionName: 'load' };
const placement = {
  cluster: 'default',
  region: 'us-east-1',
  logGroup: '/sundial/ecs',
  logFilesImage: 'busybox:1',
};
const cmd = (log_paths: string[]): DockerImageCommand => ({
  image: 'acme/etl',
  tag: '1',
  command: ['run'],
  log_paths,
});

describe('ECS log_paths', () => {
  it('share a volume per directory between the job and a sidecar that tails the files to its own stream', () => {
    const input = registerTaskDefinitionInput(
      run,
      cmd(['/var/log/app/a.log', '/var/log/app/b.log', '/tmp/c.log']),
      placement,
    );
    const [job, sidecar] = input.containerDefinitions!;
    expect(input.volumes).toEqual([{ name: 'sundial-log-files-0' }, { name: 'sundial-log-files-1' }]);
    expect(job!.mountPoints).toEqual([
      { sourceVolume: 'sundial-log-files-0', containerPath: '/var/log/app' },
      { sourceVolume: 'sundial-log-files-1', containerPath: '/tmp' },
    ]);
    expect(job!.dependsOn).toEqual([{ containerName: 'log-files', condition: 'START' }]);
    expect(sidecar).toMatchObject({
      name: 'log-files',
      image: 'busybox:1',
      essential: false,
      mountPoints: job!.mountPoints!.map((m) => ({ ...m, readOnly: true })),
      logConfiguration: job!.logConfiguration,
    });
    expect(sidecar!.command!.slice(0, 2)).toEqual(['sh', '-c']);
    expect(sidecar!.command!.slice(3)).toEqual([
      'sh',
      '/var/log/app/a.log',
      '/var/log/app/b.log',
      '/tmp/c.log',
    ]);
  });

  it('make a new revision when they change, and none while they do not', () => {
    const registered = {
      ...registerTaskDefinitionInput(run, cmd(['/var/log/app/a.log']), placement),
      status: 'ACTIVE',
    } as TaskDefinition;
    const wanted = (paths: string[]) => registerTaskDefinitionInput(run, cmd(paths), placement);
    expect(taskDefinitionMatches(registered, wanted(['/var/log/app/a.log']))).toBe(true);
    expect(taskDefinitionMatches(registered, wanted(['/var/log/app/b.log']))).toBe(false);
    expect(taskDefinitionMatches(registered, wanted([]))).toBe(false);
  });
});
