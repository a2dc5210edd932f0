import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { HistoryRetention } from '../../src/scheduler/history-retention.js';
import type { Database, Queryable } from '../../src/storage/database.js';
import { type Backend, startBenchSundial } from '../lib/bench-sundial.js';
import { chainDefinition } from '../lib/definitions.js';
import { percentile } from '../lib/stats.js';
import type { Row } from '../lib/table.js';
import { sundialChain } from './hop-latency.js';

const SCENARIO = '5. History scale';
/** Runs one pass deletes at most, so that it takes minutes at any scale. */
const MAX_DELETED_RUNS = 10_000;
/**
 * The seeded history is 1 run every 30 s going back: the period that keeps all but its oldest half,
 * or all but its oldest {@link MAX_DELETED_RUNS}.
 */
const retainDaysFor = (runs: number) => ((runs - Math.min(runs / 2, MAX_DELETED_RUNS)) * 30) / 86_400;

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
    transaction: (fn, options) => time(() => db.transaction((tx: Queryable) => fn(tx), options)),
    batch: (statements) => time(() => db.batch(statements)),
  };
}

/** Chains of this many noop tasks measure the hop before and during the pass. */
const CHAIN = 100;
/** Chains before the pass: the hop's figures without retention. */
const BEFORE = 3;

/**
 * The seeded store's size per million tasks, then a Sundial on it running
 * noop chains, first alone, then while one retention pass (its production
 * settings: 100 rows a statement, 50 ms apart) deletes the store's older
 * half (at most 10,000 runs): the hop p99 of both, how long the pass took, how many tasks a
 * second it deleted, and its longest statement, which is the longest the
 * scheduler could have waited for it.
 */
export async function retentionRows(
  store: { databaseUrl?: string; dataDir?: string },
  backend: Backend,
  tasks: number,
  runs: number,
  adminUrl: string,
): Promise<{ rows: Row[]; notes: string[] }> {
  const s = await startBenchSundial(backend, adminUrl, 32, { aws: false }, store);
  try {
    const db = s.sundial.db;
    const [size] = await db.query<{ bytes: string }>('select pg_database_size(current_database()) as bytes');
    await s.put(chainDefinition('retention-hop', CHAIN, 'noop'));
    const chain = async () => (await sundialChain(s, 'retention-hop', CHAIN, 'noop')).workToWork;
    await chain(); // warm-up
    const before: number[] = [];
    for (let i = 0; i < BEFORE; i++) before.push(...(await chain()));
    const took: number[] = [];
    const retention = new HistoryRetention({
      db: timed(db, took),
      logger: pino({ level: 'silent' }),
      retainDays: retainDaysFor(runs),
      isLeader: () => true,
    });
    const t0 = performance.now();
    let passing = true;
    const pass = retention.runPass().finally(() => {
      passing = false;
    });
    const during: number[] = [];
    while (passing) during.push(...(await chain()));
    const deleted = await pass;
    const seconds = (performance.now() - t0) / 1000;
    const vacuums = db.autovacuums ? 0 : 5; // the pass ends with 5 VACUUMs where nothing else runs them
    const deletes = took.slice(0, took.length - vacuums);
    const vacuumMs = took.slice(took.length - vacuums).reduce((a, b) => a + b, 0);
    const perMillion = (Number(size!.bytes) / 2 ** 20) * (1_000_000 / tasks);
    const hop = (hops: number[], q: number, when: string): Row => ({
      scenario: SCENARIO,
      metric: `noop hop ${q === 100 ? 'max' : `p${q}`} ${when} (chains of ${CHAIN}), ${tasks} tasks`,
      backend,
      ours: percentile(hops, q),
      unit: 'ms',
    });
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
        hop(before, 50, 'before the pass'),
        hop(during, 50, 'during the pass'),
        hop(before, 99, 'before the pass'),
        hop(during, 99, 'during the pass'),
        hop(during, 100, 'during the pass'),
        {
          scenario: SCENARIO,
          metric: 'noop hop p99 during the pass / before it',
          backend,
          ours: percentile(during, 99) / percentile(before, 99),
          unit: '×',
          goal: { kind: 'below', value: 1.5 },
        },
      ],
      notes: [
        `Retention ${backend}: --retain-days ${retainDaysFor(runs).toFixed(1)} deleted ${deleted.runs} runs and ${deleted.tasks} tasks ` +
          `in ${seconds.toFixed(1)} s, ${deletes.length} statements of at most 100 rows (median ${percentile(deletes, 50).toFixed(1)} ms)` +
          (vacuums ? `, then VACUUM of the history tables: ${(vacuumMs / 1000).toFixed(1)} s` : '') +
          `; ${during.length} hops ran during it, ${before.length} before.`,
      ],
    };
  } finally {
    await s.close();
  }
}
