import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedPoller } from '../../../src/executors/aws/shared-poller.js';

interface Job {
  taskId: string;
  group: string;
}

describe('SharedPoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function poller(chunkSize = 100) {
    const calls: { group: string; size: number }[] = [];
    const p = new SharedPoller<Job>({
      settings: { fastMs: 1000, slowMs: 10_000 },
      chunkSize,
      poll: async (group, targets) => {
        calls.push({ group, size: targets.length });
      },
      onError: () => {},
    });
    return { p, calls };
  }

  it('covers 250 steady jobs with one call per 100 jobs per slow interval', async () => {
    const { p, calls } = poller();
    for (let i = 0; i < 250; i++) p.watch({ taskId: `t${i}`, group: 'us-east-1' });
    await vi.advanceTimersByTimeAsync(30_000); // ramp-up: 1 s, 2 s, 4 s, 8 s, then every 10 s
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls.every((c) => c.size <= 100)).toBe(true);
    expect(calls.length).toBeLessThanOrEqual(3 * 6 + 3);
    p.close();
  });

  it('tops up a chunk with jobs that are not due yet, so a new job costs no extra call', async () => {
    const { p, calls } = poller();
    for (let i = 0; i < 50; i++) p.watch({ taskId: `old${i}`, group: 'g' });
    await vi.advanceTimersByTimeAsync(5_000);
    p.watch({ taskId: 'new', group: 'g' });
    calls.length = 0;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual([{ group: 'g', size: 51 }]);
    p.close();
  });

  it('polls each group with calls of its own', async () => {
    const { p, calls } = poller();
    p.watch({ taskId: 'a', group: 'us-east-1' });
    p.watch({ taskId: 'b', group: 'eu-west-1' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls.map((c) => c.group).sort()).toEqual(['eu-west-1', 'us-east-1']);
    p.close();
  });

  it('stops polling a job once unwatched, and everything once closed', async () => {
    const { p, calls } = poller();
    p.watch({ taskId: 'a', group: 'g' });
    p.unwatch('a');
    p.watch({ taskId: 'b', group: 'g' });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toEqual([{ group: 'g', size: 1 }]);
    p.close();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(1);
  });
});
