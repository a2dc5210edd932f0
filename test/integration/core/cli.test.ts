import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sundial as cli } from '../../helpers/cli.js';
import { Harness, shellTask } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';

const sundial = (...args: string[]) => cli(args);

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

  it('validate --next: the next firings of each cron schedule, as ISO-8601 UTC times', async () => {
    const cron = (name: string, minutes: string, hours: string, time_zone: string) => ({
      ...good,
      process_definition_name: name,
      schedule: {
        cron_schedule: { minutes, hours, day_of_month: '*', month: '*', day_of_week: '?', time_zone },
      },
    });
    const res = await cli(
      [
        'validate',
        '-f',
        file('a.json', cron('quarterly', '0/15', '9', 'UTC')),
        '-f',
        '-',
        '-f',
        file('g.json', good),
      ].concat(['--next', '3', '--from', '2026-03-28T23:00:00Z']),
      { input: JSON.stringify(cron('berlin-2am', '30', '2', 'Europe/Berlin')) },
    );
    expect(res).toMatchObject({ code: 0, stderr: expect.stringContaining('-: valid (berlin-2am, 1 tasks)') });
    // 2026-03-29 has no 02:30 in Berlin: that day's run comes at 03:00 CEST, once.
    expect(res.stdout.split('\n')).toEqual([
      'quarterly',
      '2026-03-29T09:00:00.000Z',
      '2026-03-29T09:15:00.000Z',
      '2026-03-29T09:30:00.000Z',
      'berlin-2am',
      '2026-03-29T01:00:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
      '',
    ]);
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
