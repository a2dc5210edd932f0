import type { Queryable } from '../storage/database.js';

/** How much of a task's log is stored and how much was dropped by the cap. */
export interface LogUsage {
  lines: number;
  bytes: number;
  dropped_lines: number;
  dropped_bytes: number;
  closed_at: Date | null;
}

/**
 * Serialises the log writes of one process for the rest of the transaction.
 * `seq` is taken at insert but becomes visible at commit: two tasks of a
 * process writing at once could commit out of order, and a process stream
 * reading "after cursor N" would skip the later-committed lower seq. One
 * writer per process at a time keeps a process's seq order its commit order.
 * Always taken before the usage row lock (same order everywhere: no deadlock).
 */
export const PROCESS_LOG_LOCK = `select pg_advisory_xact_lock(7270, hashtext(process_id::text)) from tasks where id = $1`;

/** Locks (creating if needed) the usage row of a task for the rest of the transaction. */
export async function lockUsage(tx: Queryable, taskId: string): Promise<LogUsage> {
  await tx.query(PROCESS_LOG_LOCK, [taskId]);
  await tx.query('insert into task_log_usage (task_id) values ($1) on conflict (task_id) do nothing', [
    taskId,
  ]);
  const [row] = await tx.query<LogUsage>(
    'select lines, bytes, dropped_lines, dropped_bytes, closed_at from task_log_usage where task_id = $1 for update',
    [taskId],
  );
  return row!;
}

export async function saveUsage(tx: Queryable, taskId: string, u: LogUsage): Promise<void> {
  await tx.query(
    `update task_log_usage set lines = $2, bytes = $3, dropped_lines = $4, dropped_bytes = $5, closed_at = $6
     where task_id = $1`,
    [taskId, u.lines, u.bytes, u.dropped_lines, u.dropped_bytes, u.closed_at],
  );
}

/** A tailer's stored read position; `version` guards against two tailers of one stream. */
export interface CursorRow {
  task_id: string;
  ref_key: string;
  ref: unknown;
  cursor: unknown;
  version: number;
  done: boolean;
}

/** A cursor with what a tailer needs to know of its task. */
export interface OpenedCursor extends CursorRow {
  process_id: string;
  started_at: Date;
  /** The task has ended (its remote log is only drained now). */
  task_ended: boolean;
}

/** Registers a followed stream (idempotent) and returns where reading resumes. */
export async function openCursor(
  db: Queryable,
  taskId: string,
  refKey: string,
  ref: unknown,
): Promise<OpenedCursor> {
  await db.query(
    `insert into task_log_cursors (task_id, ref_key, ref) values ($1, $2, $3)
     on conflict (task_id, ref_key) do nothing`,
    [taskId, refKey, JSON.stringify(ref)],
  );
  const [row] = await db.query<OpenedCursor>(
    `select c.*, t.process_id, t.started_at, t.status in ('succeeded', 'failed') as task_ended
     from task_log_cursors c join tasks t on t.id = c.task_id
     where c.task_id = $1 and c.ref_key = $2`,
    [taskId, refKey],
  );
  return row!;
}

/** Thrown when a cursor moved since it was read: another tailer stored that page; this one rolls back. */
export class CursorConflict extends Error {
  constructor(refKey: string) {
    super(`the read position of ${refKey} moved under this tailer`);
  }
}

/** Moves a cursor from `version` to `version + 1`; throws {@link CursorConflict} if it moved meanwhile. */
export async function advanceCursor(
  tx: Queryable,
  taskId: string,
  refKey: string,
  version: number,
  cursor: unknown,
  done = false,
): Promise<void> {
  const rows = await tx.query(
    `update task_log_cursors set cursor = $4, version = version + 1, done = $5, updated_at = now()
     where task_id = $1 and ref_key = $2 and version = $3 returning version`,
    [taskId, refKey, version, JSON.stringify(cursor ?? null), done],
  );
  if (rows.length === 0) throw new CursorConflict(refKey);
}

/** Streams still being followed, with their task's state (for a restarted scheduler). */
export async function openCursors(db: Queryable): Promise<(CursorRow & { task_status: string })[]> {
  return db.query(
    `select c.*, t.status as task_status from task_log_cursors c join tasks t on t.id = c.task_id
     where not c.done order by c.updated_at`,
  );
}

/** Ended tasks whose log was never closed (the scheduler stopped in between) and that no tailer follows. */
export async function unclosedEndedTasks(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.query<{ task_id: string }>(
    `select u.task_id from task_log_usage u join tasks t on t.id = u.task_id
     where u.closed_at is null and t.status in ('succeeded', 'failed')
       and not exists (select 1 from task_log_cursors c where c.task_id = u.task_id and not c.done)
     limit $1`,
    [limit],
  );
  return rows.map((r) => r.task_id);
}
