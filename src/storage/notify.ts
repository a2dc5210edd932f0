import type { Queryable } from './database.js';

/**
 * Sends a NOTIFY as part of a transaction: PostgreSQL delivers it when (and only if) the
 * transaction commits, so listeners never hear of a write they cannot read yet.
 *
 * @example
 * await db.transaction(async (tx) => { await store(tx); await notifyOnCommit(tx, 'sundial_logs', payload); });
 */
export async function notifyOnCommit(tx: Queryable, channel: string, payload: string): Promise<void> {
  await tx.query('select pg_notify($1, $2)', [channel, payload]);
}
