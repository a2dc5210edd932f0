import type pg from 'pg';
import type { Database, Queryable, Statement, TransactionOptions } from '../../src/storage/database.js';

/**
 * Work a run costs, less sensitive to a busy machine than wall-clock time:
 * SQL statements sent (BEGIN and COMMIT included) and CPU time of this
 * process (which hosts the scheduler under test; with PGlite, its database too).
 */
export interface WorkCounter {
  /** Statements and CPU milliseconds since the last `reset`. */
  read(): { statements: number; cpuMs: number };
  reset(): void;
}

function counter(get: () => number): WorkCounter {
  let base = 0;
  let cpu = process.cpuUsage();
  return {
    read: () => {
      const used = process.cpuUsage(cpu);
      return { statements: get() - base, cpuMs: (used.user + used.system) / 1000 };
    },
    reset: () => {
      base = get();
      cpu = process.cpuUsage();
    },
  };
}

/**
 * Counts the statements a Sundial sends through its {@link Database}
 * (patched in place: every store calls it at call time).
 *
 * @example
 * const work = countDatabase(sundial.db);
 * work.reset(); await runChain(); console.log(work.read().statements);
 */
export function countDatabase(db: Database): WorkCounter {
  let n = 0;
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const batch = db.batch.bind(db);
  db.query = ((sql: string, params?: readonly unknown[]) => {
    n += 1;
    return query(sql, params);
  }) as Database['query'];
  db.transaction = ((fn: (tx: Queryable) => Promise<unknown>, options?: TransactionOptions) =>
    transaction((tx) => {
      n += options?.first ? 3 : 2;
      return fn({
        query: ((sql: string, params?: readonly unknown[]) => {
          n += 1;
          return tx.query(sql, params);
        }) as Queryable['query'],
      });
    }, options)) as Database['transaction'];
  // BEGIN, the statements and COMMIT, sent together on PostgreSQL.
  db.batch = ((statements: readonly Statement[]) => {
    n += statements.length + 2;
    return batch(statements);
  }) as Database['batch'];
  return counter(() => n);
}

/**
 * Counts the statements sent through a `pg` pool's clients (graphile-worker's).
 *
 * @example
 * const work = countPool(pool);
 */
export function countPool(pool: pg.Pool): WorkCounter {
  let n = 0;
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      n += 1;
      return query(...args);
    };
  });
  return counter(() => n);
}
