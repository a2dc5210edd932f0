import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, latestTasks, shellTask } from '../../helpers/harness.js';
import { allLines, type WireLine } from './helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await Harness.start();
});
afterAll(() => h?.close());

/** Every line of a log in time order, paged `limit` lines at a time. */
async function byTime(path: string, limit: number): Promise<WireLine[]> {
  const lines: WireLine[] = [];
  let after = '0';
  for (;;) {
    const res = await h.request<{ entries: WireLine[]; next_cursor: string }>(
      'GET',
      `${path}?order=time&after=${after}&limit=${limit}`,
    );
    expect(res.status).toBe(200);
    lines.push(...res.body.entries);
    if (res.body.entries.length < limit) return lines;
    after = res.body.next_cursor;
  }
}

describe('a log in the order of its lines’ own times', () => {
  it('merges sources stored at different paces by time, ties in storage order, paging through every line once', async () => {
    await h.put({
      process_definition_name: 'time-order',
      task_definitions: [shellTask('job', 'echo from the job')],
    });
    const run = await h.triggerAndWait('time-order');
    const task = latestTasks(run).get('job')!;
    const t0 = Date.parse(task.start_time);
    // Lines a remote source delivers late, stored after the task's end, stamped with when they were written.
    const at = (ms: number) => new Date(t0 + ms).toISOString();
    const late = [
      { when: at(30), source: 'cloudwatch', message: 'c (same time as d, stored first)' },
      { when: at(-1000), source: 'cloudwatch', message: 'a (before the task started)' },
      { when: at(30), source: 'emr-stdout', message: 'd' },
      { when: at(10), source: 'cloudwatch', message: 'b' },
    ];
    expect((await h.request('POST', `/api/tasks/${task.task_id}/log_entries`, late)).status).toBe(204);

    for (const path of [`/api/tasks/${task.task_id}/logs`, `/api/processes/${run.process_id}/logs`]) {
      const stored = await allLines(h.url, path);
      const timed = await byTime(path, 2);
      // The same lines, each once, now sorted by time and, at one time, by cursor.
      expect([...timed].sort((x, y) => Number(x.cursor) - Number(y.cursor))).toEqual(stored);
      const key = (l: WireLine) => [Date.parse(l.when), Number(l.cursor)] as const;
      for (let i = 1; i < timed.length; i++) {
        const [a, b] = [key(timed[i - 1]!), key(timed[i]!)];
        expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
      }
      const mine = timed.filter((l) => late.some((x) => x.message === l.message)).map((l) => l.message[0]);
      expect(mine).toEqual(['a', 'b', 'c', 'd']);
      expect(timed[0]!.message).toBe('a (before the task started)');
    }
  });

  it('refuses what it cannot page, naming the parameter', async () => {
    const run = await h.triggerAndWait('time-order');
    const path = `/api/processes/${run.process_id}/logs`;
    for (const [query, field] of [
      ['order=newest', 'order'],
      ['order=time&before=5', 'before'],
      ['order=time&after=12', 'after'],
    ] as const) {
      const res = await h.request<{ errors?: { field: string }[] }>('GET', `${path}?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body), query).toContain(`"${field}"`);
    }
  });
});
