import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadTemplate } from './pglite-template.js';

/** Which backend this test run uses (set per Vitest project). */
export const backend = (process.env.SUNDIAL_TEST_BACKEND ?? 'pglite') as 'pglite' | 'postgres';

const adminUrl = process.env.SUNDIAL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh, empty database for one test file: in-memory PGlite, or a new
 * PostgreSQL database dropped afterwards.
 */
export async function freshDatabase(): Promise<{
  options: { databaseUrl?: string; dataDir?: string; pgliteTemplate?: Blob };
  drop(): Promise<void>;
}> {
  if (backend === 'pglite') {
    const template = loadTemplate();
    return {
      options: { dataDir: 'memory://', ...(template && { pgliteTemplate: template }) },
      drop: async () => {},
    };
  }
  const name = `sundial_test_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    options: { databaseUrl: url.toString() },
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
