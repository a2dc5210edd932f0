import { randomUUID } from 'node:crypto';
import type { ExecutorKind, TaskExecutable, TaskStatus } from '../../domain/types.js';
import type { Queryable } from '../database.js';
import { TASK_INSERT_COLUMNS, TERMINAL } from '../sql.js';

export interface TaskRow {
  id: string;
  process_id: string;
  definition_name: string;
  task_definition_name: string;
  attempt: number;
  status: TaskStatus;
  executor: ExecutorKind;
  executable: TaskExecutable;
  started_at: Date;
  ended_at: Date | null;
  failure_reason: string | null;
  reported_status: 'succeeded' | 'failed' | null;
  execution_state: Record<string, unknown>;
  runner_id: string | null;
}

/** One attempt to record, as {@link insertTasks} takes it. */
export interface NewTask {
  taskDefinitionName: string;
  attempt: number;
  executor: ExecutorKind;
  executable: TaskExecutable;
}

/**
 * Records the intent to run attempts before any executor acts on them, all
 * in one statement (a fan-out of thousands is one round trip). Attempts
 * that already exist (a replayed decision) are skipped: only the rows
 * inserted are returned, in no particular order.
 *
 * @example
 * const rows = await insertTasks(db, { processId, definitionName, runnerId },
 *   [{ taskDefinitionName: 'extract', attempt: 0, executor: 'shell', executable }]);
 */
export async function insertTasks(
  db: Queryable,
  common: { processId: string; definitionName: string; runnerId: string },
  tasks: readonly NewTask[],
): Promise<TaskRow[]> {
  if (tasks.length === 0) return [];
  return db.query<TaskRow>(
    `insert into tasks (${TASK_INSERT_COLUMNS})
     select id, $1, $2, name, attempt, 'submitted', executor, executable::jsonb, clock_timestamp(), $3
     from unnest($4::uuid[], $5::text[], $6::int[], $7::text[], $8::text[])
       as t(id, name, attempt, executor, executable)
     on conflict (process_id, task_definition_name, attempt) do nothing returning *`,
    [
      common.processId,
      common.definitionName,
      common.runnerId,
      tasks.map(() => randomUUID()),
      tasks.map((t) => t.taskDefinitionName),
      tasks.map((t) => t.attempt),
      tasks.map((t) => t.executor),
      tasks.map((t) => JSON.stringify(t.executable)),
    ],
  );
}

export async function getTask(db: Queryable, id: string): Promise<TaskRow | undefined> {
  const [row] = await db.query<TaskRow>('select * from tasks where id = $1', [id]);
  return row;
}

/** What the log writer needs of a task it has not seen yet: its process and what it runs (to mask secrets). */
export async function taskProcessAndExecutable(
  db: Queryable,
  id: string,
): Promise<Pick<TaskRow, 'process_id' | 'executable'> | undefined> {
  const [row] = await db.query<Pick<TaskRow, 'process_id' | 'executable'>>(
    'select process_id, executable from tasks where id = $1',
    [id],
  );
  return row;
}

export async function tasksOfProcess(db: Queryable, processId: string): Promise<TaskRow[]> {
  return db.query<TaskRow>('select * from tasks where process_id = $1 order by started_at, attempt', [
    processId,
  ]);
}

export async function tasksOfProcesses(db: Queryable, processIds: readonly string[]): Promise<TaskRow[]> {
  if (processIds.length === 0) return [];
  return db.query<TaskRow>('select * from tasks where process_id = any($1) order by started_at, attempt', [
    processIds,
  ]);
}

/**
 * One page of a process's tasks in (task_definition_name, attempt) order,
 * the order of its unique index, so a page of a 10,000-task run reads
 * `limit` rows whatever page it is; `after` is the last task id of the
 * previous page.
 *
 * @example
 * const page = await tasksOfProcessPage(db, processId, { limit: 100 });
 * const next = await tasksOfProcessPage(db, processId, { limit: 100, after: page.at(-1)!.id });
 */
export async function tasksOfProcessPage(
  db: Queryable,
  processId: string,
  page: { limit: number; after?: string },
): Promise<TaskRow[]> {
  return db.query<TaskRow>(
    `select * from tasks t
     where t.process_id = $1
       and ($2::uuid is null or (t.task_definition_name, t.attempt) >
         (select a.task_definition_name, a.attempt from tasks a where a.id = $2 and a.process_id = $1))
     order by t.task_definition_name, t.attempt limit $3`,
    [processId, page.after ?? null, page.limit],
  );
}

