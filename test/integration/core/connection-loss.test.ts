import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, shellTask, type WireProcess, waitFor } from '../../helpers/harness.js';
import { ServerProcess } from '../../helpers/server-process.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

/** What a database restart or failover does to every connection of one database. */
async function terminateBackends(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const rows = await admin.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  await admin.end();
  return rows.rowCount ?? 0;
}

/** The run once it has ended; undefined while it runs or while the API answers an error (the database is away). */
async function endedRun(server: ServerProcess, id: string): Promise<WireProcess | undefined> {
  const res = await server.api<WireProcess>('GET', `/api/processes/${id}`);
  return res.status === 200 && res.body.status !== 'running' ? res.body : undefined;
}

const listenBack = (r: { msg: string }) => r.msg === 'database connection for LISTEN is back';

// Connections to kill exist only with PostgreSQL.
describe.skipIf(backend !== 'postgres')('losing the database connections mid-run', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let leader: ServerProcess;
  let follower: ServerProcess;
  let url: string;

  beforeAll(async () => {
    db = await freshDatabase();
    url = db.options.databaseUrl!;
    leader = await ServerProcess.start(['--database-url', url]);
    await leader.waitForLog((r) => r.msg === 'became scheduler leader');
    follower = await ServerProcess.start(['--database-url', url]);
  });
  afterAll(async () => {
    await follower?.stop();
    await leader?.stop();
    await db?.drop();
  });

  it('keeps the server alive, reconnects and completes the run after every backend is terminated, three times', async () => {
    const steps = Array.from({ length: 8 }, (_, i) =>
      shellTask(`step${i}`, 'sleep 0.3; echo done', i > 0 ? { dependencies: dependsOn(`step${i - 1}`) } : {}),
    );
    await leader.api('PUT', '/api/process_definitions/chain', {
      process_definition_name: 'chain',
      task_definitions: steps,
    });
    await leader.api('POST', '/api/process_definitions/chain/trigger');
    const run = await waitFor(async () => {
      const res = await leader.api<WireProcess[]>('GET', '/api/processes?process_definition_name=chain');
      return res.body[0];
    });
    for (let i = 1; i <= 3; i++) {
      // Spread over the run: after the (2i-1)th task has started.
      await waitFor(async () => {
        const res = await leader.api<WireProcess>('GET', `/api/processes/${run.process_id}`);
        return res.status === 200 && res.body.task.length >= 2 * i - 1 ? true : undefined;
      });
      expect(await terminateBackends(url)).toBeGreaterThan(0);
      await leader.waitForLog(listenBack, 30_000, i);
      expect(leader.alive).toBe(true);
    }
    const ended = await waitFor(() => endedRun(leader, run.process_id), 30_000);
    expect(ended.status).toBe('succeeded');
    expect(ended.task.map((t) => t.status)).toEqual(steps.map(() => 'succeeded'));
    // Nothing the jobs printed was lost with the connections.
    for (const t of ended.task) expect(t.log_entries.map((l) => l.message)).toContain('done');
    expect(leader.alive && follower.alive).toBe(true);
    // Reconnected: ready again; liveness never depended on the database.
    expect((await leader.api('GET', '/health')).status).toBe(200);
    await waitFor(async () => ((await leader.api('GET', '/ready')).status === 200 ? true : undefined));
  });

  it('still hears a wake-up through NOTIFY after reconnecting: a kill sent to the follower stops the leader’s job', async () => {
    await leader.api('PUT', '/api/process_definitions/forever', {
      process_definition_name: 'forever',
      task_definitions: [shellTask('wait', 'sleep 600')],
    });
    await terminateBackends(url);
    await leader.waitForLog(listenBack, 30_000, 4);
    await follower.api('POST', '/api/process_definitions/forever/trigger');
    const running = await waitFor(async () => {
      const [p] = (await follower.api<WireProcess[]>('GET', '/api/processes?process_definition_name=forever'))
        .body;
      return p?.task.some((t) => t.status === 'running') ? p : undefined;
    });
    // Only the leader runs jobs; the follower reaches it through NOTIFY (schedule ticks do not look at kills).
    expect((await follower.api('POST', `/api/processes/${running.process_id}/kill`)).status).toBe(204);
    const ended = await waitFor(() => endedRun(follower, running.process_id));
    expect(ended.status).toBe('failed');
  });
});
