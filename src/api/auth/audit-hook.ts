import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database, Queryable } from '../../storage/database.js';
import { type AuditEntry, insertAudit } from '../../storage/stores/audit-store.js';
import type { ApiContext } from '../api-context.js';
import { actorOf } from './principal.js';

// A job's log lines are its output, not an action; they are in the task's log.
const NOT_AUDITED = /\/log_entries$/;

/** Requests whose entry was committed with their action: the response hook leaves them alone. */
const recordedWithAction = new WeakSet<FastifyRequest>();

/** Who, what, on what, how it ended and from where, for one request. */
function entryOf(req: FastifyRequest, status: number): AuditEntry {
  return {
    ...actorOf(req.principal ?? { kind: 'anonymous' }),
    action: `${req.method} ${req.routeOptions.url}`,
    target: { ...(req.params as object), ...(req.query as object) },
    status,
    remote_address: req.ip,
  };
}

/**
 * Runs a write and its audit entry in one transaction, so neither exists
 * without the other: an action whose entry cannot be written is rolled back,
 * and an action that throws (rolled back) leaves no entry claiming `status`;
 * the response hook then records the attempt with the error it answered.
 *
 * @example
 * await audited(ctx.db, req, 204, async (tx) => {
 *   if (!(await setPaused(tx, name, true))) throw notFound(name);
 * });
 */
export async function audited<T>(
  db: Database,
  req: FastifyRequest,
  status: number,
  action: (tx: Queryable) => Promise<T>,
): Promise<T> {
  const result = await db.transaction(async (tx) => {
    const out = await action(tx);
    await insertAudit(tx, entryOf(req, status));
    return out;
  });
  recordedWithAction.add(req);
  return result;
}

/**
 * Records every write and action (each request that is not a read), refused
 * ones included: who (token name and role, or the task of a task token),
 * what (method and route), on what (path parameters and query), how it ended
 * (status), when, and from where (the client's address). Writes that went
 * through {@link audited} are recorded already, in their own transaction;
 * here go refusals, failures and requests that change nothing stored (sign-in).
 *
 * @example
 * installAuditLog(app, ctx);
 */
export function installAuditLog(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const route = req.routeOptions.url;
    if (route === undefined || NOT_AUDITED.test(route) || recordedWithAction.has(req)) return;
    try {
      await insertAudit(ctx.db, entryOf(req, reply.statusCode));
    } catch (err) {
      req.log.error({ err }, 'writing the audit log failed');
    }
  });
}
