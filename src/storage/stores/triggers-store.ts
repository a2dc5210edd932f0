import { randomUUID } from 'node:crypto';
import type { Queryable } from '../database.js';
import { NOT_BLOCKED_BY_OVERLAP } from './definitions-store.js';

export interface TriggerRequestRow {
  id: string;
  definition_name: string;
  task_filter: string[] | null;
  requested_at: Date;
  process_id: string | null;
}

/** A manual trigger, recorded durably; the engine turns it into a process. */
export async function insertTriggerRequest(
  db: Queryable,
  definitionName: string,
  taskFilter: readonly string[] | undefined,
  now: Date,
): Promise<string> {
  const id = randomUUID();
  await db.query(
    'insert into trigger_requests (id, definition_name, task_filter, requested_at) values ($1, $2, $3, $4)',
    [id, definitionName, taskFilter ? JSON.stringify(taskFilter) : null, now],
  );
  return id;
}

/** Unclaimed requests, oldest first; those of a deleted or overlap-blocked definition are left out. */
export async function openTriggerRequests(db: Queryable, limit = 100): Promise<TriggerRequestRow[]> {
  return db.query<TriggerRequestRow>(
    `select r.* from trigger_requests r
     left join process_definitions d on d.name = r.definition_name
     where r.process_id is null and (d.name is null or ${NOT_BLOCKED_BY_OVERLAP})
     order by r.requested_at limit $1`,
    [limit],
  );
}

/** Marks a request done by the given process; false if another replica got there first. */
export async function claimTriggerRequest(db: Queryable, id: string, processId: string): Promise<boolean> {
  const rows = await db.query(
    'update trigger_requests set process_id = $2 where id = $1 and process_id is null returning id',
    [id, processId],
  );
  return rows.length > 0;
}

/** Drops a request that can never run (its definition was deleted). */
export async function dropTriggerRequest(db: Queryable, id: string): Promise<void> {
  await db.query('delete from trigger_requests where id = $1', [id]);
}

/** A recorded request (its `process_id` is null until the engine starts its run); undefined if it is gone. */
export async function getTriggerRequest(db: Queryable, id: string): Promise<TriggerRequestRow | undefined> {
  const [row] = await db.query<TriggerRequestRow>('select * from trigger_requests where id = $1', [id]);
  return row;
}

/** Requests not started yet, oldest first: of one definition, or of all. */
export async function waitingTriggerRequests(
  db: Queryable,
  definitionName: string | undefined,
  limit: number,
): Promise<TriggerRequestRow[]> {
  return db.query<TriggerRequestRow>(
    `select * from trigger_requests where process_id is null and ($1::text is null or definition_name = $1)
     order by requested_at limit $2`,
    [definitionName ?? null, limit],
  );
}
