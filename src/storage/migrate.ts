import type { Database } from './database.js';
import { migrations } from './migrations/index.js';
import { LOCK_KEYS } from './sql.js';

/**
 * Applies numbered migrations in order, once, even when several replicas
 * start together (they serialise on an advisory lock).
 */
export async function migrate(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEYS.migrations]);
    await tx.query(
      'create table if not exists sundial_migrations (id int primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await tx.query<{ id: number }>('select id from sundial_migrations')).map((r) => r.id),
    );
    for (const m of migrations) {
      if (done.has(m.id)) continue;
      for (const sql of m.statements) await tx.query(sql);
      await tx.query('insert into sundial_migrations (id) values ($1)', [m.id]);
    }
  });
}
