import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../src/aws-emulator/index.js';
import { Harness, type WireProcess, type WireTask } from '../helpers/harness.js';
import { awsOptions, awsTask, startEmulator } from '../integration/aws/aws-world.js';
import { newClusterJob } from '../integration/aws/emr-world.js';
import { type Browser, openBrowser, type PageProblems, SCREENSHOTS } from './browser.js';

type Costed<T> = T & { cost?: { usd: number; instance_hours: number } };

describe('a run page in Chromium shows what its EMR clusters cost', () => {
  let emulator: AwsEmulator;
  let h: Harness;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    emulator = await startEmulator();
    const prices = { instances: { 'm4.large': { on_demand: 0.1 }, 'm4.xlarge': { on_demand: 0.2 } } };
    [h, browser] = await Promise.all([
      Harness.start({ aws: awsOptions(emulator, { prices }) }),
      openBrowser(),
    ]);
    ({ page, problems } = await browser.page());
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await emulator?.stop();
  });

  it('the run’s total next to its facts, and the task’s cost with its instance-hours', async () => {
    await h.put({
      process_definition_name: 'spark-cost',
      task_definitions: [awsTask('spark', newClusterJob())],
    });
    const run = (await h.triggerAndWait('spark-cost')) as Costed<WireProcess> & { cost_usd?: number };
    expect(run.status).toBe('succeeded');
    const cost = (run.task[0] as Costed<WireTask>).cost!;
    expect(run.cost_usd).toBe(cost.usd);

    await page.goto(`${h.url}/runs/${run.process_id}?task=spark`);
    const total = page.locator('dl.facts dd.cost').first();
    await total.waitFor();
    expect(await total.textContent()).toBe(`$${cost.usd.toFixed(4)}`);
    const ofTask = page.locator('.task-panel dd.cost');
    await ofTask.waitFor();
    expect(await ofTask.textContent()).toBe(
      `$${cost.usd.toFixed(4)} for ${cost.instance_hours.toFixed(4)} instance-hours`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'run-cost-desktop-light.png'), fullPage: true });
    expect(problems.errors).toEqual([]);
  });
});
