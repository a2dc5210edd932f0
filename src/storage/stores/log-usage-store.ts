import type { Queryable } from '../database.js';
import { LOCK_KEYS, TERMINAL } from '../sql.js';

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
export const PROCESS_LOG_LOCK = `select pg_advisory_xact_lock(${LOCK_KEYS.processLog}, hashtext(process_id::text)) from tasks where id = $1`;

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

/** Ended tasks whose log was never closed (the scheduler stopped in between) and that no tailer follows. */
export async function unclosedEndedTasks(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.query<{ task_id: string }>(
    `select u.task_id from task_log_usage u join tasks t on t.id = u.task_id
     where u.closed_at is null and t.status in ${TERMINAL}
       and not exists (select 1 from task_log_cursors c where c.task_id = u.task_id and not c.done)
     limit $1`,
    [limit],
  );
  return rows.map((r) => r.task_id);
}
