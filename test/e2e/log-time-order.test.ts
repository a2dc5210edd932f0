import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask } from '../helpers/harness.js';
import { type Browser, openBrowser, type PageProblems } from './browser.js';

describe('a task log in Chromium, as stored or in time order', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    [h, browser] = await Promise.all([Harness.start(), openBrowser()]);
    ({ page, problems } = await browser.page());
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('puts a line stored last but written first in its place when asked', async () => {
    await h.put({ process_definition_name: 'late-line', task_definitions: [shellTask('job', 'echo done')] });
    const run = await h.triggerAndWait('late-line');
    const task = latestTasks(run).get('job')!;
    // What a remote log read late looks like: stored after the task's end, stamped before its start.
    const when = new Date(Date.parse(task.start_time) - 1000).toISOString();
    const late = [{ when, source: 'cloudwatch', message: 'written first, stored last' }];
    expect((await h.request('POST', `/api/tasks/${task.task_id}/log_entries`, late)).status).toBe(204);

    await page.goto(`${h.url}/runs/${run.process_id}?task=job`);
    const messages = page.locator('.task-panel .log-message');
    await messages.filter({ hasText: 'written first, stored last' }).waitFor();
    expect(await messages.last().textContent()).toBe('written first, stored last');
    const toggle = page.locator('.task-panel').getByRole('button', { name: 'Time order' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await messages.first().textContent()).toBe('written first, stored last');
    expect(problems.errors).toEqual([]);
  });
});
