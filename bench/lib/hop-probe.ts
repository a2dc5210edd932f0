import { performance } from 'node:perf_hooks';
import type { Executor, ExecutorHost, TaskRun } from '../../src/executors/executor.js';
import type { Database, Queryable, Statement, TransactionOptions } from '../../src/storage/database.js';

/** When the engine handed a task to its executor, and when the executor said it ended. */
export interface ProbeMark {
  processId: string;
  name: string;
  startedAt: number;
  finishedAt?: number;
}

/**
 * Times tasks at the executor boundary with a monotonic clock: `start` is
 * the dispatch of a task, `finished` the moment its job ended. The gap
 * between a task's `finished` and its dependent's `start` is the engine's
 * hop, everything the scheduler does in between included (recording the
 * result, re-evaluating the DAG, recording the next task).
 *
 * @example
 * const probe = new HopProbe();
 * startSundial({ executors: (host) => [probe.wrap(host, (h) => new NoopExecutor(h))] });
 */
export class HopProbe {
  readonly marks = new Map<string, ProbeMark>();
  /** When the write that ended each task returned (monotonic clock), by task id. */
  readonly recorded = new Map<string, number>();

  /**
   * Notes when each task's result write returns, like graphile-worker's
   * `job:complete` (after its write): a statement that returns ended task rows
   * (`status` final, `ended_at` set) recorded those tasks. A leader's writes
   * on PostgreSQL run in a transaction that checks its lease first (fencing,
   * a batch or a transaction): there the tasks count as recorded when that
   * transaction has committed.
   */
  watchResults(db: Database): void {
    const endedIds = (rows: unknown[]) =>
      (rows as { id?: unknown; ended_at?: unknown; kind?: unknown }[])
        .filter((r) => typeof r.id === 'string' && r.ended_at instanceof Date && r.kind !== 'started')
        .map((r) => r.id as string);
    const mark = (ids: readonly string[]) => {
      const now = performance.now();
      for (const id of ids) this.recorded.set(id, now);
    };
    const query = db.query.bind(db);
    db.query = (async (sql: string, params?: readonly unknown[]) => {
      const rows = await query(sql, params);
      mark(endedIds(rows));
      return rows;
    }) as Database['query'];
    const transaction = db.transaction.bind(db);
    // The options carry the lease fence: they must reach the database.
    db.transaction = (async (fn: (tx: Queryable) => Promise<unknown>, options?: TransactionOptions) => {
      const ended: string[] = [];
      const result = await transaction(
        (tx) =>
          fn({
            query: (async (sql: string, params?: readonly unknown[]) => {
              const rows = await tx.query(sql, params);
              ended.push(...endedIds(rows));
              return rows;
            }) as Queryable['query'],
          }),
        options,
      );
      mark(ended);
      return result;
    }) as Database['transaction'];
    // A fenced write is a batch (BEGIN, the fence, the write, COMMIT); it has committed when it returns.
    const batch = db.batch.bind(db);
    db.batch = (async (statements: readonly Statement[]) => {
      const rows = await batch(statements);
      mark(endedIds(rows));
      return rows;
    }) as Database['batch'];
  }

  /** Builds an executor whose host calls and starts are timed; it replaces the default of its kind. */
  wrap(host: ExecutorHost, make: (host: ExecutorHost) => Executor): Executor {
    const finished: ExecutorHost['finished'] = (taskId, result) => {
      const mark = this.marks.get(taskId);
      if (mark) mark.finishedAt = performance.now();
      host.finished(taskId, result);
    };
    const inner = make(forward(host, { finished }));
    const start = (run: TaskRun) => {
      this.marks.set(run.taskId, {
        processId: run.processId,
        name: run.taskDefinitionName,
        startedAt: performance.now(),
      });
      return inner.start(run);
    };
    return forward(inner, { start });
  }

  /** The marks of one process, keyed by task definition name (first attempt). */
  ofProcess(processId: string): Map<string, ProbeMark> {
    const out = new Map<string, ProbeMark>();
    for (const m of this.marks.values())
      if (m.processId === processId && !out.has(m.name)) out.set(m.name, m);
    return out;
  }
}

/** `target` with some methods replaced and every other member forwarded (methods bound to `target`). */
function forward<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in overrides) return overrides[prop as keyof T];
      const value = Reflect.get(t, prop);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
