import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Statement } from './database.js';
import { PgListener, type PgListenerOptions } from './pg-listener.js';

/** Distinct statement texts kept prepared; the code's are a few dozen, so this only guards against a leak. */
const MAX_PREPARED = 1000;

// timestamptz and bigint come back as strings from pg; parse them the way PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface PgDatabaseOptions {
  poolSize?: number;
  /** The LISTEN connection's heartbeat, backoff and state reports (see PgListener). */
  listener?: PgListenerOptions;
}

/**
 * {@link Database} over a `pg` pool; LISTEN uses one dedicated connection that
 * reconnects by itself. A connection that dies (a terminated backend, a
 * database restart) fails the statement it carried, if any, and nothing else:
 * the pool opens a new one for the next statement.
 */
export function pgDatabase(connectionString: string, options: PgDatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    keepAlive: true,
    // A client sends each statement at once, without waiting for the answer to the one before:
    // a batch (BEGIN, the lease fence, the write, COMMIT) costs one round trip, not four.
    pipeline: true,
    // An unreachable server fails a statement after this long instead of queueing it forever.
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {}); // an idle client died: the pool drops it; the next statement opens another
  const listener = new PgListener({ connectionString }, options.listener);

  // Parameterised statements are prepared once per connection and then only bound and run: the
  // engine's hot statements (unnest joins) cost about as much to plan as to execute.
  const names = new Map<string, string>();
  const nameOf = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (!name && names.size < MAX_PREPARED) {
      name = `sundial_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
      names.set(sql, name);
    }
    return name;
  };
  const run = async <R>(q: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]) => {
    const name = params?.length ? nameOf(sql) : undefined;
    const values = params as unknown[] | undefined;
    const result = await (name
      ? q.query({ name, text: sql, ...(values && { values }) })
      : q.query(sql, values));
    return result.rows as R[];
  };

  // Checked-out clients have no error listener of the pool's: without one, a backend terminated
  // while a client is out would be an unhandled 'error' event (its statements fail anyway).
  const withClient = async <T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    let broken: Error | undefined;
    const onError = (err: Error) => {
      broken = err;
    };
    // Attached in the pool's callback, not after an `await`: the termination of a backend that
    // just connected can arrive in the same packet as its ready-for-query, before any await resumes.
    const client = await new Promise<pg.PoolClient>((resolve, reject) =>
      pool.connect((err, c) => {
        if (err || !c) return reject(err);
        c.on('error', onError);
        resolve(c);
      }),
    );
    try {
      return await fn(client);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };

  return {
    kind: 'postgres',
    preparesStatements: true,
    sharedByReplicas: true,
    autovacuums: true,
    query: (sql, params) => run(pool, sql, params),
    transaction: (fn, options) =>
      withClient(async (client) => {
        try {
          const first = options?.first;
          if (first) await settled([client.query('begin'), run(client, first.sql, first.params)]);
          else await client.query('begin');
          const result = await fn({ query: (sql, params) => run(client, sql, params) });
          await client.query('commit');
          return result;
        } catch (e) {
          await client.query('rollback').catch(() => {});
          throw e;
        }
      }),
    batch: async <R>(statements: readonly Statement[]) => {
      // Serialised before anything is sent: `pg` serialises as it sends, so a parameter it cannot
      // serialise (a circular object) would fail its statement alone, and COMMIT, already on its
      // way, would commit the ones before it.
      const ready = statements.map((s) => ({ sql: s.sql, params: s.params?.map(toDriverValue) }));
      return withClient(async (client) => {
        // An error inside the block turns the closing COMMIT into a rollback, so the client goes
        // back to the pool with no transaction open whatever failed.
        const results = await settled([
          client.query('begin'),
          ...ready.map((s) => run<R>(client, s.sql, s.params)),
          client.query('commit'),
        ]);
        return results[statements.length] as R[];
      });
    },
    listen: (channel, onPayload, opts) => listener.listen(channel, onPayload, opts),
    get connection() {
      return listener.state;
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}

/** `pg`'s own conversion of a parameter (idempotent: a converted value converts to itself). */
const toDriverValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils
  .prepareValue;

/**
 * Waits for statements sent together on one client and fails with the first one's error: the
 * statements behind a failed one fail too (the transaction is aborted), and say less.
 */
async function settled(sent: readonly Promise<unknown>[]): Promise<unknown[]> {
  const outcomes = await Promise.allSettled(sent);
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed) throw failed.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<unknown>).value);
}
