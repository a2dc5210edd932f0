import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';

const run = promisify(execFile);
const main = resolve(import.meta.dirname, '../../../src/cli/main.ts');

/** Runs the CLI from source (tsx), as `sundial <args>` would. */
async function sundial(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', main, ...args], {
      env: { ...process.env, SUNDIAL_URL: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// The CLI speaks only HTTP, so one backend suffices; each run costs a Node start-up.
describe.skipIf(backend !== 'postgres')('the CLI', () => {
  let h: Harness;
  let dir: string;
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const good = {
    process_definition_name: 'cli-hello',
    task_definitions: [shellTask('greet', 'echo hello from the cli')],
  };

  beforeAll(async () => {
    h = await Harness.start();
    dir = mkdtempSync(join(tmpdir(), 'sundial-cli-'));
  });
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('validate: a valid file exits 0', async () => {
    const res = await sundial('validate', '-f', file('good.json', good));
    expect(res).toMatchObject({ code: 0, stdout: expect.stringContaining('valid (cli-hello, 1 tasks)') });
  });

  it('validate: an invalid file exits 2 and names the field', async () => {
    const bad = { ...good, task_definitions: [{ ...good.task_definitions[0], max_attempts: 'three' }] };
    const [res, notJson] = await Promise.all([
      sundial('validate', '-f', file('bad.json', bad)),
      sundial('validate', '-f', file('broken.json', '{ nope')),
    ]);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('task_definitions[0].max_attempts: must be an integer');
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/file: .*broken\.json/);
  });

  it('apply, trigger and status drive a running Sundial', async () => {
    const applied = await sundial('apply', '-f', file('good.json', good), '--url', h.url);
    expect(applied).toMatchObject({ code: 0, stdout: expect.stringContaining('applied cli-hello') });
    expect((await h.request('GET', '/api/process_definitions/cli-hello')).body).toEqual(good);

    const triggered = await sundial('trigger', 'cli-hello', '--url', h.url);
    expect(triggered).toMatchObject({ code: 0, stdout: expect.stringContaining('triggered cli-hello') });
    const done = await h.waitForEnd((await h.waitForRun('cli-hello')).process_id);
    expect(done.status).toBe('succeeded');

    const status = await sundial('status', 'cli-hello', '--url', h.url);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(done.process_id);
    expect(status.stdout).toMatch(/succeeded\s+greet/);
  });

  it('reports server-side rejections with the server message and a non-zero exit', async () => {
    const bad = { ...good, overlap_action: 'sometimes' };
    const [applied, unknown] = await Promise.all([
      sundial('apply', '-f', file('bad-enum.json', bad), '--url', h.url),
      sundial('trigger', 'no-such-definition', '--url', h.url),
    ]);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toContain('overlap_action: must be one of wait, terminate');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("process definition 'no-such-definition' not found");
  });
});
