import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import type { PgListenerOptions } from './pg-listener.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; wins over `dataDir`. */
  databaseUrl?: string;
  /** PGlite directory; `memory://` keeps it in memory. */
  dataDir?: string;
  /**
   * A PGlite data directory dump (`dumpDataDir()`) a new store starts from;
   * without it a new store starts from the package's migrated template, or
   * from initdb when running from source.
   */
  pgliteTemplate?: Blob;
  /** PostgreSQL only: the LISTEN connection's heartbeat, reconnect backoff and state reports. */
  listener?: PgListenerOptions;
}

/**
 * Opens PostgreSQL when a URL is given, else embedded PGlite, and applies
 * pending migrations.
 *
 * @example
 * const db = await openDatabase({ dataDir: '.sundial/data' });
 */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let db: Database;
  // Each backend's driver is imported only when used: `pg` is not loaded for PGlite, nor PGlite for PostgreSQL.
  if (options.databaseUrl) {
    const { pgDatabase } = await import('./pg-database.js');
    db = pgDatabase(options.databaseUrl, { ...(options.listener && { listener: options.listener }) });
  } else {
    const [{ pgliteDatabase }, { packagedTemplate, seedFromTemplate }] = await Promise.all([
      import('./pglite-database.js'),
      import('./pglite-template.js'),
    ]);
    const dir = options.dataDir ?? '.sundial/data';
    const inMemory = dir.startsWith('memory://');
    let template = options.pgliteTemplate;
    let release: (() => void) | undefined;
    if (inMemory) {
      template ??= packagedTemplate();
    } else {
      mkdirSync(dir, { recursive: true });
      release = lockDataDir(dir); // before anything is written into the directory
      // A template only seeds a new store; an existing one is opened as it is.
      if (existsSync(join(dir, 'PG_VERSION'))) template = undefined;
      else if (!template) await seedFromTemplate(dir);
    }
    let pglite: Database;
    try {
      pglite = await pgliteDatabase(inMemory ? undefined : dir, template);
    } catch (e) {
      release?.();
      throw e;
    }
    db = release ? { ...pglite, close: () => pglite.close().finally(release) } : pglite;
  }
  await migrate(db);
  return db;
}
