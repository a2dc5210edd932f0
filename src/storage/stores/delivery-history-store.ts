import type { NotificationKind } from '../../domain/types.js';
import type { Queryable } from '../database.js';
import type { OutboxRow } from './outbox-store.js';

/** A message about a run and every attempt to deliver it, as the API shows them. */
export interface DeliveryHistoryRow {
  id: string;
  process_id: string;
  kind: NotificationKind;
  target: Record<string, unknown>;
  event: string;
  status: OutboxRow['status'];
  next_attempt_at: Date;
  created_at: Date;
  ended_at: Date | null;
  attempt_log: {
    attempt: number;
    started_at: string;
    ended_at: string | null;
    result: string;
    detail: string | null;
  }[];
}

/**
 * The notifications of some runs with their attempts, oldest first.
 *
 * @example
 * const rows = await deliveryHistory(db, [processId]);
 */
export async function deliveryHistory(
  db: Queryable,
  processIds: readonly string[],
): Promise<DeliveryHistoryRow[]> {
  if (processIds.length === 0) return [];
  return db.query<DeliveryHistoryRow>(
    `select o.id, o.process_id, o.kind, o.target, o.event, o.status, o.next_attempt_at, o.created_at,
       o.ended_at,
       coalesce((select json_agg(json_build_object('attempt', a.attempt, 'started_at', a.started_at,
           'ended_at', a.ended_at, 'result', a.result, 'detail', a.detail) order by a.attempt)
         from notification_attempts a where a.outbox_id = o.id), '[]'::json) as attempt_log
     from notification_outbox o where o.process_id = any($1::uuid[])
     order by o.created_at, o.kind, o.id`,
    [processIds],
  );
}
