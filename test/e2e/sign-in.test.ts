import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../helpers/harness.js';
import { makeToken } from '../integration/security/auth-helpers.js';
import { type Browser, openBrowser } from './browser.js';

describe('web UI sign-in in Chromium (auth on)', () => {
  let h: Harness;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    [h, browser] = await Promise.all([Harness.start({ aws: false, auth: 'on' }), openBrowser()]);
    h.token = await makeToken(h.sundial.db, 'admin');
    await h.put({ process_definition_name: 'signed', task_definitions: [shellTask('a', 'true')] });
    ({ page } = await browser.page());
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signInAs(token: string) {
    await page.goto(`${h.url}/`);
    const form = page.locator('form.banner', { hasText: 'sign in' });
    await form.locator('input[type=password]').fill(token);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'signed' }).waitFor();
  }

  it('a viewer signs in with a token and sees no action it may not take; an operator sees them', async () => {
    await signInAs(await makeToken(h.sundial.db, 'viewer', 'vera'));
    await page.getByText('vera (viewer)').waitFor();
    expect(await page.getByRole('button', { name: 'Trigger…' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'New definition' }).count()).toBe(0);
    // The session lives in an HttpOnly cookie: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(await makeToken(h.sundial.db, 'operator', 'otto'));
    await page.getByRole('button', { name: 'Trigger…' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'New definition' }).count()).toBe(0);
  });
});
