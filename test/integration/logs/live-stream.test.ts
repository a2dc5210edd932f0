import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { allLines, openSse, sseLines } from './helpers.js';

let h: Harness;
let dir: string;

beforeAll(async () => {
  h = await Harness.start({ liveLogs: { graceMs: 200 } });
  dir = mkdtempSync(join(tmpdir(), 'sundial-live-'));
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A task that prints, waits until the test lets it go, then prints again. */
const gated = (name: string, gate: string) =>
  shellTask(
    name,
    `echo "${name} before"; while [ ! -f '${gate}' ]; do sleep 0.05; done; echo "${name} after"`,
  );

async function runningProcess(name: string): Promise<string> {
  await h.trigger(name);
  return (await h.waitForRun(name)).process_id;
}

describe('live logs over Server-Sent Events', () => {
  it('delivers a line while the task still runs, then the rest and an end event', async () => {
    const gate = join(dir, 'gate-1');
    await h.put({ process_definition_name: 'live-one', task_definitions: [gated('talk', gate)] });
    const processId = await runningProcess('live-one');
    const task = await waitFor(async () => (await h.process(processId)).task[0]);
    const sse = openSse(`${h.url}/api/tasks/${task.task_id}/logs/stream`);

    await waitFor(async () =>
      sseLines(sse.events).some((l) => l.message === 'talk before') ? true : undefined,
    );
    expect(existsSync(gate)).toBe(false); // the job is still blocked: the line came live
    expect((await h.process(processId)).status).toBe('running');

    writeFileSync(gate, '');
    await sse.ended;
    const lines = sseLines(sse.events);
    const messages = lines.map((l) => l.message);
    expect(messages.filter((m) => m.startsWith('talk'))).toEqual(['talk before', 'talk after']);
    expect(messages[0]).toBe('task started (attempt 1) on shell');
    expect(messages).toContain('task succeeded');
    expect(lines.every((l) => l.task_id === task.task_id && l.task_definition_name === 'talk')).toBe(true);
    const cursors = lines.map((l) => Number(l.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(new Set(cursors).size).toBe(cursors.length);
    const end = sse.events.find((e) => e.event === 'end')!;
    expect(JSON.parse(end.data)).toMatchObject({ cursor: lines.at(-1)!.cursor, status: 'succeeded' });

    // The paged JSON API returns the same lines, page by page, and says when the log is complete.
    expect(await allLines(h.url, `/api/tasks/${task.task_id}/logs`, 2)).toEqual(
      lines.map((l) => expect.objectContaining(l)),
    );
    const last = await fetch(`${h.url}/api/tasks/${task.task_id}/logs?after=0&limit=1000`);
    expect(((await last.json()) as { complete: boolean }).complete).toBe(true);
  });

  it('resumes after Last-Event-ID or ?after= without repeating lines', async () => {
    const gate = join(dir, 'gate-2');
    await h.put({ process_definition_name: 'live-resume', task_definitions: [gated('resume', gate)] });
    const processId = await runningProcess('live-resume');
    const first = openSse(`${h.url}/api/processes/${processId}/logs/stream`);
    await waitFor(async () =>
      sseLines(first.events).some((l) => l.message === 'resume before') ? true : undefined,
    );
    first.close();
    const seen = sseLines(first.events);
    const lastId = seen.at(-1)!.cursor;

    writeFileSync(gate, '');
    const byHeader = openSse(`${h.url}/api/processes/${processId}/logs/stream`, { 'last-event-id': lastId });
    const byQuery = openSse(`${h.url}/api/processes/${processId}/logs/stream?after=${lastId}`);
    await Promise.all([byHeader.ended, byQuery.ended]);
    const rest = sseLines(byHeader.events);
    expect(sseLines(byQuery.events)).toEqual(rest);
    expect(rest.map((l) => l.message)).toContain('resume after');
    expect(rest.every((l) => Number(l.cursor) > Number(lastId))).toBe(true);
    const all = await allLines(h.url, `/api/processes/${processId}/logs`);
    expect([...seen, ...rest].map((l) => l.cursor)).toEqual(all.map((l) => l.cursor));

    // An EventSource reconnecting after the end is told to stop (204); a new reader still gets `end`.
    const endId = byHeader.events.at(-1)!.id!;
    const again = await fetch(`${h.url}/api/processes/${processId}/logs/stream`, {
      headers: { 'last-event-id': endId },
    });
    expect(again.status).toBe(204);
    const fresh = openSse(`${h.url}/api/processes/${processId}/logs/stream?after=${endId}`);
    await fresh.ended;
    expect(fresh.events.map((e) => e.event)).toEqual(['end']);
  });

  it('merges the tasks of a process in cursor order, each line naming its task', async () => {
    const gate = join(dir, 'gate-3');
    await h.put({
      process_definition_name: 'live-merge',
      task_definitions: [gated('left', gate), gated('right', gate)],
    });
    const processId = await runningProcess('live-merge');
    const sse = openSse(`${h.url}/api/processes/${processId}/logs/stream`);
    await waitFor(async () =>
      sseLines(sse.events).filter((l) => l.message.endsWith('before')).length === 2 ? true : undefined,
    );
    writeFileSync(gate, '');
    await sse.ended;
    const lines = sseLines(sse.events);
    for (const name of ['left', 'right']) {
      expect(
        lines.filter((l) => l.task_definition_name === name && l.source === 'stdout').map((l) => l.message),
      ).toEqual([`${name} before`, `${name} after`]);
    }
    const cursors = lines.map((l) => Number(l.cursor));
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    expect(sse.events.at(-1)?.event).toBe('end');
  });

  it('tells in scheduler lines when each attempt started and how it ended', async () => {
    await h.put({
      process_definition_name: 'live-attempts',
      task_definitions: [shellTask('flaky', 'echo trying; exit 3', { max_attempts: 2 })],
    });
    const run = await h.triggerAndWait('live-attempts');
    const lines = await allLines(h.url, `/api/processes/${run.process_id}/logs`);
    expect(lines.filter((l) => l.source === 'scheduler').map((l) => l.message)).toEqual([
      'task started (attempt 1 of 2) on shell',
      'task failed: the shell job exited with code 3',
      'task started (attempt 2 of 2) on shell',
      'task failed: the shell job exited with code 3',
    ]);
    expect(new Set(lines.map((l) => l.task_id)).size).toBe(2);
  });

  it('answers 404 for an unknown task or process and 400 for a bad cursor', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await fetch(`${h.url}/api/tasks/${unknown}/logs/stream`)).status).toBe(404);
    expect((await fetch(`${h.url}/api/processes/${unknown}/logs`)).status).toBe(404);
    const bad = await fetch(`${h.url}/api/tasks/${unknown}/logs?after=abc`);
    expect(bad.status).toBe(400);
  });
});
