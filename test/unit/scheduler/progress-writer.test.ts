import { describe, expect, it } from 'vitest';
import { ProgressWriter } from '../../../src/scheduler/progress-writer.js';
import type { Queryable } from '../../../src/storage/database.js';

/** A database that records each statement's parameters and holds it until `release`. */
function heldDatabase() {
  const statements: unknown[][] = [];
  const releases: ((err?: Error) => void)[] = [];
  const db: Queryable = {
    query: async <R>(_sql: string, params?: readonly unknown[]) => {
      statements.push([...(params ?? [])]);
      await new Promise<void>((resolve, reject) => releases.push((err) => (err ? reject(err) : resolve())));
      return [] as R[];
    },
  };
  const release = async (err?: Error) => {
    while (releases.length === 0) await Promise.resolve();
    releases.shift()!(err);
  };
  return { db, statements, release };
}

describe('progress records', () => {
  it('go out together while one statement is in flight, each caller settled by its own statement', async () => {
    const { db, statements, release } = heldDatabase();
    const writer = new ProgressWriter(db);
    const first = writer.write('a', 'running', { pid: 1 });
    await release();
    await first;
    const second = writer.write('b', 'running', { pid: 2 });
    const third = writer.write('c', 'running', { pid: 3 });
    await release();
    await Promise.all([second, third]);
    expect(statements).toEqual([
      [['a'], ['running'], ['{"pid":1}']],
      [
        ['b', 'c'],
        ['running', 'running'],
        ['{"pid":2}', '{"pid":3}'],
      ],
    ]);
  });

  it('merges two records of one task in a statement as if applied in turn', async () => {
    const { db, statements, release } = heldDatabase();
    const writer = new ProgressWriter(db);
    const both = [
      writer.write('a', 'submitted', { region: 'r', job: 'x' }),
      writer.write('a', 'pending', { job: 'y' }),
    ];
    await release();
    await Promise.all(both);
    expect(statements).toEqual([[['a'], ['pending'], ['{"region":"r","job":"y"}']]]);
  });

  it('fails every record of a refused statement, and writes the next ones', async () => {
    const { db, release } = heldDatabase();
    const writer = new ProgressWriter(db);
    const refused = [writer.write('a', 'running'), writer.write('b', 'running')];
    await release(new Error('write refused'));
    for (const r of refused) await expect(r).rejects.toThrow('write refused');
    const next = writer.write('c', 'running');
    await release();
    await expect(next).resolves.toBeUndefined();
  });
});
