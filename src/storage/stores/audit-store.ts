import type { Queryable } from '../database.js';

/** One audited write or action: who, what, on what, when, from where, and how it ended. */
export interface AuditEntry {
  actor: string;
  role: string | null;
  action: string;
  target: Record<string, unknown>;
  status: number | null;
  remote_address: string | null;
}

export interface AuditRow extends AuditEntry {
  id: string;
  at: Date;
}

/**
 * @example
 * await insertAudit(db, { actor: 'token:ci', role: 'operator', action: 'POST /api/processes/:id/kill',
 *   target: { id }, status: 204, remote_address: '10.0.0.7' });
 */
export async function insertAudit(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (actor, role, action, target, status, remote_address) values ($1, $2, $3, $4, $5, $6)`,
    [e.actor, e.role, e.action, JSON.stringify(e.target), e.status, e.remote_address],
  );
}

/** Newest first; `before` (an id) pages back. */
export async function listAudit(
  db: Queryable,
  q: { limit: number; before?: string; actor?: string },
): Promise<AuditRow[]> {
  return db.query<AuditRow>(
    `select id::text, at, actor, role, action, target, status, remote_address from audit_log
     where ($2::bigint is null or id < $2) and ($3::text is null or actor = $3)
     order by id desc limit $1`,
    [q.limit, q.before ?? null, q.actor ?? null],
  );
}
