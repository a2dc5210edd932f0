import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { pgDatabase } from './pg-database.js';
import type { PgListenerOptions } from './pg-listener.js';
import { pgliteDatabase } from './pglite-database.js';

export interface DatabaseOptions {
  /** PostgreSQL URL; wins over `dataDir`. */
  databaseUrl?: string;
  /** PGlite directory; `memory://` keeps it in memory. */
  dataDir?: string;
  /**
   * A PGlite data directory dump (`dumpDataDir()`) to start from instead of
   * running initdb: seconds faster, which matters for test suites.
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
  if (options.databaseUrl) {
    db = pgDatabase(options.databaseUrl, { ...(options.listener && { listener: options.listener }) });
  } else {
    const dir = options.dataDir ?? '.sundial/data';
    const inMemory = dir.startsWith('memory://');
    if (!inMemory) mkdirSync(dir, { recursive: true });
    // A template only seeds a new database; an existing one is opened as it is.
    const template = inMemory || !existsSync(join(dir, 'PG_VERSION')) ? options.pgliteTemplate : undefined;
    db = await pgliteDatabase(inMemory ? undefined : dir, template);
  }
  await migrate(db);
  return db;
}
