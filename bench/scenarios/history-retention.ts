import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { HistoryRetention } from '../../src/scheduler/history-retention.js';
import type { Database, Queryable } from '../../src/storage/database.js';
import { openDatabase } from '../../src/storage/open-database.js';
import type { Backend } from '../lib/bench-sundial.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';

const SCENARIO = '5. History scale';
/** The seeded history is 1 run every 30 s going back: a period of half its span deletes half of it. */
const retainDaysFor = (runs: number) => (runs * 30) / 86_400 / 2;

/** The port, timing every statement (a transaction counts as one: it holds the connection throughout). */
function timed(db: Database, took: number[]): Database {
  const time = async <T>(fn: () => Promise<T>) => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      took.push(performance.now() - t0);
    }
  };
  return {
    ...db,
    kind: db.kind,
    query: (sql, params) => time(() => db.query(sql, params)),
    transaction: (fn) => time(() => db.transaction((tx: Queryable) => fn(tx))),
  };
}

/**
 * The seeded store's size per million tasks, then one retention pass over it
 * deleting its older half: how long it took, how many tasks a second it
 * deleted, and its longest statement, which is the longest the scheduler
 * could have waited for it.
 */
export async function retentionRows(
  store: { databaseUrl?: string; dataDir?: string },
  backend: Backend,
  tasks: number,
  runs: number,
): Promise<{ rows: Row[]; notes: string[] }> {
  const db = await openDatabase(store);
  try {
    const [size] = await db.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    const took: number[] = [];
    const retention = new HistoryRetention({
      db: timed(db, took),
      logger: pino({ level: 'silent' }),
      retainDays: retainDaysFor(runs),
      isLeader: () => true,
      pauseMs: 0,
    });
    const t0 = performance.now();
    const deleted = await retention.runPass();
    const seconds = (performance.now() - t0) / 1000;
    const deletes = took.slice(0, backend === 'pglite' ? -5 : undefined); // PGlite's pass ends with 5 VACUUMs
    const vacuumMs = backend === 'pglite' ? took.slice(-5).reduce((a, b) => a + b, 0) : 0;
    const perMillion = (Number(size!.bytes) / 2 ** 20) * (1_000_000 / tasks);
    return {
      rows: [
        {
          scenario: SCENARIO,
          metric: 'database size per 1,000,000 tasks',
          backend,
          ours: perMillion,
          unit: 'MiB',
        },
        {
          scenario: SCENARIO,
          metric: `retention pass: tasks deleted per second (${deleted.tasks} tasks)`,
          backend,
          ours: deleted.tasks / seconds,
          unit: '/s',
        },
        {
          scenario: SCENARIO,
          metric: 'retention pass: longest delete statement',
          backend,
          ours: Math.max(...deletes),
          unit: 'ms',
          goal: { kind: 'below', value: 100 },
        },
      ],
      notes: [
        `Retention ${backend}: --retain-days ${retainDaysFor(runs).toFixed(1)} deleted ${deleted.runs} runs and ${deleted.tasks} tasks ` +
          `in ${seconds.toFixed(1)} s, ${deletes.length} statements of at most 100 rows (median ${percentile(deletes, 50).toFixed(1)} ms)` +
          (backend === 'pglite'
            ? `, then VACUUM of the history tables: ${(vacuumMs / 1000).toFixed(1)} s.`
            : '.'),
      ],
    };
  } finally {
    await db.close();
  }
}
