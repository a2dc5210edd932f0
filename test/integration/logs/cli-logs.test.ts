import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';

const main = resolve(import.meta.dirname, '../../../src/cli/main.ts');

/** `sundial <args>` from source; its output is readable while it runs. */
function sundial(...args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, SUNDIAL_URL: '', NO_COLOR: '' },
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? -1)));
  return { out, exited };
}

// The CLI speaks only HTTP, so one backend suffices; each run costs a Node start-up.
describe.skipIf(backend !== 'postgres')('sundial logs', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await Harness.start({ liveLogs: { graceMs: 200 } });
    dir = mkdtempSync(join(tmpdir(), 'sundial-cli-logs-'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints a finished process's log, each line with its task and source", async () => {
    await h.put({
      process_definition_name: 'cli-logs-done',
      task_definitions: [shellTask('hello', 'echo out; echo err >&2')],
    });
    const run = await h.triggerAndWait('cli-logs-done');
    const res = sundial('logs', run.process_id, '--url', h.url);
    expect(await res.exited).toBe(0);
    const lines = res.out.stdout.trim().split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^\S+Z hello \[stdout\] out$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\S+Z hello \[stderr\] err$/));
    expect(lines[0]).toMatch(/hello \[scheduler\] task started \(attempt 1\) on shell$/);
    expect(res.out.stdout).not.toContain('\x1b['); // not a terminal: no colours

    // A line stored last but stamped before the task started (a late remote log) prints first.
    const task = run.task[0]!;
    const when = new Date(Date.parse(task.start_time) - 1000).toISOString();
    const late = [{ when, source: 'cloudwatch', message: 'written before the start, stored last' }];
    expect((await h.request('POST', `/api/tasks/${task.task_id}/log_entries`, late)).status).toBe(204);
    const again = sundial('logs', run.process_id, '--url', h.url);
    expect(await again.exited).toBe(0);
    expect(again.out.stdout.split('\n')[0]).toBe(
      `${when} hello [cloudwatch] written before the start, stored last`,
    );
  });

  it('follows a running task with -f: lines as they come, then exits when it ends', async () => {
    const gate = join(dir, 'gate');
    await h.put({
      process_definition_name: 'cli-logs-follow',
      task_definitions: [
        shellTask('slow', `echo first; while [ ! -f '${gate}' ]; do sleep 0.05; done; echo second`),
      ],
    });
    await h.trigger('cli-logs-follow');
    const taskId = await waitFor(async () => (await h.waitForRun('cli-logs-follow')).task[0]?.task_id);
    const res = sundial('logs', taskId, '-f', '--url', h.url);
    await waitFor(async () => (res.out.stdout.includes('[stdout] first') ? true : undefined));
    expect(res.out.stdout).not.toContain('second');
    writeFileSync(gate, '');
    expect(await res.exited).toBe(0);
    expect(res.out.stdout.indexOf('[stdout] first')).toBeLessThan(res.out.stdout.indexOf('[stdout] second'));
    expect(res.out.stdout).toContain('[scheduler] task succeeded');
    expect(res.out.stderr).toContain('task succeeded');
  });

  it('says so when the id is neither a task nor a process', async () => {
    const res = sundial('logs', '00000000-0000-4000-8000-000000000000', '--url', h.url);
    expect(await res.exited).toBe(1);
    expect(res.out.stderr).toContain('no task or process 00000000-0000-4000-8000-000000000000');
  });
});
