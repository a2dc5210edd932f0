import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable } from './database.js';

/**
 * {@link Database} over embedded PGlite (one connection). `dataDir`
 * undefined keeps everything in memory (tests).
 */
export async function pgliteDatabase(dataDir?: string, template?: Blob): Promise<Database> {
  return wrapPglite(
    await PGlite.create({ ...(dataDir && { dataDir }), ...(template && { loadDataDir: template }) }),
  );
}

/** The port over an already open PGlite. */
export function wrapPglite(db: PGlite): Database {
  const run = async <R>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]) =>
    (await q.query<R>(sql, params as unknown[])).rows;
  return {
    kind: 'pglite',
    preparesStatements: false,
    sharedByReplicas: false,
    query: (sql, params) => run(db, sql, params),
    transaction: (fn) =>
      db.transaction((tx) => fn({ query: (sql, params) => run(tx, sql, params) } as Queryable)),
    async listen(channel, onPayload) {
      const unsubscribe = await db.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await db.query('select pg_notify($1, $2)', [channel, payload]);
    },
    connection: { connected: true }, // in-process: it cannot be lost
    close: () => db.close(),
  };
}
