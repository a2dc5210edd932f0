import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate } from './migrate.js';
import { openPglite, wrapPglite } from './pglite-database.js';

/**
 * The migrated embedded store `npm run build` puts in the package
 * (`dist/pglite-template.tar.gz`; this module is `dist/src/storage/…`). A new
 * store starts from it instead of running initdb, which takes seconds and runs
 * in a PGlite of its own that leaves the process about 600 MB larger.
 * Migrations newer than the template apply on top, as on any existing store.
 */
export const packagedTemplatePath = fileURLToPath(new URL('../../pglite-template.tar.gz', import.meta.url));

/**
 * initdb and every migration, dumped as a tar (gzipped unless told `none`:
 * the package's is compressed, the test suite's is loaded faster as it is).
 *
 * @example
 * writeFileSync(packagedTemplatePath, Buffer.from(await (await buildPgliteTemplate()).arrayBuffer()));
 */
export async function buildPgliteTemplate(compression: 'gzip' | 'none' = 'gzip'): Promise<Blob> {
  const pglite = await openPglite();
  try {
    await migrate(wrapPglite(pglite));
    return await pglite.dumpDataDir(compression);
  } finally {
    await pglite.close();
  }
}

/** The packaged template, for a store kept in memory; undefined when running from source. */
export function packagedTemplate(): Blob | undefined {
  return existsSync(packagedTemplatePath) ? new Blob([readFileSync(packagedTemplatePath)]) : undefined;
}

/**
 * Unpacks a template (by default the packaged one) into a data directory that
 * holds no store; false when there is no such file (running from source).
 *
 * Unpacked with node-tar rather than PGlite's `loadDataDir`, which writes
 * each file through its WebAssembly file system (seconds instead of a few
 * hundred milliseconds). `PG_VERSION`, which tells PGlite a store exists, is
 * written last and atomically (each database directory holds a copy), so a
 * crash while unpacking leaves a directory the next start unpacks again.
 */
export async function seedFromTemplate(dir: string, file = packagedTemplatePath): Promise<boolean> {
  if (!existsSync(file)) return false;
  const tar = await import('tar'); // only a new store needs it
  mkdirSync(dir, { recursive: true });
  await tar.x({
    file,
    cwd: dir,
    filter: (path) => path.replace(/^\/+/, '') !== 'PG_VERSION',
  });
  const partial = join(dir, 'PG_VERSION.partial');
  writeFileSync(partial, readFileSync(join(dir, 'base', '1', 'PG_VERSION')));
  renameSync(partial, join(dir, 'PG_VERSION'));
  return true;
}
