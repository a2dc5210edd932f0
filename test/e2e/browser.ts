import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const SCREENSHOTS = join(import.meta.dirname, 'screenshots');

/** What a page said on its console (errors only) and what it threw. */
export interface PageProblems {
  errors: string[];
}

/**
 * Debian's Chromium, headless, on a fresh profile, with no network of its own
 * (no updates, sync or QUIC), as CI runs it.
 *
 * @example
 * const browser = await openBrowser();
 * const { page, problems } = await browser.page({ width: 1280, height: 800 });
 */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'sundial-e2e-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SUNDIAL_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
  });
  return {
    async page(
      viewport = { width: 1280, height: 800 },
      colorScheme: 'light' | 'dark' = 'light',
    ): Promise<{ page: Page; problems: PageProblems }> {
      const page = await context.newPage();
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      const problems: PageProblems = { errors: [] };
      page.on('console', (m) => {
        if (m.type() === 'error') problems.errors.push(m.text());
      });
      page.on('pageerror', (e) => problems.errors.push(`uncaught: ${e.message}`));
      return { page, problems };
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export type Browser = Awaited<ReturnType<typeof openBrowser>>;
