import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ExecutorHost, TaskRun } from '../../../src/executors/executor.js';
import { ShellExecutor, START_GATE } from '../../../src/executors/shell/shell-executor.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'sundial-gate-'));

function gated(script: string, env: NodeJS.ProcessEnv = process.env) {
  const child = spawn('bash', ['-c', START_GATE, 'bash', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const gate = child.stdio[3] as Writable;
  return { gate, output: () => out, exit: once(child, 'close') as Promise<[number | null]> };
}

describe('the shell start gate', () => {
  it('runs nothing when its scheduler goes away before opening it (the pipe closes)', async () => {
    const marker = join(scratch(), 'ran');
    const job = gated(`touch ${marker}`);
    job.gate.destroy(); // what the scheduler's death does to the pipe
    expect((await job.exit)[0]).toBe(125);
    expect(existsSync(marker)).toBe(false);
  });

  it('once opened, runs the script as `bash -c` would, with stdin empty', async () => {
    const job = gated('echo "$0 [$1] $(cat | wc -c)"; exit 3');
    job.gate.end('go\n');
    expect((await job.exit)[0]).toBe(3);
    expect(job.output()).toBe('bash [] 0\n');
  });

  it('runs each script exactly as `bash -c` does: output, exit status, traps, errexit, fd 3 closed', async () => {
    const scripts = [
      'echo "$0 [$#] [$*]"',
      'set -e; false; echo not-reached',
      'f() { return 4; }; f; echo $?; exit 7',
      'trap "echo bye" EXIT; echo hi',
      'ls /proc/$$/fd/3 >/dev/null 2>&1 && echo fd3-open || echo fd3-closed',
      'echo $SHLVL $-; shopt -q expand_aliases && echo aliases || echo no-aliases',
      'echo $LINENO\necho $LINENO',
      'exec echo replaced; echo not-reached',
      'sleep 0.1 & wait; (exit 3); echo $?',
      'echo before\nif', // a syntax error: same output and status (2); only the message's prefix differs
    ];
    for (const script of scripts) {
      const direct = spawn('bash', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let expected = '';
      direct.stdout!.on('data', (d) => {
        expected += d;
      });
      const [expectedCode] = (await once(direct, 'close')) as [number | null];
      const job = gated(script);
      job.gate.end('go\n');
      const [code] = await job.exit;
      expect({ script, code, output: job.output().replace(/^bash: eval: .*\n/m, '') }).toEqual({
        script,
        code: expectedCode,
        output: expected,
      });
    }
  });

  it('reads no ~/.bashrc, even started without SHLVL (as by systemd), and hands the job its environment as given', async () => {
    const home = scratch();
    writeFileSync(join(home, '.bashrc'), 'echo from-bashrc; export FROM_BASHRC=1\n');
    const job = gated('echo "[$FROM_BASHRC] $STAGE"', {
      PATH: process.env.PATH,
      HOME: home,
      STAGE: 'prod',
    });
    job.gate.end('go\n');
    expect((await job.exit)[0]).toBe(0);
    expect(job.output()).toBe('[] prod\n');
  });

  it('records where a job runs before it runs, and runs nothing when that write fails', async () => {
    const marker = join(scratch(), 'ran');
    const ended = new Promise<{ succeeded: boolean; reason?: string }>((resolve) => {
      const host = {
        progress: async () => {
          throw new Error('database unreachable');
        },
        finished: (_id: string, result: { succeeded: boolean; reason?: string }) => resolve(result),
        log: () => {},
        metadata: () => {},
        reported: () => {},
        watchLogs: () => {},
        mayStart: () => true,
        jobEnvironment: () => ({}),
      } satisfies ExecutorHost;
      const shell = new ShellExecutor(host);
      void shell.start({
        taskId: 't1',
        processId: 'p1',
        definitionName: 'd',
        taskDefinitionName: 'touch',
        attempt: 0,
        executable: { shell_script_command: { script: `touch ${marker}` } },
        executionState: {},
        startedAt: new Date(),
      } satisfies TaskRun as never);
    });
    expect(await ended).toEqual({ succeeded: false, reason: 'could not start: database unreachable' });
    expect(existsSync(marker)).toBe(false);
  });
});
