import { randomUUID } from 'node:crypto';
import type { RetryGrant } from '../../domain/process-plan.js';
import type { Notification, ProcessStatus, TaskDefinition, TaskStatus } from '../../domain/types.js';
import type { Queryable } from '../database.js';

export interface ProcessRow {
  id: string;
  definition_name: string;
  status: ProcessStatus;
  started_at: Date;
  ended_at: Date | null;
  task_definitions: TaskDefinition[];
  kill_requested_at: Date | null;
  kill_reason: string | null;
  retry_grants: Record<string, RetryGrant>;
  started_by: string;
}

/**
 * Starts the run of a schedule for its due time `dueAt`; undefined when that
 * due time has a run already (one run per definition and due time).
 */
export async function insertScheduledProcess(
  db: Queryable,
  definitionName: string,
  tasks: readonly TaskDefinition[],
  dueAt: Date,
  now: Date,
): Promise<ProcessRow | undefined> {
  const [row] = await db.query<ProcessRow>(
    `insert into processes (id, definition_name, status, started_at, task_definitions, started_by, due_at)
     values ($1, $2, 'running', $3, $4, 'schedule', $5)
     on conflict (definition_name, due_at) where due_at is not null do nothing
     returning *`,
    [randomUUID(), definitionName, now, JSON.stringify(tasks), dueAt],
  );
  return row;
}

/**
 * Snapshots the task definitions (narrowed to `filter` when given, with
 * dependencies outside it dropped) into a new running process.
 */
export async function insertProcess(
  db: Queryable,
  definitionName: string,
  tasks: readonly TaskDefinition[],
  startedBy: string,
  now: Date,
  filter?: readonly string[],
): Promise<ProcessRow> {
  const keep = filter ? new Set(filter) : undefined;
  const snapshot = keep
    ? tasks
        .filter((t) => keep.has(t.task_definition_name))
        .map((t) => ({ ...t, dependencies: t.dependencies.filter((d) => keep.has(d.task_definition_name)) }))
    : tasks;
  const [row] = await db.query<ProcessRow>(
    `insert into processes (id, definition_name, status, started_at, task_definitions, started_by)
     values ($1, $2, 'running', $3, $4, $5) returning *`,
    [randomUUID(), definitionName, now, JSON.stringify(snapshot), startedBy],
  );
  return row!;
}

export async function getProcess(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ProcessRow | undefined> {
  const lock = options.forUpdate ? ' for update' : '';
  const [row] = await db.query<ProcessRow>(`select * from processes where id = $1${lock}`, [id]);
  return row;
}

/** A process without its task definitions (a 10,000-task snapshot is megabytes), as the run API answers it. */
export type ProcessHead = Omit<ProcessRow, 'task_definitions'>;

/** Every column of `processes` but the task definitions' snapshot. */
const HEAD_COLUMNS =
  'id, definition_name, status, started_at, ended_at, kill_requested_at, kill_reason, retry_grants, started_by';

export async function getProcessHead(db: Queryable, id: string): Promise<ProcessHead | undefined> {
  const [row] = await db.query<ProcessHead>(`select ${HEAD_COLUMNS} from processes where id = $1`, [id]);
  return row;
}

export async function runningProcessIds(db: Queryable, definitionName?: string): Promise<string[]> {
  const rows = definitionName
    ? await db.query<{ id: string }>(
        "select id from processes where status = 'running' and definition_name = $1",
        [definitionName],
      )
    : await db.query<{ id: string }>("select id from processes where status = 'running'");
  return rows.map((r) => r.id);
}

/** A process just marked ended, with what its notifications are decided from. */
export interface EndedProcess {
  id: string;
  definition_name: string;
  started_at: Date;
  /** The definition's notifications now; null when it has none (or was deleted). */
  notifications: Notification[] | null;
}

/** Marks a running process ended; undefined when it was not running (someone else ended it). */
export async function finishProcess(
  db: Queryable,
  id: string,
  status: ProcessStatus,
  now: Date,
): Promise<EndedProcess | undefined> {
  const [row] = await db.query<EndedProcess>(
    `update processes p set status = $2, ended_at = $3 where id = $1 and status = 'running'
     returning p.id, p.definition_name, p.started_at,
       (select d.definition -> 'notifications' from process_definitions d where d.name = p.definition_name)
         as notifications`,
    [id, status, now],
  );
  return row;
}

export async function requestKill(db: Queryable, id: string, reason: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `update processes set kill_requested_at = coalesce(kill_requested_at, $3), kill_reason = coalesce(kill_reason, $2)
     where id = $1 and status = 'running' returning id`,
    [id, reason, now],
  );
  return rows.length > 0;
}

