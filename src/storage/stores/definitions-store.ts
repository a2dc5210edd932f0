import { nextDueAt } from '../../domain/schedule.js';
import type { ProcessDefinition } from '../../domain/types.js';
import type { Queryable } from '../database.js';

export interface DefinitionRow {
  name: string;
  definition: ProcessDefinition;
  paused: boolean;
  created_at: Date;
  updated_at: Date;
  next_run_at: Date | null;
}

/**
 * Saves a definition (create or replace). The schedule's next due time is
 * kept when the schedule did not change, so re-applying is harmless.
 *
 * @example
 * await upsertDefinition(db, def, new Date());
 */
export async function upsertDefinition(
  db: Queryable,
  def: ProcessDefinition,
  now: Date,
): Promise<DefinitionRow> {
  const [existing] = await db.query<DefinitionRow>(
    'select * from process_definitions where name = $1 for update',
    [def.process_definition_name],
  );
  const sameSchedule =
    existing && JSON.stringify(existing.definition.schedule) === JSON.stringify(def.schedule);
  let nextRunAt: Date | null = existing?.next_run_at ?? null;
  if (!sameSchedule) {
    const [last] = await db.query<{ started_at: Date }>(
      'select started_at from processes where definition_name = $1 order by started_at desc limit 1',
      [def.process_definition_name],
    );
    nextRunAt = def.schedule
      ? nextDueAt(def.schedule, last?.started_at ?? existing?.created_at ?? now)
      : null;
  }
  const paused = def.paused ?? existing?.paused ?? false;
  const [row] = await db.query<DefinitionRow>(
    `insert into process_definitions (name, definition, paused, created_at, updated_at, next_run_at)
     values ($1, $2, $3, $4, $4, $5)
     on conflict (name) do update set definition = $2, paused = $3, updated_at = $4, next_run_at = $5
     returning *`,
    [def.process_definition_name, JSON.stringify(def), paused, now, nextRunAt],
  );
  return row!;
}

export async function getDefinition(db: Queryable, name: string): Promise<DefinitionRow | undefined> {
  const [row] = await db.query<DefinitionRow>('select * from process_definitions where name = $1', [name]);
  return row;
}

export async function listDefinitions(db: Queryable): Promise<DefinitionRow[]> {
  return db.query<DefinitionRow>('select * from process_definitions order by name');
}

export async function deleteDefinition(db: Queryable, name: string): Promise<boolean> {
  return (
    (await db.query('delete from process_definitions where name = $1 returning name', [name])).length > 0
  );
}

export async function setPaused(db: Queryable, name: string, paused: boolean): Promise<boolean> {
  const rows = await db.query('update process_definitions set paused = $2 where name = $1 returning name', [
    name,
    paused,
  ]);
  return rows.length > 0;
}

/**
 * A definition is blocked while a run of it is in progress and the due run
 * must wait: always with `wait`, and with `terminate` once the kill was asked.
 * Blocked definitions are left out of the due lists, so a hundred of them
 * waiting cannot starve the rest.
 */
export const NOT_BLOCKED_BY_OVERLAP = `not exists (
  select 1 from processes p
  where p.definition_name = d.name and p.status = 'running'
    and (coalesce(d.definition->>'overlap_action', 'wait') = 'wait' or p.kill_requested_at is not null))`;

/** Definitions whose schedule is due and not blocked by a run in progress, oldest first. */
export async function dueDefinitions(db: Queryable, now: Date, limit = 100): Promise<DefinitionRow[]> {
  return db.query<DefinitionRow>(
    `select d.* from process_definitions d
     where d.next_run_at <= $1 and not d.paused and ${NOT_BLOCKED_BY_OVERLAP}
     order by d.next_run_at limit $2`,
    [now, limit],
  );
}

/** Moves a due schedule forward only if nobody else did (compare-and-set). */
export async function advanceSchedule(
  db: Queryable,
  name: string,
  from: Date,
  to: Date | null,
): Promise<boolean> {
  const rows = await db.query(
    'update process_definitions set next_run_at = $3 where name = $1 and next_run_at = $2 returning name',
    [name, from, to],
  );
  return rows.length > 0;
}

/** The earliest due time of any unpaused schedule, for the engine's timer. */
export async function earliestDue(db: Queryable): Promise<Date | undefined> {
  const [row] = await db.query<{ at: Date | null }>(
    'select min(next_run_at) as at from process_definitions where not paused',
  );
  return row?.at ?? undefined;
}

/**
 * The wire form: the definition as submitted, with its current paused state
 * and, while its schedule is active, `next_run_time` (an addition older
 * clients ignore; in the past when the run is due but waits for the one in
 * progress).
 */
export function definitionToWire(row: DefinitionRow): ProcessDefinition & { next_run_time?: string } {
  const { paused: _ignored, ...rest } = row.definition;
  const wire = row.paused || row.definition.paused !== undefined ? { ...rest, paused: row.paused } : rest;
  return row.next_run_at && !row.paused ? { ...wire, next_run_time: row.next_run_at.toISOString() } : wire;
}
