import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, shellTask, waitFor } from '../helpers/harness.js';
import { type LogRecord, ServerProcess } from '../helpers/server-process.js';
import { becameLeader, endedRun, ledgerScript, overlapping, readLedger, startedTwice } from './cluster.js';
import { recordFigures } from './figures.js';
import { PrivatePostgres, postgresBin } from './private-postgres.js';

// The shared PostgreSQL must never be stopped (other tests use it): this test stops its own.
const bin = postgresBin();
if (!bin)
  console.warn('pg-restart skipped: no PostgreSQL server (initdb, pg_ctl) under /usr/lib/postgresql/*/bin');

const WAVES = 4;
const WIDTH = 4;
const DOWN_MS = 2000;
/** The second case: a lease shorter than the outage. */
const SHORT_LEASE_S = 2;
// SUNDIAL_CHAOS_OUTAGE_S=60 leaves it down a minute (bench/RESULTS.md has such a run).
const LONG_DOWN_MS = Number(process.env.SUNDIAL_CHAOS_OUTAGE_S ?? 4) * 1000;

describe.skipIf(!bin)('PostgreSQL restarted and every connection terminated mid-run', () => {
  let postgres: PrivatePostgres;
  /** Its lease outlasts the first outage: it stays the leader and must lose nothing. */
  let server: ServerProcess;
  /** On a database of its own on the same cluster, with a lease shorter than the second outage. */
  let shortLease: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sundial-pg-restart-'));
    postgres = await PrivatePostgres.start(bin!);
    const other = await postgres.createDatabase('short_lease');
    [server, shortLease] = await Promise.all([
      ServerProcess.start(['--database-url', postgres.url(), '--lease-seconds', '10']),
      ServerProcess.start(['--database-url', other, '--lease-seconds', String(SHORT_LEASE_S)]),
    ]);
    await Promise.all([server.waitForLog(becameLeader), shortLease.waitForLog(becameLeader)]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), shortLease?.stop()]);
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
    const admin = new pg.Client({ connectionString: postgres.url() });
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
    const down = await waitFor(() => notReady(server));
    expect(down.reason).toMatch(/database|LISTEN/);
    expect((await server.api('GET', '/health')).status).toBe(200);
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + DOWN_MS - Date.now())));
    await postgres.start();
    const startedAt = Date.now();
    await waitFor(ready(server), 30_000);
    const readyAfterMs = Date.now() - startedAt;

    const ended = await waitFor(() => endedRun(server, 'waves'), 30_000);
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

  it(
    'an outage longer than the lease: the leader steps down, leads again once it is back, and retries what it had to stop',
    async () => {
      const ledger = join(dir, 'long-ledger');
      const tasks = Array.from({ length: WIDTH }, (_, i) =>
        shellTask(`long${i}`, ledgerScript(ledger, 'sleep 1; echo done'), { max_attempts: 3 }),
      );
      await shortLease.api('PUT', '/api/process_definitions/long', {
        process_definition_name: 'long',
        task_definitions: tasks,
      });
      await shortLease.api('POST', '/api/process_definitions/long/trigger');
      await waitFor(async () => (readLedger(ledger).length >= WIDTH ? true : undefined));
      // Counted from here: the first case's outage may already have cost this replica a term.
      const lost = (r: LogRecord) => r.msg.startsWith('lost scheduler leadership');
      const terms = shortLease.logs.filter(becameLeader).length;
      const losses = shortLease.logs.filter(lost).length;
      await postgres.stop();
      const stoppedAt = Date.now();
      const down = await waitFor(() => notReady(shortLease));
      // It cannot renew: within a lease period it stops its engine and the jobs it can no longer record.
      await shortLease.waitForLog(lost, LONG_DOWN_MS, losses + 1);
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + LONG_DOWN_MS - Date.now())));
      await postgres.start();
      await shortLease.waitForLog(becameLeader, 30_000, terms + 1);
      await waitFor(ready(shortLease), 30_000);

      const ended = await waitFor(() => endedRun(shortLease, 'long'), 30_000);
      const lines = readLedger(ledger);
      const overlaps = overlapping([ended], lines);
      const retried = ended.task.filter((t) => t.status === 'failed');
      console.log(
        `pg-restart (long): /ready said "${down.reason}"; failed attempts: ${retried.map((t) => t.failure_reason).join(' | ')}`,
      );
      recordFigures({
        scenario: `PostgreSQL down ${LONG_DOWN_MS / 1000} s, longer than the lease (${SHORT_LEASE_S} s), mid-run; 1 replica`,
        tasks: `${tasks.length} parallel 1 s shell tasks, ${lines.filter((l) => l.event === 'start').length} job starts`,
        duplicates: startedTwice(lines).length + overlaps.length,
        losses: tasks.filter(
          (d) =>
            ended.task.filter(
              (t) => t.task_definition_name === d.task_definition_name && t.status === 'succeeded',
            ).length !== 1,
        ).length,
      });
      expect(shortLease.alive).toBe(true);
      expect(ended.status).toBe('succeeded');
      expect(startedTwice(lines)).toEqual([]);
      expect(overlaps).toEqual([]);
      // Each attempt cut short by the outage ended with a reason, and its task succeeded on a retry.
      for (const t of retried) expect(t.failure_reason).toBeTruthy();
      for (const d of tasks)
        expect(
          ended.task.filter(
            (t) => t.task_definition_name === d.task_definition_name && t.status === 'succeeded',
          ),
        ).toHaveLength(1);
    },
    LONG_DOWN_MS + 100_000,
  );
});

/** `/ready`'s answer while it says not ready. */
async function notReady(server: ServerProcess): Promise<{ reason?: string } | undefined> {
  const res = await server.api<{ ready: boolean; reason?: string }>('GET', '/ready');
  return res.status === 503 ? res.body : undefined;
}

const ready = (server: ServerProcess) => async () =>
  (await server.api('GET', '/ready')).status === 200 ? true : undefined;
