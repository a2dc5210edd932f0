import { describe, expect, it } from 'vitest';
import { SharedReads } from '../../../src/logs/shared-reads.js';
import type { Queryable } from '../../../src/storage/database.js';

/** A database that answers after a tick and counts the questions. */
function countingDb(): Queryable & { calls: number } {
  const db = {
    calls: 0,
    async query<R>(): Promise<R[]> {
      db.calls += 1;
      await new Promise((r) => setTimeout(r, 5));
      return [];
    },
  };
  return db;
}

const target = { kind: 'task', id: 't1' } as const;

describe('SharedReads', () => {
  it('answers readers woken by the same news with one query', async () => {
    const db = countingDb();
    const reads = new SharedReads(db);
    const news = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 50 }, () => reads.page(target, 10, 500, news)));
    expect(db.calls).toBe(1);
  });

  it('never hands a reader a query that started before its news', async () => {
    const db = countingDb();
    const reads = new SharedReads(db);
    const first = reads.page(target, 10, 500, process.hrtime.bigint());
    const later = reads.page(target, 10, 500, process.hrtime.bigint()); // news after the first query began
    await Promise.all([first, later]);
    expect(db.calls).toBe(2);
  });

  it('does not mix different cursors or targets', async () => {
    const db = countingDb();
    const reads = new SharedReads(db);
    const news = process.hrtime.bigint();
    await Promise.all([
      reads.page(target, 10, 500, news),
      reads.page(target, 11, 500, news),
      reads.page({ kind: 'process', id: 'p1' }, 10, 500, news),
    ]);
    expect(db.calls).toBe(3);
  });
});
