import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedRequest } from '../../../src/cli/plan.js';
import type { ProcessDefinition } from '../../../src/domain/types.js';
import { shellTask, waitFor } from '../../helpers/harness.js';
import { awsTask, useAwsWorld } from './aws-world.js';
import { clustersOfTask, newClusterJob, postExistingExecutable } from './emr-world.js';
import { plannedInputOfRun } from './planned-request.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

/** The post's two examples, wrapped in a definition, plus a shell task. */
const postDefinition: ProcessDefinition = {
  process_definition_name: 'emr-post',
  task_definitions: [
    awsTask('existing', postExistingExecutable()),
    awsTask('new', newClusterJob()),
    shellTask('local', 'echo hi'),
  ],
};

async function sundialCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(TSX, ['src/cli/main.ts', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('sundial plan', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sundial-plan-'));
    await writeFile(join(dir, 'post.json'), JSON.stringify(postDefinition));
    await writeFile(join(dir, 'bad.json'), JSON.stringify({ process_definition_name: 'x' }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the AWS requests of each task without making them', async () => {
    const json = await sundialCli(['plan', '-f', join(dir, 'post.json'), '--json']);
    expect(json.code).toBe(0);
    const requests = JSON.parse(json.stdout) as PlannedRequest[];
    expect(requests.map((r) => [r.task, `${r.service}.${r.operation}`])).toEqual([
      ['existing', 'emr.AddJobFlowSteps'],
      ['new', 'emr.RunJobFlow'],
    ]);
    expect(requests[0]!.input).toMatchObject({
      JobFlowId: 'j-123ABC456DEF9',
      Steps: [{ Name: 'MyJobName1 [sundial <task-id>]', ActionOnFailure: 'CONTINUE' }],
    });
    expect(requests[1]!.input).toMatchObject({
      Name: 'My Cluster Name',
      ReleaseLabel: 'emr-5.11.0',
      LogUri: 's3://cluster-log-bucket',
      ServiceRole: 'EMR_DefaultRole',
      JobFlowRole: 'EMR_EC2_DefaultRole',
      VisibleToAllUsers: true,
      Instances: { Ec2SubnetId: 'subnet-a123456b', KeepJobFlowAliveWhenNoSteps: false },
    });

    const text = await sundialCli(['plan', '-f', join(dir, 'post.json')]);
    expect(text.stdout).toContain('emr-post / new (emr_command)\n  emr.RunJobFlow');
    expect(text.stdout).toContain('emr-post / local (shell_script_command)\n  no AWS requests');
  });

  it('refuses an invalid definition with exit code 2', async () => {
    const out = await sundialCli(['plan', '-f', join(dir, 'bad.json')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('task_definitions');
  });
});

describe('sundial aws-emulator', () => {
  it('serves AWS on the port it prints until stopped', async () => {
    const child = spawn(TSX, ['src/cli/main.ts', 'aws-emulator', '--port', '0'], { cwd: ROOT });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      const url = await waitFor(async () => /listening on (http:\/\/\S+)/.exec(out)?.[1]);
      const health = await fetch(`${url}/_emulator/health`);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});

describe('the plan and what the executor sends', () => {
  const world = useAwsWorld();

  it('agree on RunJobFlow, once the placeholders are the run ids', async () => {
    const def: ProcessDefinition = { ...postDefinition, task_definitions: [awsTask('new', newClusterJob())] };
    await world.h.put(def);
    const run = await world.h.triggerAndWait(def.process_definition_name);
    const task = run.task[0]!;
    const input = await plannedInputOfRun(world.h, def, run);
    const [cluster] = clustersOfTask(world.emulator, task.task_id);
    expect(cluster!.RequestedInstances).toEqual(input.Instances);
    expect(cluster!.Steps.map((s) => s.Config.Args)).toEqual(
      input.Steps.map((s: { HadoopJarStep: { Args: string[] } }) => s.HadoopJarStep.Args),
    );
  });
});
