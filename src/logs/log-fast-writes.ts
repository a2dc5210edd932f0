import { randomUUID } from 'node:crypto';
import type { Queryable } from '../storage/database.js';
import { PROCESS_LOG_LOCK } from './log-state-store.js';

/** A `pg_notify` to send with a write: channel and payload. */
export type Notify = readonly [channel: string, payload: string];

/**
 * Stores lines the cap never drops (scheduler events, `keep`; they do not
 * count against it) and returns the task's usage, in ONE statement: the usage row is locked
 * by the upsert exactly as the transactional path locks it, so the two
 * paths serialise. Nothing is decided from the old usage, so nothing needs
 * to be read first. A task's start and end lines cost one round trip.
 *
 * @example
 * const usage = await appendKeptLines(db, taskId, [{ at: new Date(), source: 'scheduler', message: 'task succeeded' }]);
 */
export async function appendKeptLines(
  db: Queryable,
  taskId: string,
  lines: readonly { id?: string; at: Date; source: string; message: string }[],
  notify: Notify | undefined,
): Promise<{ lines: number; bytes: number }> {
  const [usage] = await db.query<{ lines: number; bytes: number }>(
    `with stored as (
       insert into task_log_entries (id, task_id, at, source, message)
       select id, $1, at, source, message
       from unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[])
         with ordinality as e(id, at, source, message, ord)
       -- the process lock (see PROCESS_LOG_LOCK) is taken before any row gets its seq
       cross join (${PROCESS_LOG_LOCK}) as process_lock
       order by ord
       on conflict (id) do nothing
       returning octet_length(message) as bytes
     ), usage as (
       insert into task_log_usage as u (task_id)
       select $1 from (select count(*) from stored) s
       on conflict (task_id) do update set lines = u.lines
       returning lines, bytes
     )
     select lines, bytes${notify ? ', pg_notify($6, $7)::text as notified' : ''} from usage`,
    [
      taskId,
      lines.map((l) => l.id ?? randomUUID()),
      lines.map((l) => l.at),
      lines.map((l) => l.source),
      lines.map((l) => l.message),
      ...(notify ?? []),
    ],
  );
  return { lines: Number(usage!.lines), bytes: Number(usage!.bytes) };
}

/**
 * Closes a task's log in one statement when that is all there is to do:
 * the usage row exists, is open, and the cap dropped nothing (so no
 * truncation line is owed). False means the caller must take the full path.
 *
 * @example
 * if (!(await closeCleanLog(db, taskId, new Date(), notify))) await fullClose();
 */
export async function closeCleanLog(
  db: Queryable,
  taskId: string,
  now: Date,
  notify: Notify | undefined,
): Promise<boolean> {
  const rows = await db.query(
    `with closed as (
       update task_log_usage set closed_at = $2
       where task_id = $1 and closed_at is null and dropped_lines = 0 returning task_id
     )
     select task_id${notify ? ', pg_notify($3, $4)::text as notified' : ''} from closed`,
    [taskId, now, ...(notify ?? [])],
  );
  return rows.length > 0;
}
