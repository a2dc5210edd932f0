import type { Queryable } from '../database.js';
import { TERMINAL } from '../sql.js';

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
    `select c.*, t.process_id, t.started_at, t.status in ${TERMINAL} as task_ended
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
