import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../src/storage/migrations/index.js';
import { pgliteStartParams } from '../../src/storage/pglite-database.js';
import { buildPgliteTemplate } from '../../src/storage/pglite-template.js';

/** Where the migrated PGlite template lives; the name changes with the migrations and start parameters. */
export function templatePath(): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([migrations, pgliteStartParams]))
    .digest('hex')
    .slice(0, 16);
  return join(tmpdir(), `sundial-pglite-template-${hash}.tar`);
}

/**
 * Vitest global setup: initdb and migrations once per run, dumped to a file
 * every test file's PGlite starts from (initdb costs seconds per start).
 */
export default async function setup(): Promise<void> {
  const path = templatePath();
  if (existsSync(path)) return;
  const dump = await buildPgliteTemplate('none');
  const tmp = `${path}.${process.pid}`;
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  renameSync(tmp, path);
}

/** The template as a Blob, or undefined when the global setup did not run. */
export function loadTemplate(): Blob | undefined {
  const path = templatePath();
  return existsSync(path) ? new Blob([readFileSync(path)]) : undefined;
}
