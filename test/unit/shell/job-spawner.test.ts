import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { jobSpawner } from '../../../src/executors/shell/job-spawner.js';
import { START_GATE } from '../../../src/executors/shell/shell-executor.js';
import { isAlive } from '../../helpers/processes.js';

const scratch = () => mkdtempSync(join(tmpdir(), 'sundial-spawner-'));

async function gone(pid: number): Promise<void> {
  while (isAlive(pid)) await new Promise((r) => setTimeout(r, 20));
}

describe('the shell job spawner', () => {
  it('hands over all of a large output, then the exit status', async () => {
    const job = await jobSpawner().spawn('bash', ['-c', 'head -c 5000000 /dev/zero; echo err >&2; exit 7'], {
      PATH: process.env.PATH,
    });
    let out = 0;
    let err = '';
    job.stdout.on('data', (d: Buffer) => {
      out += d.length;
    });
    job.stderr.on('data', (d: Buffer) => {
      err += d;
    });
    const [code] = (await once(job, 'close')) as [number | null];
    expect({ code, out, err }).toEqual({ code: 7, out: 5_000_000, err: 'err\n' });
  });

  it('runs a job as the leader of its own process group', async () => {
    const job = await jobSpawner().spawn('bash', ['-c', START_GATE, 'bash', 'ps -o pgid= -p $$'], {
      PATH: process.env.PATH,
    });
    let out = '';
    job.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    job.release();
    await once(job, 'close');
    expect(Number(out.trim())).toBe(job.pid);
  });

  it('goes when its scheduler dies (kill -9): a job at its start gate exits unrun', async () => {
    const marker = join(scratch(), 'ran');
    // A scheduler of its own, so that it can be killed: spawns a gated job and prints its pid.
    const code = `
      import { jobSpawner } from ${JSON.stringify(resolve(import.meta.dirname, '../../../src/executors/shell/job-spawner.ts'))};
      const job = await jobSpawner().spawn('bash', ['-c', ${JSON.stringify(START_GATE)}, 'bash', 'touch ${marker}'], process.env);
      console.log(job.pid);
      setInterval(() => {}, 1000);
    `;
    const scheduler = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: scheduler.stdout! }), 'line')) as [string];
    const pid = Number(line);
    expect(isAlive(pid)).toBe(true);
    scheduler.kill('SIGKILL');
    await gone(pid);
    expect(existsSync(marker)).toBe(false);
  });
});
