import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/storage/database.js';
import { openDatabase } from '../../../src/storage/open-database.js';
import { freshDatabase } from '../../helpers/test-database.js';

// A fenced write is a batch (BEGIN, the fence, the write, COMMIT sent together): all of it or nothing.
describe('statements sent as one batch', () => {
  let fresh: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Database;
  const count = async () => (await db.query<{ n: number }>('select count(*)::int as n from batch_t'))[0]?.n;

  beforeAll(async () => {
    fresh = await freshDatabase();
    db = await openDatabase(fresh.options);
    await db.query('create table batch_t (n int primary key)');
  });
  afterAll(async () => {
    await db?.close();
    await fresh?.drop();
  });

  it('runs in order in one transaction and answers with the last statement’s rows', async () => {
    const rows = await db.batch<{ n: number }>([
      { sql: 'insert into batch_t values ($1)', params: [1] },
      { sql: 'insert into batch_t values ($1) returning n', params: [2] },
    ]);
    expect(rows).toEqual([{ n: 2 }]);
    expect(await count()).toBe(2);
  });

  it('lands nothing when a statement fails in the database, and leaves no transaction open', async () => {
    const failing = db.batch([
      { sql: 'insert into batch_t values ($1)', params: [3] },
      { sql: 'insert into batch_t values ($1)', params: [1] }, // duplicate key
      { sql: 'insert into batch_t values ($1)', params: [4] },
    ]);
    await expect(failing).rejects.toMatchObject({ code: '23505' });
    expect(await count()).toBe(2);
    await db.query('insert into batch_t values (5)'); // the connection took no transaction back to the pool
    expect(await count()).toBe(3);
  });

  it('lands nothing when a parameter cannot be sent', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    const failing = db.batch([
      { sql: 'insert into batch_t values ($1)', params: [6] },
      { sql: 'select $1::jsonb as j', params: [circular] },
    ]);
    await expect(failing).rejects.toThrow(/circular/i);
    expect(await count()).toBe(3);
  });
});
