import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, type WireProcess } from '../../helpers/harness.js';

interface Summary {
  process_id: string;
  status: string;
  start_time: string;
  end_time?: string;
}

interface LogPage {
  entries: { cursor: string; message: string }[];
  next_cursor: string;
  complete: boolean;
  has_more_before: boolean;
}

describe('reads the web UI adds to the API', () => {
  let h: Harness;
  const runs: WireProcess[] = [];
  let wide: WireProcess;

  beforeAll(async () => {
    h = await Harness.start();
    await h.put({
      process_definition_name: 'counted',
      task_definitions: [shellTask('count', 'for i in $(seq 1 30); do echo "line $i"; done')],
    });
    await h.put({ process_definition_name: 'never-run', task_definitions: [shellTask('x', 'true')] });
    for (let i = 0; i < 3; i++) runs.unshift(await h.triggerAndWait('counted'));
    await h.put({
      process_definition_name: 'wide',
      task_definitions: ['e', 'a', 'd', 'b', 'c'].map((name) => ({
        task_definition_name: name,
        dependencies: [],
        executable: { noop_command: {} },
        max_attempts: 1,
        backoff_base_seconds: 0,
      })),
    });
    wide = await h.triggerAndWait('wide');
  });
  afterAll(async () => h?.close());

  it('the overview lists every definition with its newest runs, newest first', async () => {
    const res = await h.request<
      { definition: { process_definition_name: string }; recent_processes: Summary[] }[]
    >('GET', '/api/definition_overview?recent=2');
    expect(res.status).toBe(200);
    expect(res.body.map((d) => d.definition.process_definition_name)).toEqual([
      'counted',
      'never-run',
      'wide',
    ]);
    expect(res.body[0]!.recent_processes.map((r) => r.process_id)).toEqual(
      runs.slice(0, 2).map((r) => r.process_id),
    );
    expect(res.body[0]!.recent_processes[0]).toEqual({
      process_id: runs[0]!.process_id,
      process_definition_name: 'counted',
      status: 'succeeded',
      start_time: runs[0]!.start_time,
      end_time: expect.any(String),
    });
    expect(res.body[1]!.recent_processes).toEqual([]);
  });

  it('pages a definition’s history without gaps or repeats', async () => {
    const first = await h.request<{ processes: Summary[]; next_before?: string }>(
      'GET',
      '/api/process_definitions/counted/history?limit=2',
    );
    expect(first.body.processes.map((p) => p.process_id)).toEqual(runs.slice(0, 2).map((r) => r.process_id));
    const second = await h.request<{ processes: Summary[]; next_before?: string }>(
      'GET',
      `/api/process_definitions/counted/history?limit=2&before=${first.body.next_before}`,
    );
    expect(second.body.processes.map((p) => p.process_id)).toEqual([runs[2]!.process_id]);
    expect(second.body.next_before).toBeUndefined();
    expect((await h.request('GET', '/api/process_definitions/nope/history')).status).toBe(404);
    const bad = await h.request<{ message: string }>(
      'GET',
      '/api/process_definitions/counted/history?limit=0',
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('limit');
  });

  it('gives a run’s task definitions, and the run without inlined log lines when asked', async () => {
    const id = runs[0]!.process_id;
    const defs = await h.request<{ task_definition_name: string }[]>(
      'GET',
      `/api/processes/${id}/task_definitions`,
    );
    expect(defs.body.map((t) => t.task_definition_name)).toEqual(['count']);
    const full = await h.request<WireProcess>('GET', `/api/processes/${id}`);
    expect(full.body.task[0]!.log_entries.length).toBeGreaterThanOrEqual(30);
    const light = await h.request<WireProcess>('GET', `/api/processes/${id}?log_entries=0`);
    expect(light.body.task[0]!.log_entries).toEqual([]);
    expect(light.body.task[0]!.status).toBe('succeeded');
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await h.request('GET', `/api/processes/${unknown}/task_definitions`)).status).toBe(404);
  });

  it('pages a run’s tasks by name when asked, and answers every task in the original shape when not', async () => {
    type Page = WireProcess & { next_after?: string };
    const url = `/api/processes/${wide.process_id}`;
    const whole = await h.request<Page>('GET', url);
    expect(whole.body.task).toHaveLength(5);
    expect(whole.body.next_after).toBeUndefined();
    const pages: Page[] = [];
    let after = '';
    do {
      const res = await h.request<Page>('GET', `${url}?limit=2${after && `&after=${after}`}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      after = res.body.next_after ?? '';
    } while (after);
    expect(pages.map((p) => p.task.map((t) => t.task_definition_name))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['e'],
    ]);
    const byId = new Map(whole.body.task.map((t) => [t.task_id, t]));
    // The same tasks, each once, as the unpaged answer has them; the run's own fields are unchanged.
    expect(pages.flatMap((p) => p.task)).toEqual(
      pages.flatMap((p) => p.task).map((t) => byId.get(t.task_id)),
    );
    const { task: _all, ...run } = whole.body;
    const { task: _page, next_after: _next, ...pagedRun } = pages[0]!;
    expect(pagedRun).toEqual(run);
    const bad = await h.request<{ errors: { field: string }[] }>('GET', `${url}?limit=1001`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.field).toBe('limit');
    const stranger = runs[0]!.task[0]!.task_id; // a task of another run is no cursor here
    const wrong = await h.request<{ errors: { field: string }[] }>('GET', `${url}?after=${stranger}`);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]!.field).toBe('after');
  });

  it('pages a log backwards from its end', async () => {
    const taskId = runs[0]!.task[0]!.task_id;
    const tail = await h.request<LogPage>(
      'GET',
      `/api/tasks/${taskId}/logs?before=${Number.MAX_SAFE_INTEGER}&limit=10`,
    );
    expect(tail.body.entries.map((e) => e.message).slice(-3)).toEqual(
      expect.arrayContaining(['line 29', 'line 30']),
    );
    expect(tail.body.has_more_before).toBe(true);
    expect(tail.body.complete).toBe(true);
    const all = await h.request<LogPage>('GET', `/api/tasks/${taskId}/logs?limit=1000`);
    const older = await h.request<LogPage>(
      'GET',
      `/api/tasks/${taskId}/logs?before=${tail.body.entries[0]!.cursor}&limit=1000`,
    );
    // The two pages back together are the whole log, in order.
    expect([...older.body.entries, ...tail.body.entries]).toEqual(all.body.entries);
    expect(older.body.has_more_before).toBe(false);
    const processTail = await h.request<LogPage>(
      'GET',
      `/api/processes/${runs[0]!.process_id}/logs?before=${Number.MAX_SAFE_INTEGER}&limit=5`,
    );
    expect(processTail.body.entries).toEqual(all.body.entries.slice(-5));
  });

  it('serves the UI page for browser paths and JSON 404s for unknown API paths', async () => {
    for (const path of ['/', '/runs/anything']) {
      const page = await fetch(`${h.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get('content-type'), path).toContain('text/html');
      expect(page.headers.get('cache-control'), path).toBe('no-cache');
    }
    // The page's script: the build's brotli or gzip copy when the browser takes one, cached for good.
    const page = await (await fetch(`${h.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)![1]!;
    const plain = await fetch(`${h.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(`${h.url}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding'), encoding).toBe(encoding);
      expect(res.headers.get('vary'), encoding).toBe('accept-encoding');
      expect(res.headers.get('cache-control'), encoding).toContain('immutable');
      // fetch undoes the encoding: the same script either way.
      expect(await res.text(), encoding).toBe(await plain.clone().text());
    }
    expect(plain.headers.get('content-encoding')).toBeNull();
    const api = await fetch(`${h.url}/api/no-such-thing`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ message: 'no route for GET /api/no-such-thing' });
  });

  it('compresses API answers for clients that take it, and never the log streams', async () => {
    const plain = await fetch(`${h.url}/api/openapi.json`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    const document = await plain.json();
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(`${h.url}/api/openapi.json`, { headers: { 'accept-encoding': encoding } });
      expect(res.headers.get('content-encoding'), encoding).toBe(encoding);
      expect(res.headers.get('vary'), encoding).toContain('accept-encoding');
      expect(await res.json(), encoding).toEqual(document);
    }
    const stream = new AbortController();
    const sse = await fetch(`${h.url}/api/processes/${runs[0]!.process_id}/logs/stream`, {
      headers: { 'accept-encoding': 'br, gzip' },
      signal: stream.signal,
    });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    expect(sse.headers.get('content-encoding')).toBeNull();
    stream.abort();
  });
});
