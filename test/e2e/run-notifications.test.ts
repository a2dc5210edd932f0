import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../helpers/harness.js';
import { HttpReceiver } from '../helpers/http-receiver.js';
import { settledDeliveries } from '../integration/notifications/deliveries.js';
import { type Browser, openBrowser, type PageProblems } from './browser.js';

describe('a run page in Chromium shows the run’s notifications', () => {
  let h: Harness;
  let receiver: HttpReceiver;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    receiver = await HttpReceiver.start(() => 200);
    // No SMTP relay: the e-mail is recorded as not sent; the webhook goes out.
    [h, browser] = await Promise.all([Harness.start({ notifications: { pollMs: 200 } }), openBrowser()]);
    ({ page, problems } = await browser.page());
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await receiver?.close();
  });

  it('lists each notification with its status and every delivery attempt', async () => {
    await h.put({
      process_definition_name: 'noisy',
      task_definitions: [shellTask('nope', 'exit 1')],
      notifications: [
        { email: { name: 'Ops', email: 'ops@example.com', notify_when: 'on_failure' } },
        { webhook: { url: `${receiver.url}/hook`, notify_when: 'always' } },
      ],
    });
    const run = await h.triggerAndWait('noisy');
    await settledDeliveries(h, run.process_id);
    await page.goto(`${h.url}/runs/${run.process_id}`);
    const rows = page.locator('table.deliveries tbody tr');
    await rows.first().waitFor();
    const texts = (await rows.allTextContents()).sort();
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(
      'email to Ops <ops@example.com>failednot_sent1 attempt: not_sent (no SMTP server configured (SUNDIAL_SMTP_URL))',
    );
    expect(texts[1]).toMatch(
      new RegExp(`^webhook to ${receiver.url}/hookfailedsent1 attempt: sent \\(HTTP 200`),
    );
    expect(await page.locator('table.deliveries .badge.status-sent').count()).toBe(1);
    expect(problems.errors).toEqual([]);
  });
});
