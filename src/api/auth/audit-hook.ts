import type { FastifyInstance } from 'fastify';
import { insertAudit } from '../../storage/stores/audit-store.js';
import type { ApiContext } from '../api-context.js';
import { actorOf } from './principal.js';

// A job's log lines are its output, not an action; they are in the task's log.
const NOT_AUDITED = /\/log_entries$/;

/**
 * Records every write and action (each request that is not a read), refused
 * ones included: who (token name and role, or the task of a task token),
 * what (method and route), on what (path parameters and query), how it ended
 * (status), when, and from where (the client's address).
 *
 * @example
 * installAuditLog(app, ctx);
 */
export function installAuditLog(app: FastifyInstance, ctx: ApiContext): void {
  app.addHook('onResponse', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    const route = req.routeOptions.url;
    if (route === undefined || NOT_AUDITED.test(route)) return;
    try {
      await insertAudit(ctx.db, {
        ...actorOf(req.principal ?? { kind: 'anonymous' }),
        action: `${req.method} ${route}`,
        target: { ...(req.params as object), ...(req.query as object) },
        status: reply.statusCode,
        remote_address: req.ip,
      });
    } catch (err) {
      req.log.error({ err }, 'writing the audit log failed');
    }
  });
}
