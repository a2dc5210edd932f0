import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerScript, readLedger, startedTwice } from '../../chaos/cluster.js';
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

  it('fails no attempt and runs none twice while every backend is terminated again and again as jobs start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sundial-outage-'));
    const ledger = join(dir, 'ledger');
    // Six waves of four: every wave is a burst of writes (results, new attempts, 'starting', 'running').
    const tasks = Array.from({ length: 24 }, (_, i) =>
      // max_attempts 2: an attempt failed by the outage would show as a second attempt, not a failed run.
      shellTask(`t${i}`, ledgerScript(ledger, 'sleep 0.05'), {
        max_attempts: 2,
        ...(i >= 4 && { dependencies: dependsOn(`t${i - 4}`) }),
      }),
    );
    await leader.api('PUT', '/api/process_definitions/waves', {
      process_definition_name: 'waves',
      task_definitions: tasks,
    });
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await leader.api('POST', '/api/process_definitions/waves/trigger');
    const run = await waitFor(async () => {
      const res = await leader.api<WireProcess[]>('GET', '/api/processes?process_definition_name=waves');
      return res.status === 200 ? res.body[0] : undefined;
    });
    let terminations = 0;
    let ended: WireProcess | undefined;
    for (let round = 0; !ended; round++) {
      const { rowCount } = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      terminations += rowCount ?? 0;
      await new Promise((r) => setTimeout(r, 100));
      // A crash (an unhandled 'error' of a connection) would show here with its stack trace.
      if (!leader.alive) throw new Error(leader.logs.map((l) => l.msg).join('\n'));
      if (round % 3 === 0) ended = await endedRun(leader, run.process_id);
    }
    await admin.end();
    const lines = readLedger(ledger);
    rmSync(dir, { recursive: true, force: true });
    console.log(`outage: ${terminations} backends terminated during a run of ${tasks.length} tasks`);
    expect(ended.status).toBe('succeeded');
    expect(ended.task.filter((t) => t.status !== 'succeeded')).toEqual([]);
    expect(ended.task).toHaveLength(tasks.length);
    expect(startedTwice(lines)).toEqual([]);
    expect(lines.filter((l) => l.event === 'end')).toHaveLength(tasks.length);
    expect(leader.alive && follower.alive).toBe(true);
  });
});
