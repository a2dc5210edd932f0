import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/storage/open-database.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';

// The embedded store's own statement path (prepared statements, one message per call); PostgreSQL uses pg's.
describe.skipIf(backend !== 'pglite')('statements on the embedded store', () => {
  it('keeps query semantics: types, errors, transactions and notifications', async () => {
    const fresh = await freshDatabase();
    const db = await openDatabase(fresh.options);
    try {
      await db.query('create table t (id uuid primary key, n int not null, doc jsonb, at timestamptz)');
      const insert =
        'insert into t select * from unnest($1::uuid[], $2::int[], $3::jsonb[], $4::timestamptz[]) returning *';
      const at = new Date('2026-12-01T06:00:00.123Z');
      const ids = [crypto.randomUUID(), crypto.randomUUID()];
      // The same statement twice (prepared the first time, only run the second), with every kind of parameter.
      for (const [i, id] of ids.entries()) {
        const [row] = await db.query(insert, [[id], [i], [JSON.stringify({ i })], [at]]);
        expect(row).toEqual({ id, n: i, doc: { i }, at });
      }
      // An error is the database's, and the statement that failed works again afterwards.
      await expect(db.query(insert, [[ids[0]], [9], [null], [null]])).rejects.toMatchObject({
        code: '23505',
      });
      expect(await db.query(insert, [[crypto.randomUUID()], [2], [null], [null]])).toHaveLength(1);
      // A statement sent while a transaction is open waits for its end instead of joining it.
      let outside: Promise<unknown> | undefined;
      const failing = db.transaction(async (tx) => {
        await tx.query('insert into t (id, n) values ($1, 10)', [crypto.randomUUID()]);
        outside = db.query('insert into t (id, n) values ($1, 11)', [crypto.randomUUID()]);
        await sleep(50);
        throw new Error('rolled back');
      });
      await expect(failing).rejects.toThrow('rolled back');
      await outside;
      expect(await db.query('select n from t where n >= 10')).toEqual([{ n: 11 }]);
      // Notifications sent through it still reach listeners.
      const heard: string[] = [];
      await db.listen('ch', (payload) => heard.push(payload));
      await db.notify('ch', 'hello');
      await sleep(10);
      expect(heard).toEqual(['hello']);
    } finally {
      await db.close();
      await fresh.drop();
    }
  });
});
