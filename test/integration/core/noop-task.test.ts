import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependsOn, Harness, latestTasks, shellTask, waitFor } from '../../helpers/harness.js';

describe('noop_command', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(async () => h?.close());

  it('succeeds at once and works as a join point between shell tasks', async () => {
    const noop = (name: string, deps: string[]) => ({
      ...shellTask(name, 'unused', { dependencies: dependsOn(...deps) }),
      executable: { noop_command: {} },
    });
    await h.put({
      process_definition_name: 'join',
      task_definitions: [
        shellTask('a', 'echo a'),
        shellTask('b', 'echo b'),
        noop('both', ['a', 'b']),
        shellTask('after', 'echo after', { dependencies: dependsOn('both') }),
      ],
    });
    const run = await h.triggerAndWait('join');
    expect(run.status).toBe('succeeded');
    const t = latestTasks(run);
    expect(t.get('both')).toMatchObject({ status: 'succeeded', executable: { noop_command: {} } });
    expect(Date.parse(t.get('both')!.start_time)).toBeGreaterThanOrEqual(Date.parse(t.get('a')!.end_time!));
    expect(t.get('after')!.status).toBe('succeeded');
  });

  it('rejects a noop_command with fields', async () => {
    const res = await h.request('PUT', '/api/process_definitions/bad-noop', {
      process_definition_name: 'bad-noop',
      task_definitions: [{ ...shellTask('x', 'unused'), executable: { noop_command: { script: 'echo' } } }],
    });
    expect(res.status).toBe(400);
  });

  it('records a fan-out of tasks ending together in a few writes, with every log complete', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `n${i}`);
    await h.put({
      process_definition_name: 'fan-out',
      task_definitions: names.map((n) => ({
        ...shellTask(n, 'unused'),
        executable: { noop_command: {} },
      })),
    });
    const db = h.sundial.db;
    const { result: run, statements } = await recordingStatements(h, () => h.triggerAndWait('fan-out'));
    expect(run.status).toBe('succeeded');
    expect(run.task.filter((t) => t.status === 'succeeded')).toHaveLength(300);
    const closed = await waitFor(async () => {
      const [row] = await db.query<{ n: number }>(
        `select count(*)::int as n from task_log_usage u join tasks t on t.id = u.task_id
         where t.process_id = $1 and u.closed_at is not null`,
        [run.process_id],
      );
      return row!.n === 300 ? row!.n : undefined;
    });
    expect(closed).toBe(300);
    const [lines] = await db.query<{ n: number }>(
      `select count(*)::int as n from task_log_entries e join tasks t on t.id = e.task_id
       where t.process_id = $1 and e.message in ('task started (attempt 1) on noop', 'task succeeded')`,
      [run.process_id],
    );
    expect(lines!.n).toBe(600);
    // One write per batch of results, not one per task (group commit).
    const resultWrites = statements.filter((s) => s.includes('update tasks t set')).length;
    expect(resultWrites).toBeGreaterThan(0);
    expect(resultWrites).toBeLessThan(10);
    expect(statements.filter((s) => s.includes('insert into task_log_entries')).length).toBeLessThan(20);
  });

  it('records each task of a chain in the same write that ends the one before it', async () => {
    const names = Array.from({ length: 30 }, (_, i) => `c${i}`);
    await h.put({
      process_definition_name: 'chain',
      task_definitions: names.map((n, i) => ({
        ...shellTask(n, 'unused', { dependencies: i === 0 ? [] : dependsOn(names[i - 1]!) }),
        executable: { noop_command: {} },
      })),
    });
    const { result: run, statements } = await recordingStatements(h, () => h.triggerAndWait('chain'));
    expect(run.status).toBe('succeeded');
    const t = latestTasks(run);
    for (let i = 1; i < names.length; i++)
      expect(Date.parse(t.get(names[i]!)!.start_time)).toBeGreaterThanOrEqual(
        Date.parse(t.get(names[i - 1]!)!.end_time!),
      );
    // Only the first task is recorded on its own, every other one with its upstream's result.
    const inserts = statements.filter((s) => s.trimStart().startsWith('insert into tasks'));
    expect(inserts).toHaveLength(1);
  });
});

/** Runs `fn`; returns its result and every statement Sundial sent meanwhile (in transactions too). */
async function recordingStatements<T>(
  h: Harness,
  fn: () => Promise<T>,
): Promise<{ result: T; statements: string[] }> {
  const db = h.sundial.db;
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const batch = db.batch.bind(db);
  const statements: string[] = [];
  db.query = (sql, params) => {
    statements.push(sql);
    return query(sql, params);
  };
  // The leader's writes reach the database as batches or transactions (see fencedDatabase).
  db.transaction = (work, options) =>
    transaction(
      (tx) =>
        work({
          query: (sql, params) => {
            statements.push(sql);
            return tx.query(sql, params);
          },
        }),
      options,
    );
  db.batch = (list) => {
    statements.push(...list.map((s) => s.sql));
    return batch(list);
  };
  try {
    return { result: await fn(), statements };
  } finally {
    db.query = query;
    db.transaction = transaction;
    db.batch = batch;
  }
}
