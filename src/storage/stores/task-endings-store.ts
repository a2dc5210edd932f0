import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database.js';
import { TASK_INSERT_COLUMNS, TERMINAL } from '../sql.js';
import type { NewTask, TaskRow } from './tasks-store.js';

/** Ends the listed tasks still active; the job's report picks among the outcomes given for it. */
const END_TASKS = `update tasks t set
    status = case t.reported_status when 'succeeded' then e.s_ok when 'failed' then e.s_failed else e.s end,
    failure_reason = case t.reported_status when 'succeeded' then e.r_ok when 'failed' then e.r_failed else e.r end,
    ended_at = clock_timestamp()
  from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
    as e(id, s, r, s_ok, r_ok, s_failed, r_failed)
  where t.id = e.id and t.status not in ${TERMINAL}
  returning t.*`;

/** How a task ends, by what its job reported (`none` when nothing): see `finalOutcome`. */
export interface TaskEnding {
  id: string;
  /** Its process, when known (attempts planned by two results of one process are recorded once). */
  processId?: string;
  outcomes: Record<
    'none' | 'succeeded' | 'failed',
    { status: 'succeeded' | 'failed'; reason: string | null }
  >;
  /** Attempts of the same process to record in the same write if this task succeeds. */
  next?: readonly NewTask[];
}

/** A task as {@link finishTasks} ended it. */
export type EndedTask = TaskRow & { status: 'succeeded' | 'failed'; ended_at: Date };

/** What one {@link finishTasks} write did. */
export interface FinishedTasks {
  /** Tasks ended (those that had ended already are not here). */
  ended: EndedTask[];
  /** Attempts recorded because the task before them succeeded (those that existed already are not here). */
  started: TaskRow[];
}

/**
 * Ends active tasks and records the attempts their success lets start, all
 * in one statement. The job's own report (`reported_status`, which the API
 * may have stored a moment ago on any replica) picks each task's outcome
 * among the ones the caller worked out, so the rule stays in the domain and
 * nothing is read first. A following attempt is recorded only if its task
 * ended here and succeeded, and only if it does not exist yet: a task and
 * its dependent cost one round trip between them.
 *
 * @example
 * const ok = { status: 'succeeded', reason: null } as const;
 * const { ended, started } = await finishTasks(db, 'replica-1', [
 *   { id, outcomes: { none: ok, succeeded: ok, failed: { status: 'failed', reason: 'the job reported failure' } },
 *     next: [{ taskDefinitionName: 'load', attempt: 0, executor: 'shell', executable }] },
 * ]);
 */
export async function finishTasks(
  db: Queryable,
  runnerId: string,
  endings: readonly TaskEnding[],
): Promise<FinishedTasks> {
  if (endings.length === 0) return { ended: [], started: [] };
  // PostgreSQL text cannot hold U+0000; a reason quoting a job or AWS must not fail every result of the batch.
  const column = (reported: keyof TaskEnding['outcomes'], key: 'status' | 'reason') =>
    endings.map((e) => e.outcomes[reported][key]?.replaceAll('\u0000', '\uFFFD') ?? null);
  const next = followingAttempts(endings);
  const endingParams = [
    endings.map((e) => e.id),
    column('none', 'status'),
    column('none', 'reason'),
    column('succeeded', 'status'),
    column('succeeded', 'reason'),
    column('failed', 'status'),
    column('failed', 'reason'),
  ];
  // Nothing to record after them: the plain UPDATE (cheaper to plan where nothing is prepared, PGlite).
  if (next.length === 0) return { ended: await db.query<EndedTask>(END_TASKS, endingParams), started: [] };
  const rows = await db.query<TaskRow & { kind: 'ended' | 'started' }>(
    `with done as (${END_TASKS}), started as (
       insert into tasks (${TASK_INSERT_COLUMNS})
       select n.id, done.process_id, done.definition_name, n.name, n.attempt, 'submitted', n.executor,
         n.executable::jsonb, clock_timestamp(), $8
       from unnest($9::uuid[], $10::uuid[], $11::text[], $12::int[], $13::text[], $14::text[])
         as n(after, id, name, attempt, executor, executable)
       join done on done.id = n.after and done.status = 'succeeded'
       on conflict (process_id, task_definition_name, attempt) do nothing
       returning *
     )
     select 'ended' as kind, * from done union all select 'started' as kind, * from started`,
    [
      ...endingParams,
      runnerId,
      next.map((t) => t.after),
      next.map(() => randomUUID()),
      next.map((t) => t.taskDefinitionName),
      next.map((t) => t.attempt),
      next.map((t) => t.executor),
      next.map((t) => JSON.stringify(t.executable)),
    ],
  );
  return split(rows);
}

/** The attempts to record after the tasks, each once: two results of a process may plan the same one. */
function followingAttempts(endings: readonly TaskEnding[]): (NewTask & { after: string })[] {
  const seen = new Set<string>();
  const out: (NewTask & { after: string })[] = [];
  for (const e of endings)
    for (const t of e.next ?? []) {
      const key = `${e.processId} ${t.taskDefinitionName} ${t.attempt}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ...t, after: e.id });
    }
  return out;
}

function split(rows: readonly (TaskRow & { kind: 'ended' | 'started' })[]): FinishedTasks {
  const ended: EndedTask[] = [];
  const started: TaskRow[] = [];
  for (const { kind, ...row } of rows) {
    if (kind === 'ended') ended.push(row as EndedTask);
    else started.push(row);
  }
  return { ended, started };
}
