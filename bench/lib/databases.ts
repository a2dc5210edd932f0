import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** A database made for one scenario; `drop` removes it. */
export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates an empty PostgreSQL database next to `adminUrl`'s.
 *
 * @example
 * const db = await freshPostgres('postgres://postgres@127.0.0.1:5432/test', 'hop');
 * try { use(db.url); } finally { await db.drop(); }
 */
export async function freshPostgres(adminUrl: string, label: string): Promise<ScratchDatabase> {
  const name = `bench_${label}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  await admin(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      admin(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

/** The server's version string, for the machine description. */
export async function postgresVersion(adminUrl: string): Promise<string> {
  return admin(adminUrl, async (c) => {
    const { rows } = await c.query<{ v: string }>("select current_setting('server_version') as v");
    return `PostgreSQL ${rows[0]!.v}`;
  });
}
