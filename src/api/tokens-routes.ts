import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { isRole, ROLES } from '../domain/roles.js';
import { nameProblem, textProblems } from '../domain/safe-input.js';
import { type FieldProblem, ValidationError } from '../domain/validation-error.js';
import { listAudit } from '../storage/stores/audit-store.js';
import { insertToken, listTokens, revokeToken, type TokenRow } from '../storage/stores/tokens-store.js';
import type { ApiContext } from './api-context.js';
import { newApiToken } from './auth/api-tokens.js';
import { audited } from './auth/audit-hook.js';
import { actorOf } from './auth/principal.js';
import { HttpError, notFound } from './errors.js';
import { intParam } from './query-params.js';

/** A token on the wire: never the token or its hash. */
export function tokenToWire(t: TokenRow) {
  return {
    token_id: t.id,
    name: t.name,
    role: t.role,
    prefix: t.prefix,
    created_at: t.created_at.toISOString(),
    created_by: t.created_by,
    ...(t.revoked_at && { revoked_at: t.revoked_at.toISOString() }),
  };
}

/** Checks a token's name and role; throws a 400 naming the field. */
export function checkTokenRequest(body: unknown): { name: string; role: (typeof ROLES)[number] } {
  const b = (body ?? {}) as { name?: unknown; role?: unknown };
  const problems: FieldProblem[] = textProblems(body);
  if (typeof b.name !== 'string') problems.push({ field: 'name', problem: 'is required (a string)' });
  else {
    const why = nameProblem(b.name);
    if (why) problems.push({ field: 'name', problem: why });
  }
  if (!isRole(b.role)) problems.push({ field: 'role', problem: `must be one of ${ROLES.join(', ')}` });
  if (problems.length > 0) throw new ValidationError(problems);
  return { name: b.name as string, role: b.role as (typeof ROLES)[number] };
}

/** `/api/tokens` (create, list, revoke) and `/api/audit`: admin only (see route-access.ts). */
export const tokensRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.post('/api/tokens', async (req, reply) => {
      const { name, role } = checkTokenRequest(req.body);
      const { token, hash, prefix } = newApiToken();
      const row = await audited(ctx.db, req, 201, async (tx) => {
        const inserted = await insertToken(tx, {
          id: randomUUID(),
          name,
          role,
          hash,
          prefix,
          createdBy: actorOf(req.principal).actor,
        });
        if (!inserted) throw new HttpError(409, `name: an active token is already named '${name}'`);
        return inserted;
      });
      // The only time the token is ever shown.
      return reply.status(201).send({ ...tokenToWire(row), token });
    });

    app.get('/api/tokens', async () => (await listTokens(ctx.db)).map(tokenToWire));

    app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (req, reply) => {
      await audited(ctx.db, req, 204, async (tx) => {
        if (!(await revokeToken(tx, req.params.id, new Date())))
          throw notFound(`active token '${req.params.id}'`);
      });
      return reply.status(204).send();
    });

    app.get<{ Querystring: { limit?: string; before?: string; actor?: string } }>(
      '/api/audit',
      async (req) => {
        const q = req.query;
        const rows = await listAudit(ctx.db, {
          limit: intParam(q.limit, 'limit', 1, 10_000) ?? 100,
          ...(q.before !== undefined && {
            before: String(intParam(q.before, 'before', 1, Number.MAX_SAFE_INTEGER)),
          }),
          ...(q.actor && { actor: q.actor }),
        });
        return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
      },
    );
  };
