import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sundial } from '../../helpers/cli.js';
import { dependsOn, Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { backend } from '../../helpers/test-database.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `triggered NAME: run ID`, or (the run not started within the API's wait) `run ID started` after the request. */
const RUN = new RegExp(`\\brun (${UUID})\\b`);
const HELD = new RegExp(`triggered \\S+: request (${UUID}), its run has not started yet`);

// Every command through the built bin against a real server; the CLI speaks only HTTP, so one backend suffices.
describe.skipIf(backend !== 'postgres')('CLI commands', () => {
  let h: Harness;
  let url: string;
  let notSundial: Server;
  let notSundialUrl: string;
  let dir: string;
  const cli = (...args: string[]) => sundial([...args, '--url', url]);
  /** `trigger NAME`; the run's id as printed, or once the run starts when the scheduler took longer than the API waits. */
  const triggerRun = async (name: string) => {
    const { code, stdout } = await cli('trigger', name);
    expect(code).toBe(0);
    const started = RUN.exec(stdout)?.[1];
    if (started) return started;
    expect(stdout).toMatch(HELD);
    return (await h.waitForRun(name)).process_id;
  };

  beforeAll(async () => {
    h = await Harness.start();
    url = h.url;
    // Something that is not Sundial: HTML for everything, or JSON of another service under /json.
    notSundial = createServer((req, res) => {
      if (req.url?.startsWith('/json')) res.setHeader('content-type', 'application/json').end('{"ok":true}');
      else res.setHeader('content-type', 'text/html').end('<html>hello</html>');
    });
    await new Promise<void>((r) => notSundial.listen(0, '127.0.0.1', r));
    notSundialUrl = `http://127.0.0.1:${(notSundial.address() as AddressInfo).port}`;
    await h.put({
      process_definition_name: 'ok',
      schedule: {
        cron_schedule: { minutes: '0', hours: '3', day_of_month: '*', month: '*', day_of_week: '?' },
      },
      task_definitions: [
        shellTask('greet', 'echo hello'),
        shellTask('after', 'true', { dependencies: dependsOn('greet') }),
      ],
    });
    await h.put({
      process_definition_name: 'bad',
      task_definitions: [shellTask('boom', 'echo about to fail; exit 3')],
    });
    await h.put({
      process_definition_name: 'flaky',
      task_definitions: [
        shellTask('try', 'exit 1', { max_attempts: 2, backoff_base_seconds: 3600 }),
        shellTask('later', 'true', { dependencies: dependsOn('try') }),
      ],
    });
    await h.put({ process_definition_name: 'slow', task_definitions: [shellTask('nap', 'sleep 60')] });
    dir = mkdtempSync(join(tmpdir(), 'sundial-cli-'));
    await h.put({
      process_definition_name: 'held',
      task_definitions: [
        shellTask('gate', `while [ ! -e '${join(dir, 'go')}' ]; do sleep 0.2; done; echo released`),
      ],
    });
  });
  afterAll(async () => {
    await h?.close();
    notSundial?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--version, list and show', async () => {
    const [version, list, show] = await Promise.all([sundial(['--version']), cli('list'), cli('show', 'ok')]);
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+\n$/) });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ok\s+0 0 3 \* \* \?\s+next run \d{4}-\d\d-\d\dT03:00:00\.000Z$/m);
    expect(list.stdout).toMatch(/^bad\s+manual/m);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({
      process_definition_name: 'ok',
      next_run_time: expect.any(String),
    });
  });

  it('pause, resume and delete', async () => {
    await h.put({ process_definition_name: 'doomed', task_definitions: [shellTask('t', 'true')] });
    expect(await cli('pause', 'ok')).toMatchObject({ code: 0, stdout: 'paused ok\n' });
    expect((await h.request<{ paused?: boolean }>('GET', '/api/process_definitions/ok')).body.paused).toBe(
      true,
    );
    expect(await cli('resume', 'ok')).toMatchObject({ code: 0, stdout: 'resumed ok\n' });
    const resumed = await h.request<{ paused?: boolean }>('GET', '/api/process_definitions/ok');
    expect(resumed.body.paused ?? false).toBe(false);
    expect(await cli('delete', 'doomed')).toMatchObject({ code: 0, stdout: 'deleted doomed\n' });
    expect((await h.request('GET', '/api/process_definitions/doomed')).status).toBe(404);
    const again = await cli('delete', 'doomed');
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("process definition 'doomed' not found"),
    });
  });

  it('trigger prints the run id; --wait exits 0 only when the run succeeded; logs -f likewise', async () => {
    const [ok, bad] = await Promise.all([cli('trigger', 'ok', '--wait'), cli('trigger', 'bad', '--wait')]);
    expect(ok.code).toBe(0);
    const okId = RUN.exec(ok.stdout)![1]!;
    // At once, or (the scheduler slower than the API's wait) once the run has started.
    expect(ok.stdout).toMatch(new RegExp(`^(triggered ok: run ${okId}|run ${okId} started)$`, 'm'));
    expect(ok.stdout).toContain('[stdout] hello');
    expect(ok.stderr).toContain('process succeeded');
    expect((await h.process(okId)).status).toBe('succeeded');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('process failed');
    const badId = RUN.exec(bad.stdout)![1]!;
    const logs = await cli('logs', badId, '-f');
    expect(logs).toMatchObject({ code: 1, stdout: expect.stringContaining('about to fail') });
  });

  it('trigger --wait behind a run in progress says its run has not started, then follows the run it became', async () => {
    const first = await h.startRun('held');
    const waiting = cli('trigger', 'held', '--wait');
    // The first run ends only once the CLI's request waits behind it.
    const waitingId = await waitFor(async () => {
      const [open] = await h.sundial.db.query<{ id: string }>(
        "select id from trigger_requests where definition_name = 'held' and process_id is null",
      );
      return open?.id;
    });
    const status = await cli('status', 'held');
    expect(status.stdout.split('\n')[0]).toMatch(
      new RegExp(`^\\S+Z  waiting    held  trigger ${waitingId}  \\(not started yet\\)$`),
    );
    expect(status.stdout).toMatch(new RegExp(`running\\s+held\\s+${first.process_id}`));
    writeFileSync(join(dir, 'go'), '');
    const waited = await waiting;
    expect(waited.code).toBe(0);
    const requestId = HELD.exec(waited.stdout)![1]!;
    expect(requestId).toBe(waitingId);
    const second = new RegExp(`^run (${UUID}) started$`, 'm').exec(waited.stdout)![1]!;
    expect(second).not.toBe(first.process_id);
    expect(
      (await h.request<{ process_id: string }>('GET', `/api/trigger_requests/${requestId}`)).body,
    ).toMatchObject({
      process_id: second,
    });
    expect(waited.stdout).toContain('[stdout] released');
    expect(waited.stderr).toContain('process succeeded');
    expect((await h.process(first.process_id)).status).toBe('succeeded');
  });

  it('status: every task with its time, a pending retry, a task not started yet; an unknown name is an error', async () => {
    const id = await triggerRun('flaky');
    await waitFor(async () =>
      (await h.process(id)).task.some((t) => t.status === 'failed') ? true : undefined,
    );
    const [status, unknown] = await Promise.all([cli('status', 'flaky'), cli('status', 'nope')]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`running\\s+flaky\\s+${id}\\s+\\(running for `));
    expect(status.stdout).toMatch(
      /failed\s+try\s+[\d.]+ s, ended \S+Z: the shell job exited with code 1; waiting to retry at \d{4}-\S+Z/,
    );
    expect(status.stdout).toMatch(/not started\s+later/);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("process definition 'nope' not found"),
    });
    expect(await cli('kill', id)).toMatchObject({ code: 0 });
  });

  it('kill shows as killed in status (and --watch ends with the run); retry runs the failed tasks again', async () => {
    const id = await triggerRun('slow');
    const watch = cli('status', 'slow', '-n', '1', '--watch');
    expect(await cli('kill', id)).toMatchObject({ code: 0, stdout: `killing run ${id}\n` });
    const watched = await watch;
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(new RegExp(`killed\\s+slow\\s+${id}\\s+\\(took `));
    expect(watched.stdout).toContain('killed by request');
    expect(await cli('retry', id)).toMatchObject({ code: 0, stdout: `retrying run ${id}\n` });
    await waitFor(async () => ((await h.process(id)).task.length === 2 ? true : undefined));
    await cli('kill', id);
  });

  it('flag names, not API parameter names, in messages', async () => {
    const [task, limit] = await Promise.all([
      cli('trigger', 'ok', '--task', 'nope'),
      cli('status', '-n', 'many'),
    ]);
    expect(task).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("--task: 'ok' has no task named 'nope'"),
    });
    expect(limit).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('-n/--limit: expects a whole number'),
    });
  });

  it('says what and where when Sundial cannot be reached, and accepts a URL without a scheme', async () => {
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const closed = `http://127.0.0.1:${(spare.address() as AddressInfo).port}`;
    await new Promise((r) => spare.close(r)); // nothing listens there now
    const [refused, bare] = await Promise.all([
      sundial(['list', '--url', closed]),
      sundial(['list', '--url', url.replace('http://', '')]),
    ]);
    expect(refused).toMatchObject({
      code: 3,
      stderr: `error: cannot reach Sundial at ${closed} (connection refused): is the server running? set --url or SUNDIAL_URL\n`,
    });
    expect(bare.code).toBe(0);
  });

  it('apply against something that is not Sundial fails clearly', async () => {
    const file = '-';
    const input = JSON.stringify({
      process_definition_name: 'x',
      task_definitions: [shellTask('t', 'true')],
    });
    const [html, json] = await Promise.all([
      sundial(['apply', '-f', file, '--url', notSundialUrl], { input }),
      sundial(['apply', '-f', file, '--url', `${notSundialUrl}/json`], { input }),
    ]);
    expect(html.code).toBe(3);
    expect(html.stderr).toContain(`${notSundialUrl} does not look like Sundial`);
    expect(html.stdout).toBe('');
    expect(json.code).toBe(3);
    expect(json.stderr).toContain('does not look like Sundial');
  });

  it('apply takes every -f, standard input included, and checks them all before sending any', async () => {
    const def = (name: string) =>
      JSON.stringify({ process_definition_name: name, task_definitions: [shellTask('t', 'true')] });
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/sundial-apply-'));
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/a.json`, def('from-file'));
    await writeFile(`${dir}/bad.json`, '{"process_definition_name":"never"}');
    const applied = await sundial(['apply', '-f', `${dir}/a.json`, '-f', '-', '--url', url], {
      input: def('from-stdin'),
    });
    expect(applied).toMatchObject({ code: 0, stdout: 'applied from-file\napplied from-stdin\n' });
    const refused = await sundial(['apply', '-f', `${dir}/a.json`, '-f', `${dir}/bad.json`, '--url', url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${dir}/bad.json: task_definitions: `);
    expect((await h.request('GET', '/api/process_definitions/never')).status).toBe(404);
  });
});
