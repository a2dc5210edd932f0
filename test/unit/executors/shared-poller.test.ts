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
    /** How often each target was polled. */
    const polled = new Map<string, number>();
    const p = new SharedPoller<Job>({
      settings: { fastMs: 1000, slowMs: 10_000 },
      chunkSize,
      poll: async (group, targets) => {
        calls.push({ group, size: targets.length });
        for (const t of targets) polled.set(t.taskId, (polled.get(t.taskId) ?? 0) + 1);
      },
      onError: () => {},
    });
    return { p, calls, polled };
  }

  it('covers 250 steady jobs with one call per 100 jobs per slow interval', async () => {
    const { p, calls, polled } = poller();
    for (let i = 0; i < 250; i++) p.watch({ taskId: `t${i}`, group: 'us-east-1' });
    await vi.advanceTimersByTimeAsync(30_000); // ramp-up: polls at 1, 3, 7, 15, 25 s, then every 10 s
    calls.length = 0;
    polled.clear();
    await vi.advanceTimersByTimeAsync(60_000); // polls at 35, 45, …, 85 s
    expect(calls.map((c) => c.size)).toEqual(Array.from({ length: 6 }, () => [100, 100, 50]).flat());
    expect(polled.size).toBe(250);
    expect(new Set(polled.values())).toEqual(new Set([6])); // every job once per slow interval
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

  it('backs a throttled group off past the slow interval, then comes back to it', async () => {
    let throttle = true;
    const times: number[] = [];
    const errors: unknown[] = [];
    const p = new SharedPoller<Job>({
      settings: { fastMs: 1000, slowMs: 10_000 },
      chunkSize: 100,
      poll: async () => {
        times.push(Date.now());
        if (throttle) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      },
      onError: (_group, err) => errors.push(err),
    });
    p.watch({ taskId: 'a', group: 'g' });
    await vi.advanceTimersByTimeAsync(200_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps)).toBeGreaterThan(10_000); // beyond the slow interval
    expect(Math.max(...gaps)).toBeLessThanOrEqual(40_000); // at most four times it
    expect(p.get('a')).toBeDefined(); // still watched: a throttled poll fails no task
    expect(errors.length).toBe(times.length);
    throttle = false;
    await vi.advanceTimersByTimeAsync(100_000);
    times.length = 0;
    await vi.advanceTimersByTimeAsync(50_000);
    expect(times.length).toBe(5); // back to one poll per slow interval
    p.close();
  });
});