/** Puts a finished process back to running with the given retry grants. */
export async function reopenProcess(
  db: Queryable,
  id: string,
  grants: Record<string, RetryGrant>,
): Promise<void> {
  await db.query(
    `update processes set status = 'running', ended_at = null, kill_requested_at = null, kill_reason = null,
     retry_grants = $2 where id = $1`,
    [id, JSON.stringify(grants)],
  );
}

export interface ProcessQuery {
  definitionName?: string;
  statuses?: readonly ProcessStatus[];
  startedAfter?: Date;
  startedBefore?: Date;
  limit: number;
}

/**
 * The newest runs matching the filters given. Only those filters are in the
 * statement: a generic plan of "`$1` is null or …" filters expects thousands
 * of matches and reads the newest 50 of ten million runs with parallel workers
 * (5–8 ms quiet, far more under load) where one index scan takes a fraction.
 */
export async function listProcesses(db: Queryable, q: ProcessQuery): Promise<ProcessHead[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  const filter = (value: unknown, condition: (param: string) => string) => {
    if (value === undefined || value === null) return;
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  filter(q.definitionName, (p) => `definition_name = ${p}`);
  filter(q.statuses, (p) => `status = any(${p}::text[])`);
  filter(q.startedAfter, (p) => `started_at >= ${p}`);
  filter(q.startedBefore, (p) => `started_at <= ${p}`);
  params.push(q.limit);
  return db.query<ProcessHead>(
    `select ${HEAD_COLUMNS} from processes ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by started_at desc limit $${params.length}`,
    params,
  );
}

/** What the engine plans a running process from: its state and every task attempt, in one read. */
export interface PlanningView {
  status: ProcessStatus;
  definition_name: string;
  kill_requested_at: Date | null;
  kill_reason: string | null;
  retry_grants: Record<string, RetryGrant>;
  /** Only when asked for: the snapshot never changes, so callers keep it. */
  task_definitions: TaskDefinition[] | null;
  tasks: {
    id: string;
    task_definition_name: string;
    attempt: number;
    status: TaskStatus;
    ended_at: Date | null;
  }[];
}

/**
 * The process row and its tasks' progress columns in one round trip (the
 * engine reads this after every task result). `ended_at` travels as epoch
 * milliseconds, truncated like the driver's own timestamp parsing.
 *
 * @example
 * const view = await planningView(db, processId, { withDefinitions: true });
 */
export async function planningView(
  db: Queryable,
  id: string,
  options: { withDefinitions: boolean },
): Promise<PlanningView | undefined> {
  const [row] = await db.query<
    Omit<PlanningView, 'tasks'> & { tasks: [string, string, number, TaskStatus, number | null][] }
  >(
    `select p.status, p.definition_name, p.kill_requested_at, p.kill_reason, p.retry_grants,
       case when $2 then p.task_definitions end as task_definitions,
       coalesce((select json_agg(json_build_array(t.id, t.task_definition_name, t.attempt, t.status,
           floor(extract(epoch from t.ended_at) * 1000)))
         from tasks t where t.process_id = p.id), '[]'::json) as tasks
     from processes p where p.id = $1`,
    [id, options.withDefinitions],
  );
  if (!row) return undefined;
  return {
    ...row,
    tasks: row.tasks.map(([taskId, name, attempt, status, endedAt]) => ({
      id: taskId,
      task_definition_name: name,
      attempt,
      status,
      ended_at: endedAt === null ? null : new Date(endedAt),
    })),
  };
}
