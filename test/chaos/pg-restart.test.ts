import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, shellTask, type WireProcess, waitFor } from '../helpers/harness.js';
import { ServerProcess } from '../helpers/server-process.js';
import { becameLeader, ledgerScript, readLedger, startedTwice } from './cluster.js';
import { recordFigures } from './figures.js';
import { PrivatePostgres, postgresBin } from './private-postgres.js';

// The shared PostgreSQL must never be stopped (other tests use it): this test stops its own.
const bin = postgresBin();
if (!bin)
  console.warn('pg-restart skipped: no PostgreSQL server (initdb, pg_ctl) under /usr/lib/postgresql/*/bin');

const WAVES = 4;
const WIDTH = 4;
const DOWN_MS = 2000;

describe.skipIf(!bin)('PostgreSQL restarted and every connection terminated mid-run', () => {
  let postgres: PrivatePostgres;
  let server: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-pg-restart-'));
    postgres = await PrivatePostgres.start(bin!);
    // The outage is shorter than the lease: the leader stays the leader and must lose nothing.
    server = await ServerProcess.start(['--database-url', postgres.url, '--lease-seconds', '10']);
    await server.waitForLog(becameLeader);
  });
  afterAll(async () => {
    await server?.stop();
    await postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers not ready with the reason while down, recovers by itself, ends every task once', async () => {
    const ledger = join(dir, 'ledger');
    // Waves of four: each wave's results and the next wave's starts are writes that meet the outage.
    const tasks = Array.from({ length: WAVES * WIDTH }, (_, i) =>
      shellTask(`t${i}`, ledgerScript(ledger, 'sleep 0.4; echo done'), {
        // A second attempt would show an attempt failed by the outage instead of a failed run.
        max_attempts: 2,
        ...(i >= WIDTH && { dependencies: dependsOn(`t${i - WIDTH}`) }),
      }),
    );
    await server.api('PUT', '/api/process_definitions/waves', {
      process_definition_name: 'waves',
      task_definitions: tasks,
    });
    await server.api('POST', '/api/process_definitions/waves/trigger');
    const starts = (n: number) =>
      waitFor(async () =>
        readLedger(ledger).filter((l) => l.event === 'start').length >= n ? true : undefined,
      );

    // While the first wave runs: what a failover does to every connection.
    await starts(1);
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    const terminated = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.end();
    expect(terminated.rowCount).toBeGreaterThan(0);

    // While the second wave runs: PostgreSQL stopped (as a restart does), left down while jobs end, started again.
    await starts(WIDTH + 1);
    await postgres.stop();
    const stoppedAt = Date.now();
    const down = await waitFor(async () => {
      const res = await server.api<{ ready: boolean; reason?: string }>('GET', '/ready');
      return res.status === 503 ? res.body : undefined;
    });
    expect(down.reason).toMatch(/database|LISTEN/);
    expect((await server.api('GET', '/health')).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + DOWN_MS - Date.now())));
    await postgres.start();
    const startedAt = Date.now();
    await waitFor(
      async () => ((await server.api('GET', '/ready')).status === 200 ? true : undefined),
      30_000,
    );
    const readyAfterMs = Date.now() - startedAt;

    const ended = await waitFor(async () => {
      const res = await server.api<WireProcess[]>('GET', '/api/processes?process_definition_name=waves');
      const run = res.status === 200 ? res.body[0] : undefined;
      if (!run || run.status === 'running') return undefined;
      return (await server.api<WireProcess>('GET', `/api/processes/${run.process_id}`)).body;
    }, 30_000);
    const lines = readLedger(ledger);
    const failed = ended.task.filter((t) => t.status !== 'succeeded');
    console.log(`pg-restart: /ready said "${down.reason}"; ready again ${readyAfterMs} ms after the start`);
    recordFigures({
      scenario: `PostgreSQL stopped (-m fast) for ${DOWN_MS / 1000} s and started again, and every connection terminated, mid-run; 1 replica`,
      tasks: `${tasks.length} shell tasks in ${WAVES} waves, ${lines.filter((l) => l.event === 'start').length} job starts`,
      duplicates: startedTwice(lines).length,
      losses: failed.length + tasks.length - ended.task.length,
    });
    expect(server.alive).toBe(true);
    expect(ended.status).toBe('succeeded');
    // One attempt per task, each started once and ended once: nothing failed, lost or run twice.
    expect(failed).toEqual([]);
    expect(ended.task).toHaveLength(tasks.length);
    expect(startedTwice(lines)).toEqual([]);
    expect(lines.filter((l) => l.event === 'end')).toHaveLength(tasks.length);
    // Every job's output reached its task log across the outage.
    for (const t of ended.task) expect(t.log_entries.map((l) => l.message)).toContain('done');
  });
});
