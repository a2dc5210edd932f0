import type { ProcessStatus } from '../../domain/types.js';
import type { Queryable } from '../database.js';

/** A run without its tasks: what lists of runs show. */
export interface ProcessSummaryRow {
  id: string;
  definition_name: string;
  status: ProcessStatus;
  started_at: Date;
  ended_at: Date | null;
}

const SUMMARY_COLUMNS = 'id, definition_name, status, started_at, ended_at';

/**
 * The newest `perDefinition` runs of every definition, newest first within
 * each, in one statement (each an index range scan of processes_by_definition).
 *
 * @example
 * const rows = await recentProcessesPerDefinition(db, 10);
 */
export async function recentProcessesPerDefinition(
  db: Queryable,
  perDefinition: number,
): Promise<ProcessSummaryRow[]> {
  return db.query<ProcessSummaryRow>(
    `select r.* from process_definitions d
     cross join lateral (
       select ${SUMMARY_COLUMNS} from processes p
       where p.definition_name = d.name order by p.started_at desc, p.id desc limit $1) r
     order by r.definition_name, r.started_at desc, r.id desc`,
    [perDefinition],
  );
}

/**
 * One page of a definition's runs, newest first, after the run `beforeId` in
 * that order (keyset paging on the stored start and id, so runs starting
 * meanwhile do not shift the pages, and no precision is lost in a cursor).
 *
 * @example
 * const first = await processHistoryPage(db, 'nightly', undefined, 20);
 */
export async function processHistoryPage(
  db: Queryable,
  definitionName: string,
  beforeId: string | undefined,
  limit: number,
): Promise<ProcessSummaryRow[]> {
  return db.query<ProcessSummaryRow>(
    `select ${SUMMARY_COLUMNS} from processes
     where definition_name = $1
       and ($2::uuid is null or (started_at, id) < (select started_at, id from processes where id = $2))
     order by started_at desc, id desc limit $3`,
    [definitionName, beforeId ?? null, limit],
  );
}
