import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Database, Queryable } from './database.js';

/** Distinct statement texts kept prepared; the code's are a few dozen, so this only guards against a leak. */
const MAX_PREPARED = 1000;

// timestamptz and bigint come back as strings from pg; parse them the way PGlite does.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** {@link Database} over a `pg` pool; LISTEN uses one dedicated client. */
export function pgDatabase(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize });
  pool.on('error', () => {}); // an idle client dropping is retried on next use
  let listener: pg.PoolClient | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

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

  return {
    kind: 'postgres',
    preparesStatements: true,
    sharedByReplicas: true,
    query: (sql, params) => run(pool, sql, params),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const tx: Queryable = { query: (sql, params) => run(client, sql, params) };
        const result = await fn(tx);
        await client.query('commit');
        return result;
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      if (!listener) {
        listener = await pool.connect();
        listener.on('notification', (n) => {
          for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? '');
        });
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`listen ${pg.escapeIdentifier(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set.delete(onPayload);
      };
    },
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload]);
    },
    async close() {
      listener?.release();
      listener = undefined;
      await pool.end();
    },
  };
}
