import type { FastifyPluginAsync } from 'fastify';
import { ValidationError } from '../domain/validation-error.js';
import { tokenByHash } from '../storage/stores/tokens-store.js';
import type { ApiContext } from './api-context.js';
import { hashToken } from './auth/api-tokens.js';
import { sessionCookieHeader, sessionValue } from './auth/session-cookie.js';
import { HttpError } from './errors.js';

const PUBLIC = { config: { access: 'public' as const } };

/**
 * The web UI's sign-in: `POST /api/session { token }` trades an API token for
 * an HttpOnly, SameSite=Strict session cookie; `GET /api/session` says whether
 * auth is on and who is signed in (the UI hides what the role may not do);
 * `DELETE /api/session` signs out.
 */
export const sessionRoutes =
  (ctx: ApiContext): FastifyPluginAsync =>
  async (app) => {
    app.get('/api/session', PUBLIC, async (req) => {
      if (!ctx.auth.enabled) return { auth: false, role: 'admin' };
      const who = req.principal;
      return who.kind === 'token' ? { auth: true, name: who.name, role: who.role } : { auth: true };
    });

    app.post('/api/session', PUBLIC, async (req, reply) => {
      const token = (req.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== 'string' || token === '') {
        throw new ValidationError([{ field: 'token', problem: 'is required (an API token)' }]);
      }
      const row = await tokenByHash(ctx.db, hashToken(token));
      if (!row) throw new HttpError(401, 'token: unknown or revoked');
      req.principal = { kind: 'token', id: row.id, name: row.name, role: row.role };
      const cookie = sessionCookieHeader(
        sessionValue(ctx.auth.sessionKey, row.id, new Date()),
        req.protocol === 'https',
      );
      return reply.header('set-cookie', cookie).send({ auth: true, name: row.name, role: row.role });
    });

    app.delete('/api/session', PUBLIC, async (req, reply) =>
      reply
        .header('set-cookie', sessionCookieHeader('', req.protocol === 'https', 0))
        .status(204)
        .send(),
    );
  };
