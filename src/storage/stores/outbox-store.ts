import { randomUUID } from 'node:crypto';
import {
  type Delivery,
  decideDeliveries,
  previousRunsNeeded,
  type RunOutcome,
} from '../../domain/notification-rules.js';
import type { NotificationKind } from '../../domain/types.js';
import type { Queryable } from '../database.js';
import type { EndedProcess } from './processes-store.js';

/** One message to send, as a sender claims it. */
export interface OutboxRow {
  id: string;
  process_id: string;
  definition_name: string;
  kind: NotificationKind;
  target: Delivery['target'];
  event: Delivery['event'];
  status: 'pending' | 'sent' | 'failed' | 'not_sent';
  /** Attempts started, this one included. */
  attempts: number;
  created_at: Date;
}

/**
 * Writes the messages a run's end calls for. Run it in the transaction that
 * marked the process ended: the end and its notifications commit together
 * or not at all, so a crash can neither lose them nor write them twice.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const ended = await finishProcess(tx, id, 'failed', now);
 *   if (ended) await enqueueNotifications(tx, ended, 'failed', now);
 * });
 */
export async function enqueueNotifications(
  tx: Queryable,
  ended: EndedProcess,
  outcome: RunOutcome,
  now: Date,
): Promise<number> {
  const notifications = ended.notifications ?? [];
  if (notifications.length === 0) return 0;
  const previous = await tx.query<{ status: RunOutcome }>(
    `select status from processes
     where definition_name = $1 and id <> $2 and status <> 'running' and started_at <= $3
     order by started_at desc limit $4`,
    [ended.definition_name, ended.id, ended.started_at, previousRunsNeeded(notifications)],
  );
  const deliveries = decideDeliveries(
    notifications,
    outcome,
    previous.map((p) => p.status),
  );
  if (deliveries.length === 0) return 0;
  await tx.query(
    `insert into notification_outbox (id, process_id, definition_name, kind, target, event, next_attempt_at, created_at)
     select r.id, $1, $2, r.kind, r.target, r.event, $3, $3
     from jsonb_to_recordset($4::jsonb) as r(id uuid, kind text, target jsonb, event text)`,
    [
      ended.id,
      ended.definition_name,
      now,
      JSON.stringify(deliveries.map((d) => ({ id: randomUUID(), ...d }))),
    ],
  );
  return deliveries.length;
}

/**
 * Takes up to `limit` due messages for `senderId` and records an attempt of
 * each as started, in one statement. Rows another sender holds are skipped
 * (`skip locked`, and a lease: a claimed row is due again only when its
 * lease ends, so a sender that died mid-send is taken over then). An
 * attempt left `sending` by such a sender is marked interrupted.
 *
 * @example
 * const rows = await claimDueNotifications(db, 'replica-1', 60_000, 10);
 */
export async function claimDueNotifications(
  db: Queryable,
  senderId: string,
  leaseMs: number,
  limit: number,
): Promise<OutboxRow[]> {
  return db.query<OutboxRow>(
    `with due as (
       select id from notification_outbox
       where status = 'pending' and next_attempt_at <= now()
       order by next_attempt_at limit $3
       for update skip locked
     ), claimed as (
       update notification_outbox o set attempts = o.attempts + 1, claimed_by = $1,
         next_attempt_at = now() + $2::int * interval '1 millisecond'
       from due where o.id = due.id
       returning o.id, o.process_id, o.definition_name, o.kind, o.target, o.event, o.status, o.attempts,
         o.created_at
     ), interrupted as (
       update notification_attempts a set result = 'interrupted', ended_at = now(),
         detail = 'the sender stopped before it recorded a result; sending again'
       from claimed c where a.outbox_id = c.id and a.result = 'sending'
     ), started as (
       insert into notification_attempts (outbox_id, attempt, started_at, result)
       select id, attempts, now(), 'sending' from claimed
     )
     select * from claimed`,
    [senderId, leaseMs, limit],
  );
}

/** How an attempt ended: `retrying` keeps the message pending for another attempt after `retryInMs`. */
export type AttemptResult =
  | { result: 'sent'; detail?: string }
  | { result: 'retrying'; detail: string; retryInMs: number }
  | { result: 'failed' | 'not_sent'; detail: string };

const STATUS_AFTER: Record<AttemptResult['result'], OutboxRow['status']> = {
  sent: 'sent',
  retrying: 'pending',
  failed: 'failed',
  not_sent: 'not_sent',
};

/**
 * Records how an attempt ended. The message itself changes only while this
 * sender still holds it (a sender whose lease ran out and was taken over
 * records its attempt, and leaves the row to the new holder).
 *
 * @example
 * await recordAttempt(db, row, 'replica-1', { result: 'retrying', detail: 'ECONNREFUSED', retryInMs: 2000 });
 */
export async function recordAttempt(
  db: Queryable,
  row: Pick<OutboxRow, 'id' | 'attempts'>,
  senderId: string,
  outcome: AttemptResult,
): Promise<void> {
  const retryInMs = outcome.result === 'retrying' ? outcome.retryInMs : 0;
  await db.query(
    `with attempt as (
       update notification_attempts set result = $4, detail = $5, ended_at = now()
       where outbox_id = $1 and attempt = $2
     )
     update notification_outbox set status = $6, claimed_by = null,
       next_attempt_at = case when $6 = 'pending' then now() + $7::int * interval '1 millisecond'
                         else next_attempt_at end,
       ended_at = case when $6 = 'pending' then null else now() end
     where id = $1 and claimed_by = $3 and attempts = $2`,
    [
      row.id,
      row.attempts,
      senderId,
      outcome.result,
      outcome.detail ?? null,
      STATUS_AFTER[outcome.result],
      Math.round(retryInMs),
    ],
  );
}

/** Messages waiting to be sent, by kind (the pending metric). */
export async function pendingNotificationCounts(db: Queryable): Promise<Map<NotificationKind, number>> {
  const rows = await db.query<{ kind: NotificationKind; n: number }>(
    `select kind, count(*)::int as n from notification_outbox where status = 'pending' group by kind`,
  );
  return new Map(rows.map((r) => [r.kind, r.n]));
}
