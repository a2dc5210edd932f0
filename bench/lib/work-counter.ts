import type pg from 'pg';
import type { Database, Queryable, Statement, TransactionOptions } from '../../src/storage/database.js';

/**
 * Work a run costs, less sensitive to a busy machine than wall-clock time:
 * SQL statements sent (BEGIN and COMMIT included), the round trips they took
 * (statements sent together wait for one answer), and CPU time of this
 * process (which hosts the scheduler under test; with PGlite, its database too).
 *
 * @example
 * work.reset(); await runChain(); const { statements, roundTrips } = work.read();
 */
export interface WorkCounter {
  /** Statements, round trips and CPU milliseconds since the last `reset`. */
  read(): { statements: number; roundTrips: number; cpuMs: number };
  reset(): void;
}

/** Running totals of a side's statements and round trips. */
interface Sent {
  statements: number;
  roundTrips: number;
}

function counter(sent: Sent): WorkCounter {
  let base: Sent = { ...sent };
  let cpu = process.cpuUsage();
  return {
    read: () => {
      const used = process.cpuUsage(cpu);
      return {
        statements: sent.statements - base.statements,
        roundTrips: sent.roundTrips - base.roundTrips,
        cpuMs: (used.user + used.system) / 1000,
      };
    },
    reset: () => {
      base = { ...sent };
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
  const sent: Sent = { statements: 0, roundTrips: 0 };
  const add = (statements: number, roundTrips: number) => {
    sent.statements += statements;
    sent.roundTrips += roundTrips;
  };
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const batch = db.batch.bind(db);
  db.query = ((sql: string, params?: readonly unknown[]) => {
    add(1, 1);
    return query(sql, params);
  }) as Database['query'];
  db.transaction = ((fn: (tx: Queryable) => Promise<unknown>, options?: TransactionOptions) =>
    transaction((tx) => {
      add(options?.first ? 3 : 2, 2); // BEGIN (with `first`, sent together) and COMMIT
      return fn({
        query: ((sql: string, params?: readonly unknown[]) => {
          add(1, 1);
          return tx.query(sql, params);
        }) as Queryable['query'],
      });
    }, options)) as Database['transaction'];
  // BEGIN, the statements and COMMIT, sent together on PostgreSQL.
  db.batch = ((statements: readonly Statement[]) => {
    add(statements.length + 2, 1);
    return batch(statements);
  }) as Database['batch'];
  return counter(sent);
}

/**
 * Counts the statements sent through a `pg` pool's clients (graphile-worker's);
 * its clients wait for each answer, so every statement is a round trip.
 *
 * @example
 * const work = countPool(pool);
 */
export function countPool(pool: pg.Pool): WorkCounter {
  const sent: Sent = { statements: 0, roundTrips: 0 };
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      sent.statements += 1;
      sent.roundTrips += 1;
      return query(...args);
    };
  });
  return counter(sent);
}
