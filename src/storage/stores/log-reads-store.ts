import type { Queryable } from '../database.js';
import { TERMINAL } from '../sql.js';

/** A stored line as readers see it; `seq` is the cursor (global, so it also orders a process's tasks). */
export interface LogRecord {
  seq: number;
  id: string;
  task_id: string;
  task_definition_name: string;
  at: Date;
  source: string;
  message: string;
}

/** What a log is followed for: one task, or every task (attempt) of a process. */
export type LogTarget = { kind: 'task'; id: string } | { kind: 'process'; id: string };

/**
 * Lines after a cursor, oldest first. For a process, the lines of all its
 * tasks merged by cursor, which is the order they were stored in.
 *
 * @example
 * const page = await readLogPage(db, { kind: 'task', id }, 0, 1000);
 */
export async function readLogPage(
  db: Queryable,
  target: LogTarget,
  after: number,
  limit: number,
): Promise<LogRecord[]> {
  const where = target.kind === 'task' ? 't.id = $1' : 't.process_id = $1';
  return db.query<LogRecord>(
    `select l.seq, l.id, l.task_id, t.task_definition_name, l.at, l.source, l.message
     from tasks t join task_log_entries l on l.task_id = t.id
     where ${where} and l.seq > $2 order by l.seq limit $3`,
    [target.id, after, limit],
  );
}

/** A place in a log read in time order: a line's time and, among lines of that time, its cursor. */
export interface TimeCursor {
  at: Date;
  seq: number;
}

/**
 * Lines in the order of their own times (ties in storage order), after a
 * time cursor: a log whose sources were stored at different paces (a
 * CloudWatch stream read after the scheduler's end line) read as it
 * happened. Stable on a complete log; while one is written, a line can land
 * before a cursor already passed.
 *
 * @example
 * const page = await readLogPageByTime(db, { kind: 'task', id }, undefined, 1000);
 * const next = await readLogPageByTime(db, { kind: 'task', id }, { at: page.at(-1)!.at, seq: page.at(-1)!.seq }, 1000);
 */
export async function readLogPageByTime(
  db: Queryable,
  target: LogTarget,
  after: TimeCursor | undefined,
  limit: number,
): Promise<LogRecord[]> {
  const where = target.kind === 'task' ? 't.id = $1' : 't.process_id = $1';
  const select = `select l.seq, l.id, l.task_id, t.task_definition_name, l.at, l.source, l.message
     from tasks t join task_log_entries l on l.task_id = t.id`;
  // To the millisecond, as the cursor holds it: a finer stored time must not make a line come twice.
  const at = `date_trunc('milliseconds', l.at)`;
  if (!after)
    return db.query<LogRecord>(`${select} where ${where} order by ${at}, l.seq limit $2`, [target.id, limit]);
  return db.query<LogRecord>(
    `${select} where ${where} and (${at}, l.seq) > ($2, $3) order by ${at}, l.seq limit $4`,
    [target.id, after.at, after.seq, limit],
  );
}

/**
 * The last `limit` lines before a cursor, oldest first: how a reader shows
 * the end of a long log and pages back through it without reading it whole.
 *
 * @example
 * const tail = await readLogPageBefore(db, { kind: 'task', id }, Number.MAX_SAFE_INTEGER, 500);
 */
export async function readLogPageBefore(
  db: Queryable,
  target: LogTarget,
  before: number,
  limit: number,
): Promise<LogRecord[]> {
  const where = target.kind === 'task' ? 't.id = $1' : 't.process_id = $1';
  const rows = await db.query<LogRecord>(
    `select l.seq, l.id, l.task_id, t.task_definition_name, l.at, l.source, l.message
     from tasks t join task_log_entries l on l.task_id = t.id
     where ${where} and l.seq < $2 order by l.seq desc limit $3`,
    [target.id, before, limit],
  );
  return rows.reverse();
}

/**
 * Whether the target exists and whether its log is complete: every task
 * ended and its log closed (tailers drained), or ended before `staleBefore`
 * (a scheduler that stopped before closing it). For a process, it must
 * have ended too.
 */
export async function logState(
  db: Queryable,
  target: LogTarget,
  staleBefore: Date,
): Promise<{ exists: boolean; complete: boolean; status?: string }> {
  const openTask = `(t.status not in ${TERMINAL}
     or (u.closed_at is null and (t.ended_at is null or t.ended_at > $2)))`;
  if (target.kind === 'task') {
    const [row] = await db.query<{ status: string; open: boolean }>(
      `select t.status, ${openTask} as open from tasks t left join task_log_usage u on u.task_id = t.id
       where t.id = $1`,
      [target.id, staleBefore],
    );
    return row
      ? { exists: true, complete: !row.open, status: row.status }
      : { exists: false, complete: false };
  }
  const rows = await db.query<{ status: string; open: number }>(
    `select p.status, (select count(*) from tasks t left join task_log_usage u on u.task_id = t.id
       where t.process_id = p.id and ${openTask})::int as open
     from processes p where p.id = $1`,
    [target.id, staleBefore],
  );
  const row = rows[0];
  if (!row) return { exists: false, complete: false };
  return { exists: true, complete: row.status !== 'running' && row.open === 0, status: row.status };
}
