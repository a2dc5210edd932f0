import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask } from '../../helpers/harness.js';
import { allLines } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  // A smaller line cap than the default 100 000 keeps the test quick; the byte cap stays 10 MiB.
  h = await Harness.start({ liveLogs: { maxLinesPerTask: CAP } });
});
afterAll(async () => h.close());

const CAP = 20_000;
const LINES = 1_000_000;
const LINE = 'x'.repeat(99); // 100 bytes with its newline: 100 MB in all

describe('a job printing 100 MB', () => {
  it('stores a capped log with a marker and a final count, and the server memory stays bounded', async () => {
    await h.put({
      process_definition_name: 'flood',
      task_definitions: [shellTask('flood', `yes '${LINE}' | head -n ${LINES}`)],
    });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    await h.trigger('flood');
    const run = await h.waitForEnd((await h.waitForRun('flood')).process_id, 120_000);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(run.status).toBe('succeeded');

    const task = latestTasks(run).get('flood')!;
    const lines = await allLines(h.url, `/api/tasks/${task.task_id}/logs`, 10_000);
    const stdout = lines.filter((l) => l.source === 'stdout');
    const scheduler = lines.filter((l) => l.source === 'scheduler').map((l) => l.message);
    expect(stdout.every((l) => l.message === LINE)).toBe(true);
    // Job output is capped; scheduler lines are kept on top and do not count.
    expect(stdout.length).toBe(CAP);
    expect(scheduler).toContainEqual(
      expect.stringMatching(new RegExp(`^… output truncated: this task's log is capped at ${CAP} lines`)),
    );
    const dropped = LINES - stdout.length;
    expect(scheduler.at(-1)).toBe(
      `… output truncated: ${dropped} lines / ${dropped * LINE.length} bytes dropped …`,
    );
    expect((peak - before) / 2 ** 20).toBeLessThan(200);
  });
});
