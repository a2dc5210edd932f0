import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/open-database.js';
import { keepStatistics } from '../../../src/storage/pglite-statistics.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

// PostgreSQL has autovacuum for this; PGlite has none.
describe.skipIf(backend !== 'pglite')('statistics of the embedded store', () => {
  it('analyzes the tables so the planner knows their size, and stops when told', async () => {
    const fresh = await freshDatabase();
    const db = await openDatabase(fresh.options);
    try {
      await db.query(
        `insert into processes (id, definition_name, status, started_at, task_definitions, started_by)
         select gen_random_uuid(), 'd' || g, 'succeeded', now(), '[]', 'trigger' from generate_series(1, 3000) g`,
      );
      const estimate = async () =>
        (
          await db.query<{ n: number }>(
            "select reltuples::int as n from pg_class where relname = 'processes'",
          )
        )[0]!.n;
      expect(await estimate()).toBeLessThan(3000); // as the template left it
      const stop = keepStatistics(db, 10);
      while ((await estimate()) < 3000) await new Promise((r) => setTimeout(r, 10));
      stop();
      expect(await estimate()).toBe(3000);
    } finally {
      await db.close();
      await fresh.drop();
    }
  });
});
