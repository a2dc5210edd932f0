import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask, type WireProcess } from '../../helpers/harness.js';
import { allLines, type WireLine } from './helpers.js';

const CAP = 20_000;
const CAP_BYTES = 2 * 1024 * 1024; // above CAP lines of LINE
const LINES = 1_000_000;
const LINE = 'x'.repeat(99); // 100 bytes with its newline: 100 MB in all

let h: Harness;
beforeAll(async () => {
  // Smaller caps than the defaults (100 000 lines, 10 MiB) keep the test quick and the memory
  // measure about reading the output, not about storing 10 MiB (the caps bound that cost).
  h = await Harness.start({ liveLogs: { maxLinesPerTask: CAP, maxBytesPerTask: CAP_BYTES } });
});
afterAll(async () => h.close());

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** The heap the server still holds once garbage is collected, in MiB. */
const liveHeapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

/**
 * Runs a one-task process and returns it, its task's log, how much the server's RSS rose at most
 * meanwhile (the garbage a flood makes counts until it is collected, so this swings with the load)
 * and how much more heap it holds afterwards, garbage collected (what it kept of the output).
 */
async function runMeasured(
  name: string,
  script: string,
): Promise<{ run: WireProcess; lines: WireLine[]; growthMb: number; keptMb: number }> {
  await h.put({ process_definition_name: name, task_definitions: [shellTask('job', script)] });
  const heapBefore = liveHeapMb();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    await h.trigger(name);
    const run = await h.waitForEnd((await h.waitForRun(name)).process_id, 120_000);
    peak = Math.max(peak, process.memoryUsage().rss);
    const task = latestTasks(run).get('job')!;
    const keptMb = liveHeapMb() - heapBefore;
    const lines = await allLines(h.url, `/api/tasks/${task.task_id}/logs`, 10_000);
    return { run, lines, growthMb: (peak - before) / 2 ** 20, keptMb };
  } finally {
    clearInterval(sampler);
  }
}

describe('a job printing 100 MB', () => {
  it('stores a capped log with a marker and a final count, and the server memory stays bounded', async () => {
    const { run, lines, growthMb, keptMb } = await runMeasured('flood', `yes '${LINE}' | head -n ${LINES}`);
    expect(run.status).toBe('succeeded');
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
    // Holding the 1,000,000 lines as strings keeps about 125 MiB; the peak is only a coarse ceiling,
    // it counts the flood's garbage until it is collected (125-225 MiB here, with the load).
    expect(keptMb).toBeLessThan(20);
    expect(growthMb).toBeLessThan(300);
  });

  it('also without a single newline: the output is read in bounded pieces and capped by bytes', async () => {
    const { run, lines, growthMb, keptMb } = await runMeasured(
      'one-line',
      `head -c 100000000 /dev/zero | tr '\\0' x`,
    );
    expect(run.status).toBe('succeeded');
    const stdout = lines.filter((l) => l.source === 'stdout');
    expect(stdout.every((l) => /^x+$/.test(l.message) && l.message.length <= 64 * 1024)).toBe(true);
    expect(stdout.reduce((n, l) => n + l.message.length, 0)).toBe(CAP_BYTES); // 32 pieces of 64 KiB
    expect(lines.at(-1)?.message).toMatch(/^… output truncated: \d+ lines \/ \d+ bytes dropped …$/);
    // Holding the 1,000,000 lines as strings keeps about 125 MiB; the peak is only a coarse ceiling,
    // it counts the flood's garbage until it is collected (125-225 MiB here, with the load).
    expect(keptMb).toBeLessThan(20);
    expect(growthMb).toBeLessThan(300);
  });
});
