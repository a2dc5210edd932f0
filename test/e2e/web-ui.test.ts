import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProcessDefinition } from '../../src/domain/types.js';
import { dependsOn, Harness, shellTask, waitFor } from '../helpers/harness.js';
import { type Browser, openBrowser, type PageProblems, SCREENSHOTS } from './browser.js';

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('web UI in Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  /** Console errors a test expects (a 404 it provoked); any other fails it. */
  let expected: RegExp[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'sundial-e2e-marks-'));

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [h, browser] = await Promise.all([Harness.start(), openBrowser()]);
    ({ page, problems } = await browser.page());
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });
  afterEach(() => {
    const unexpected = problems.errors.filter((e) => !expected.some((x) => x.test(e)));
    problems.errors.length = 0;
    expected = [];
    expect(unexpected, 'console errors').toEqual([]);
  });

  const open = (path: string) => page.goto(`${h.url}${path}`);
  const node = (task: string, status: string) =>
    page.locator(`.dag-node[data-task="${task}"][data-status="${status}"]`);
  const runStatus = (status: string) => page.locator(`.page-head h1 .badge.status-${status}`);

  async function latestRun(name: string): Promise<string> {
    return (await h.waitForRun(name)).process_id;
  }

  async function screenshots(name: string) {
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize(viewport);
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SCREENSHOTS, `${name}-${size}-${scheme}.png`), fullPage: true });
      }
    }
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ colorScheme: 'light' });
  }

  it('creates a definition by editing JSON, showing the API’s problems at the field they name', async () => {
    expected = [/status of 400/]; // the browser logs the PUT the API refused
    await open('/definitions/new');
    const bad: ProcessDefinition = {
      process_definition_name: 'etl',
      process_description: 'made in the browser',
      task_definitions: [
        shellTask('extract', 'echo extracting'),
        shellTask('load', 'echo loading', { dependencies: dependsOn('extrct') }),
      ],
    };
    const text = JSON.stringify(bad, null, 2);
    await page.getByLabel('Definition JSON').fill(text);
    await page.getByRole('button', { name: 'Save' }).click();
    const note = page.locator('.editor-note');
    await note.first().waitFor();
    expect(await note.first().textContent()).toContain("unknown task 'extrct'");
    // The marked line is the one holding the misspelt dependency.
    const line = text.split('\n').findIndex((l) => l.includes('"extrct"')) + 1;
    expect(await page.locator('.gutter-line.has-problem').allTextContents()).toEqual([String(line)]);
    expect(await page.locator('.problem').first().textContent()).toContain(
      'task_definitions[1].dependencies[0].task_definition_name',
    );
    await screenshots('edit-with-problem');
    expect((await h.request('GET', '/api/process_definitions/etl')).status).toBe(404);

    await page.getByLabel('Definition JSON').fill(text.replace('"extrct"', '"extract"'));
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL('**/definitions/etl');
    await page.locator('.dag-node[data-task="load"]').waitFor();
    expect((await h.request('GET', '/api/process_definitions/etl')).status).toBe(200);
  });

  it('triggers it; the run turns green in the graph and the timeline', async () => {
    await open('/');
    const card = page.locator('li[data-definition="etl"]');
    await card.getByRole('button', { name: 'Trigger…' }).click();
    await page.getByRole('button', { name: 'Trigger all tasks' }).click();
    await card.locator('.run-mark').first().waitFor();
    await screenshots('home');
    await card.locator('.run-mark').first().click();
    await runStatus('succeeded').waitFor();
    for (const task of ['extract', 'load']) {
      await node(task, 'succeeded').waitFor();
      await page.locator(`.gantt-row[data-task="${task}"] .gantt-bar[data-status="succeeded"]`).waitFor();
    }
    await page.locator('.dag-node[data-task="load"]').click();
    await page.locator('.log-message', { hasText: 'loading' }).waitFor();
    await screenshots('run');
    await open('/definitions/etl');
    await page.locator('table.runs .badge.status-succeeded').waitFor();
    await screenshots('definition');
  });

  it('triggers only the tasks picked, and links to the run; its graph has just those', async () => {
    await open('/definitions/etl');
    await page.getByRole('button', { name: 'Trigger…' }).click();
    await page.locator('dialog[open]').getByLabel('load').check();
    await page.getByRole('button', { name: 'Trigger 1 task' }).click();
    await page.getByRole('status').getByRole('link', { name: 'open its run' }).click();
    const run = await h.waitForRun('etl', 2);
    await page.waitForURL(`**/runs/${run.process_id}`);
    expect((await h.waitForEnd(run.process_id)).task.map((t) => t.task_definition_name)).toEqual(['load']);
    await node('load', 'succeeded').waitFor();
    expect(await page.locator('.dag-node').count()).toBe(1);
  });

  it('a trigger held back by a run in progress says so, then links to its run once it starts', async () => {
    const mark = join(scratch, 'held-go');
    await h.put({
      process_definition_name: 'held',
      task_definitions: [shellTask('wait', `while [ ! -f '${mark}' ]; do sleep 0.05; done`)],
    });
    const first = await h.startRun('held');
    await open('/definitions/held');
    await page.getByRole('button', { name: 'Trigger…' }).click();
    await page.getByRole('button', { name: 'Trigger all tasks' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: 'Triggered held; its run has not started yet' }).waitFor();
    // The runs table heads with the waiting trigger, gone once its run starts.
    const waitingRow = page.locator('table.runs tr', { has: page.locator('.badge.status-waiting') });
    await waitingRow.filter({ hasText: 'not started yet' }).waitFor();
    writeFileSync(mark, '');
    await waitingRow.waitFor({ state: 'detached' });
    await status.getByRole('link', { name: 'open its run' }).click();
    const second = await h.waitForRun('held', 2);
    expect(second.process_id).not.toBe(first.process_id);
    await page.waitForURL(`**/runs/${second.process_id}`);
    await runStatus('succeeded').waitFor();
  });

  it('follows a task’s log while it runs', async () => {
    const mark = join(scratch, 'go');
    await h.put({
      process_definition_name: 'slow',
      task_definitions: [
        shellTask('wait', `echo ready; while [ ! -f '${mark}' ]; do sleep 0.05; done; echo 'after the mark'`),
      ],
    });
    await h.trigger('slow');
    await open(`/runs/${await latestRun('slow')}?task=wait`);
    await page.locator('.log-message', { hasText: 'ready' }).waitFor();
    await page.locator('.log-state', { hasText: 'live' }).waitFor();
    await node('wait', 'running').waitFor();
    writeFileSync(mark, '');
    // The same page, no reload: the line arrives over the event stream.
    await page.locator('.log-message', { hasText: 'after the mark' }).waitFor();
    await page.locator('.log-state', { hasText: 'complete' }).waitFor();
    await runStatus('succeeded').waitFor();
  });

  it('shows the end of a long log first and pages back through it', async () => {
    await h.put({
      process_definition_name: 'chatty',
      task_definitions: [shellTask('talk', 'for i in $(seq 1 1200); do echo "line $i"; done')],
    });
    const run = await h.triggerAndWait('chatty');
    await open(`/runs/${run.process_id}?task=talk`);
    await page.locator('.log-message', { hasText: /^line 1200$/ }).waitFor();
    const shown = () => page.locator('.log-count').textContent();
    expect(await shown()).toBe('500 lines shown');
    await page.getByRole('button', { name: 'Load older lines' }).click();
    await page.getByRole('button', { name: 'Load older lines' }).waitFor({ state: 'detached' });
    // Every stored line: the job's 1200 and the scheduler's start and end.
    expect(await shown()).toBe('1,202 lines shown');
    await page.getByRole('button', { name: 'Show the log of every task' }).click();
    await page.locator('.log-task', { hasText: 'talk' }).first().waitFor();
  });

  it('kills a running process after asking', async () => {
    await h.put({ process_definition_name: 'forever', task_definitions: [shellTask('sleep', 'sleep 600')] });
    await h.trigger('forever');
    const id = await latestRun('forever');
    await open(`/runs/${id}`);
    await node('sleep', 'running').waitFor();
    await page.getByRole('button', { name: 'Kill run' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Kill run' }).click();
    await runStatus('failed').waitFor();
    await node('sleep', 'failed').waitFor();
    expect((await h.process(id)).status).toBe('failed');
  });

  it('retries a failed process; both attempts show on the timeline', async () => {
    const mark = join(scratch, 'failed-once');
    await h.put({
      process_definition_name: 'flaky',
      task_definitions: [
        shellTask(
          'flaky',
          `if [ -f '${mark}' ]; then echo fine; else touch '${mark}'; echo broken >&2; exit 3; fi`,
        ),
      ],
    });
    const failed = await h.triggerAndWait('flaky');
    expect(failed.status).toBe('failed');
    await open(`/runs/${failed.process_id}?task=flaky`);
    await node('flaky', 'failed').waitFor();
    await page.locator('.failure').waitFor();
    await page.getByRole('button', { name: 'Retry failed tasks' }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Retry failed tasks' }).click();
    await runStatus('succeeded').waitFor();
    const bars = page.locator('.gantt-row[data-task="flaky"] .gantt-bar');
    await waitFor(async () => ((await bars.count()) === 2 ? true : undefined));
    expect(await bars.evaluateAll((els) => els.map((e) => e.getAttribute('data-status')))).toEqual([
      'failed',
      'succeeded',
    ]);
    expect(existsSync(mark)).toBe(true);
  });

  it('pauses and resumes a definition, by keyboard', async () => {
    await open('/');
    const card = page.locator('li[data-definition="etl"]');
    await card.getByRole('button', { name: 'Pause' }).focus();
    await page.keyboard.press('Enter');
    await card.locator('.badge.paused').waitFor();
    const paused = async () =>
      (await h.request<ProcessDefinition>('GET', '/api/process_definitions/etl')).body.paused ?? false;
    expect(await paused()).toBe(true);
    await card.getByRole('button', { name: 'Resume' }).focus();
    await page.keyboard.press('Enter');
    await card.locator('.badge.paused').waitFor({ state: 'detached' });
    expect(await paused()).toBe(false);
  });

  it('shows hostile job output as inert text, with ANSI colour rendered', async () => {
    await page.addInitScript(() => {
      (window as unknown as { pwned: number }).pwned = 0;
    });
    const script = [
      `echo '<script>window.pwned = 1</script>'`,
      `echo '<img src=x onerror="window.pwned = 2">'`,
      `printf '\\033[31mred alert\\033[0m plain\\n'`,
      `echo '**metadata:note=<img src=y onerror="window.pwned = 3">'`,
      `echo '<b onmouseover="window.pwned = 4">bold?</b>' >&2`,
      'exit 1',
    ].join('\n');
    await h.put({ process_definition_name: 'hostile', task_definitions: [shellTask('evil', script)] });
    const run = await h.triggerAndWait('hostile');
    await open(`/runs/${run.process_id}?task=evil`);
    await page.locator('.log-message', { hasText: '<script>window.pwned = 1</script>' }).waitFor();
    await page.locator('.log-message', { hasText: '<img src=x onerror="window.pwned = 2">' }).waitFor();
    await page.locator('td code', { hasText: '<img src=y onerror="window.pwned = 3">' }).waitFor();
    await page.locator('.log-message', { hasText: 'bold?' }).hover();
    const red = page.locator('.log-message span', { hasText: 'red alert' });
    expect(await red.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(187, 0, 0)');
    expect(await page.locator('.log-view').textContent()).not.toContain('[31m');
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
  });

  it('lays a big DAG out off the main thread, and again at once from the session’s cache', async () => {
    const tasks = Array.from({ length: 80 }, (_, i) => ({
      ...shellTask(`step-${i}`, 'true'),
      dependencies: i < 8 ? [] : dependsOn(`step-${i - 8}`, `step-${i - 8 + ((i + 1) % 8) - (i % 8)}`),
    }));
    await h.put({ process_definition_name: 'wide', task_definitions: tasks });
    await open('/definitions/wide');
    await page.locator('.dag-node[data-task="step-79"]').waitFor();
    expect(await page.locator('.dag-node').count()).toBe(80);
    const cachedLayouts = () =>
      page.evaluate(
        () => Object.keys(sessionStorage).filter((k) => k.startsWith('sundial.dag-layout.')).length,
      );
    expect(await cachedLayouts()).toBe(1);
    await page.reload();
    await page.locator('.dag-node[data-task="step-79"]').waitFor();
    expect(await cachedLayouts()).toBe(1);
  });

  it('reads a run of more tasks than one page a page at a time, and shows every task', async () => {
    // One more task than the first page (50) holds; noop tasks, none waiting for another, end at once.
    const tasks = Array.from({ length: 51 }, (_, i) => ({
      ...shellTask(`n-${i}`, 'true'),
      executable: { noop_command: {} },
    }));
    await h.put({ process_definition_name: 'many', task_definitions: tasks });
    const run = await h.triggerAndWait('many');
    expect(run.status).toBe('succeeded');
    const cursors: (string | null)[] = [];
    const onRequest = (r: Request) => {
      const url = new URL(r.url());
      if (url.pathname === `/api/processes/${run.process_id}`) cursors.push(url.searchParams.get('after'));
    };
    page.on('request', onRequest);
    await open(`/runs/${run.process_id}`);
    await expect
      .poll(() => page.locator('.dag-node[data-status="succeeded"]').count(), { timeout: 10_000 })
      .toBe(51);
    page.off('request', onRequest);
    // n-9 comes last in name order: its attempt was on the second page.
    await page.locator('.gantt-row[data-task="n-9"] .gantt-bar[data-status="succeeded"]').waitFor();
    // The timeline puts only the rows in view in the page; picking the last task scrolls to its row.
    expect(await page.locator('.gantt-row').count()).toBeLessThan(51);
    await page.locator('.dag-node[data-task="n-50"]').click();
    await page.locator('.gantt-row[data-task="n-50"] .gantt-bar[data-status="succeeded"]').waitFor();
    // The first page without a cursor, then the rest after the last attempt read.
    expect(cursors[0]).toBeNull();
    expect(cursors.length).toBeGreaterThan(1);
    expect(cursors.slice(1).every((c) => c !== null && /^[0-9a-f-]{36}$/.test(c))).toBe(true);
  });

  it('shows a not-found page for unknown ids and addresses', async () => {
    expected = [/status of 404/, /status of 400/];
    for (const [path, text] of [
      ['/runs/6f1c1f9e-1111-4222-8333-444455556666', 'There is no run with id'],
      ['/runs/not-a-uuid', 'There is no run with id'],
      ['/definitions/no-such-definition', 'There is no process definition named'],
      ['/definitions/no-such-definition/edit', 'There is no process definition named'],
      ['/no/such/page', 'There is no page at this address'],
    ] as const) {
      await open(path);
      await page.locator('.not-found', { hasText: text }).waitFor();
    }
  });

  it('says when the server asks for a sign-in', async () => {
    expected = [/status of 401/];
    await page.route('**/api/**', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: '{"message":"sign in first"}' }),
    );
    await open('/');
    await page.locator('.banner', { hasText: 'sign in' }).waitFor();
    await page.unrouteAll();
  });

  it('says when the API is unreachable and recovers by itself', async () => {
    expected = [/ERR_FAILED|ERR_INTERNET_DISCONNECTED|Failed to load resource/];
    await open('/');
    await page.getByRole('heading', { name: 'Process definitions' }).waitFor();
    await page.route('**/api/**', (route) => route.abort('internetdisconnected'));
    await page.route('**/_internal_/**', (route) => route.abort('internetdisconnected'));
    await page.locator('.banner', { hasText: 'cannot be reached' }).waitFor();
    await screenshots('unreachable');
    await page.unrouteAll();
    await page.locator('.banner').waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Process definitions' }).waitFor();
  });
});