/** The sum of a process's task costs (`execution_state.cost.usd`), null when none has one. */
export async function costOfProcess(db: Queryable, processId: string): Promise<number | null> {
  const [row] = await db.query<{ usd: number | null }>(
    `select sum((execution_state -> 'cost' ->> 'usd')::float8) as usd from tasks
     where process_id = $1 and jsonb_typeof(execution_state -> 'cost' -> 'usd') = 'number'`,
    [processId],
  );
  return row?.usd ?? null;
}

/** The planning view of a process's tasks: only what the rules need. */
export async function taskProgressRows(
  db: Queryable,
  processId: string,
): Promise<Pick<TaskRow, 'id' | 'task_definition_name' | 'attempt' | 'status' | 'ended_at'>[]> {
  return db.query(
    'select id, task_definition_name, attempt, status, ended_at from tasks where process_id = $1',
    [processId],
  );
}

/** Those of these attempts that are still active, as recorded (see UntrackedAttempts). */
export async function activeTasksAmong(db: Queryable, ids: readonly string[]): Promise<TaskRow[]> {
  return db.query<TaskRow>(`select * from tasks where id = any($1::uuid[]) and status not in ${TERMINAL}`, [
    ids,
  ]);
}

export async function activeTasks(db: Queryable, processId?: string): Promise<TaskRow[]> {
  return processId
    ? db.query<TaskRow>(`select * from tasks where status not in ${TERMINAL} and process_id = $1`, [
        processId,
      ])
    : db.query<TaskRow>(`select * from tasks where status not in ${TERMINAL}`);
}

/**
 * How many active tasks each status holds, across replicas (metrics).
 *
 * @example
 * await activeTaskCounts(db); // { running: 3, submitted: 1 }
 */
export async function activeTaskCounts(db: Queryable): Promise<Record<string, number>> {
  const rows = await db.query<{ status: string; n: number }>(
    `select status, count(*)::int as n from tasks where status not in ${TERMINAL} group by status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

/** One task's progress record, as `updateTasksProgress` writes it. */
export interface TaskProgress {
  id: string;
  status: TaskStatus;
  executionState?: Record<string, unknown>;
}

/**
 * Moves active tasks to a non-terminal status, keeping executor bookkeeping
 * (their `execution_state` gets the new keys), several in one statement
 * (ids distinct); tasks that have ended meanwhile are left as they are.
 *
 * @example
 * await updateTasksProgress(db, [{ id, status: 'running', executionState: { host, pid } }]);
 */
export async function updateTasksProgress(db: Queryable, records: readonly TaskProgress[]): Promise<void> {
  await db.query(
    `update tasks t set status = p.status,
       execution_state = t.execution_state || coalesce(p.state::jsonb, '{}'::jsonb)
     from unnest($1::uuid[], $2::text[], $3::text[]) as p(id, status, state)
     where t.id = p.id and t.status not in ${TERMINAL}`,
    [
      records.map((r) => r.id),
      records.map((r) => r.status),
      records.map((r) => (r.executionState ? JSON.stringify(r.executionState) : null)),
    ],
  );
}

/** A job's own report (`/succeed`, `/fail`, `**status=`); applied when the executor finishes. */
export async function reportTaskStatus(
  db: Queryable,
  id: string,
  status: 'succeeded' | 'failed',
): Promise<'ok' | 'unknown' | 'finished'> {
  const rows = await db.query<{ status: TaskStatus }>(
    `update tasks set reported_status = case when status in ${TERMINAL} then reported_status else $2 end
     where id = $1 returning status`,
    [id, status],
  );
  if (rows.length === 0) return 'unknown';
  return rows[0]!.status === 'succeeded' || rows[0]!.status === 'failed' ? 'finished' : 'ok';
}

export interface TaskQuery {
  definitionName?: string;
  taskDefinitionName?: string;
  statuses?: readonly TaskStatus[];
  startedAfter?: Date;
  startedBefore?: Date;
  limit: number;
}

export async function listTasks(db: Queryable, q: TaskQuery): Promise<TaskRow[]> {
  return db.query<TaskRow>(
    `select * from tasks
     where ($1::text is null or definition_name = $1)
       and ($2::text is null or task_definition_name = $2)
       and ($3::text[] is null or status = any($3))
       and ($4::timestamptz is null or started_at >= $4)
       and ($5::timestamptz is null or started_at <= $5)
     order by started_at desc limit $6`,
    [
      q.definitionName ?? null,
      q.taskDefinitionName ?? null,
      q.statuses ?? null,
      q.startedAfter ?? null,
      q.startedBefore ?? null,
      q.limit,
    ],
  );
}
