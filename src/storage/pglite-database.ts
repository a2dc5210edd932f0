import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, Statement } from './database.js';
import { PgliteStatements } from './pglite-statements.js';
import { keepStatistics } from './pglite-statistics.js';

/**
 * How the embedded PostgreSQL starts: PGlite's own parameters plus a small
 * buffer pool. PGlite touches all of its shared memory when it starts, so
 * `shared_buffers` is most of its resident size: PostgreSQL's default of
 * 128 MB made an idle store about 310 MB, 16 MB makes it about 165 MB.
 * 16 MB (2,048 pages) holds the rows a scheduler works on; older history
 * is read from the file system's cache when a page asks for it.
 */
export const pgliteStartParams: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
];

/**
 * {@link Database} over embedded PGlite (one connection). `dataDir`
 * undefined keeps everything in memory (tests). `template` is a data
 * directory dump (`dumpDataDir()`) a new store starts from.
 */
export async function pgliteDatabase(dataDir?: string, template?: Blob): Promise<Database> {
  return wrapPglite(await openPglite(dataDir, template));
}

/**
 * Opens PGlite with {@link pgliteStartParams}.
 *
 * @example
 * const pglite = await openPglite(); // in memory, initdb
 */
export function openPglite(dataDir?: string, template?: Blob): Promise<PGlite> {
  return PGlite.create({
    startParams: [...pgliteStartParams],
    ...(dataDir && { dataDir }),
    ...(template && { loadDataDir: template }),
  });
}

/** The port over an already open PGlite. */
export function wrapPglite(db: PGlite): Database {
  const statements = new PgliteStatements(db);
  const query: Queryable['query'] = (sql, params) => statements.query(sql, params);
  const stopStatistics = keepStatistics({ query });
  return {
    kind: 'pglite',
    preparesStatements: true,
    sharedByReplicas: false,
    autovacuums: false,
    query,
    transaction: (fn, options) =>
      statements.transaction(async (query) => {
        if (options?.first) await query(options.first.sql, options.first.params);
        return fn({ query });
      }),
    // One process, no network: nothing to save by sending the statements together.
    batch: <R>(list: readonly Statement[]) =>
      statements.transaction(async (query) => {
        let rows: R[] = [];
        for (const s of list) rows = await query<R>(s.sql, s.params);
        return rows;
      }),
    async listen(channel, onPayload) {
      const unsubscribe = await db.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async notify(channel, payload) {
      await query('select pg_notify($1, $2)', [channel, payload]);
    },
    connection: { connected: true }, // in-process: it cannot be lost
    close: () => {
      stopStatistics();
      return db.close();
    },
  };
}
