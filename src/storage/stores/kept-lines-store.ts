import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database.js';
import { LOCK_KEYS } from '../sql.js';

/** A `pg_notify` to send with a write: channel and the payload's prefix (the replica). */
export interface NotifyTarget {
  channel: string;
  replicaId: string;
}

/** One task's part of a {@link writeKeptLines} call. */
export interface KeptWrite {
  taskId: string;
  processId: string;
  lines: readonly { id?: string; at: Date; source: string; message: string }[];
  /** Mark the log complete after these lines (only done when the cap dropped nothing). */
  close: boolean;
}

/** A task's usage after the write, and whether its log is now closed. */
export interface KeptWriteResult {
  lines: number;
  bytes: number;
  closed: boolean;
}

/**
 * Stores lines the cap never drops (scheduler events, `keep`: they do not
 * count against it) for many tasks at once, and closes the logs asked for,
 * in ONE statement. Nothing is decided from the old usage, so nothing is
 * read first. The process locks (PROCESS_LOG_LOCK, in a fixed order) are
 * taken before any line gets its seq, and the usage rows are locked by the
 * upsert exactly as the transactional path locks them, so the two paths
 * serialise. A log is closed only if the cap dropped nothing; otherwise a
 * truncation line is owed and the caller takes the full path (`closed` false).
 * A task's start and end lines and the log's close cost one round trip, and
 * a fan-out's thousands of tasks share it.
 *
 * @example
 * const usage = await writeKeptLines(db, [{ taskId, processId, lines: [{ at: new Date(), source: 'scheduler', message: 'task succeeded' }], close: true }]);
 */
export async function writeKeptLines(
  db: Queryable,
  writes: readonly KeptWrite[],
  notify: NotifyTarget | undefined,
): Promise<Map<string, KeptWriteResult>> {
  const lines = writes.flatMap((w) => w.lines.map((l) => ({ ...l, taskId: w.taskId })));
  const rows = await db.query<{ task_id: string; lines: string; bytes: string; closed: boolean }>(
    `with locks as (
       select count(pg_advisory_xact_lock(${LOCK_KEYS.processLog}, hashtext(pid))) as n
       from (select distinct pid from unnest($3::text[]) as p(pid) order by pid) as ordered
     ), stored as (
       insert into task_log_entries (id, task_id, at, source, message)
       select e.id, e.task_id, e.at, e.source, e.message
       from unnest($4::uuid[], $5::uuid[], $6::timestamptz[], $7::text[], $8::text[])
         with ordinality as e(id, task_id, at, source, message, ord)
       cross join locks
       order by e.ord
       on conflict (id) do nothing
       returning 1
     ), usage as (
       insert into task_log_usage as u (task_id, closed_at)
       select t.id, case when t.close then clock_timestamp() end
       from unnest($1::uuid[], $2::bool[]) as t(id, close)
       cross join (select count(*) from stored) as s
       cross join locks
       on conflict (task_id) do update
         set closed_at = coalesce(u.closed_at, case when u.dropped_lines = 0 then excluded.closed_at end)
       returning u.task_id, u.lines, u.bytes, u.closed_at
     )
     select usage.task_id, usage.lines, usage.bytes, usage.closed_at is not null as closed${
       notify ? `, pg_notify($9, $10 || ' ' || t.pid || ' ' || usage.task_id)::text as notified` : ''
     }
     from usage join unnest($1::uuid[], $3::text[]) as t(id, pid) on t.id = usage.task_id`,
    [
      writes.map((w) => w.taskId),
      writes.map((w) => w.close),
      writes.map((w) => w.processId),
      lines.map((l) => l.id ?? randomUUID()),
      lines.map((l) => l.taskId),
      lines.map((l) => l.at),
      lines.map((l) => l.source),
      lines.map((l) => l.message),
      ...(notify ? [notify.channel, notify.replicaId] : []),
    ],
  );
  return new Map(
    rows.map((r) => [r.task_id, { lines: Number(r.lines), bytes: Number(r.bytes), closed: r.closed }]),
  );
}
