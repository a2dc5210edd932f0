import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryRetention } from '../../../src/scheduler/history-retention.js';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';

describe('history retention', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  const retention = (isLeader: boolean) =>
    new HistoryRetention({
      db: h.sundial.db,
      logger: pino({ level: 'silent' }),
      retainDays: 90,
      isLeader: () => isLeader,
      batchSize: 2, // several statements for three tasks a run: the batching is exercised
      pauseMs: 0,
    });
  const logLines = async (processId: string) =>
    Number(
      (
        await h.sundial.db.query<{ n: string }>(
          'select count(*) as n from task_log_entries e join tasks t on t.id = e.task_id where t.process_id = $1',
          [processId],
        )
      )[0]!.n,
    );

  it('deletes finished runs that ended before the period, with their tasks and logs, and nothing else', async () => {
    await h.put({
      process_definition_name: 'nightly',
      task_definitions: ['a', 'b', 'c'].map((t) => shellTask(t, `echo ${t}`)),
    });
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await h.triggerAndWait('nightly'));
    await h.put({ process_definition_name: 'long', task_definitions: [shellTask('wait', 'sleep 20')] });
    await h.trigger('long');
    const running = await h.waitForRun('long');
    const [old1, old2, recent] = runs.map((r) => r.process_id);
    // Two runs ended 100 days ago; the running one started then.
    await h.sundial.db.query(
      `update processes set started_at = now() - interval '100 days',
         ended_at = case when status = 'running' then null else now() - interval '100 days' end
       where id = any($1::uuid[])`,
      [[old1, old2, running.process_id]],
    );
    expect(await logLines(old1!)).toBeGreaterThan(0);

    expect(await retention(false).runPass()).toEqual({ tasks: 0, runs: 0 }); // not the leader
    expect(await retention(true).runPass()).toEqual({ tasks: 6, runs: 2 });

    for (const id of [old1, old2]) {
      expect((await h.request('GET', `/api/processes/${id}`)).status).toBe(404);
      expect(await logLines(id!)).toBe(0);
    }
    expect((await h.process(recent!)).task).toHaveLength(3);
    expect(await logLines(recent!)).toBeGreaterThan(0);
    expect((await h.process(running.process_id)).status).toBe('running');
    await h.request('POST', `/api/processes/${running.process_id}/kill`);
    await waitFor(async () =>
      (await h.process(running.process_id)).status !== 'running' ? true : undefined,
    );
  });
});
