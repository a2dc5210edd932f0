import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database.js';

export interface LogEntryRow {
  seq: number;
  id: string;
  task_id: string;
  at: Date;
  source: string;
  message: string;
}

export interface MetadataEntryRow {
  seq: number;
  id: string;
  task_id: string;
  at: Date;
  key: string;
  value: string;
}

export interface NewLogEntry {
  id?: string;
  at: Date;
  source: string;
  message: string;
}

/**
 * Appends log lines in one statement, in the given order (their `seq`, the
 * read cursor, follows it); entries whose id already exists are skipped, so
 * a client retrying a POST does not duplicate lines. Returns what was stored.
 */
export async function appendLogEntries(
  db: Queryable,
  taskId: string,
  entries: readonly NewLogEntry[],
): Promise<{ seq: number; bytes: number }[]> {
  if (entries.length === 0) return [];
  return db.query<{ seq: number; bytes: number }>(
    `insert into task_log_entries (id, task_id, at, source, message)
     select id, $1, at, source, message
     from unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[])
       with ordinality as e(id, at, source, message, ord)
     order by ord
     on conflict (id) do nothing
     returning seq, octet_length(message) as bytes`,
    [
      taskId,
      entries.map((e) => e.id ?? randomUUID()),
      entries.map((e) => e.at),
      entries.map((e) => e.source),
      entries.map((e) => e.message),
    ],
  );
}

export async function appendMetadata(
  db: Queryable,
  taskId: string,
  entries: readonly { id?: string; at: Date; key: string; value: string }[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `insert into task_metadata_entries (id, task_id, at, key, value)
     select id, $1, at, key, value
     from unnest($2::uuid[], $3::timestamptz[], $4::text[], $5::text[]) as e(id, at, key, value)
     on conflict (id) do nothing`,
    [
      taskId,
      entries.map((e) => e.id ?? randomUUID()),
      entries.map((e) => e.at),
      entries.map((e) => e.key),
      entries.map((e) => e.value),
    ],
  );
}

/** The last `perTask` log lines of each task, oldest first, for the wire `log_entries`. */
export async function recentLogEntries(
  db: Queryable,
  taskIds: readonly string[],
  perTask: number,
): Promise<LogEntryRow[]> {
  if (taskIds.length === 0) return [];
  return db.query<LogEntryRow>(
    `select l.* from unnest($1::uuid[]) as t(id)
     cross join lateral (select * from task_log_entries where task_id = t.id order by seq desc limit $2) l
     order by l.seq`,
    [taskIds, perTask],
  );
}

export async function metadataOf(db: Queryable, taskIds: readonly string[]): Promise<MetadataEntryRow[]> {
  if (taskIds.length === 0) return [];
  return db.query<MetadataEntryRow>(
    'select * from task_metadata_entries where task_id = any($1) order by seq',
    [taskIds],
  );
}
