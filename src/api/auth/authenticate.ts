import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Access, roleAllows } from '../../domain/roles.js';
import { getTask } from '../../storage/stores/tasks-store.js';
import { tokenByHash, tokenById } from '../../storage/stores/tokens-store.js';
import type { ApiContext } from '../api-context.js';
import { HttpError } from '../errors.js';
import { hashToken } from './api-tokens.js';
import type { Principal, RouteAccess } from './principal.js';
import { accessOf } from './route-access.js';
import { cookieValue, SESSION_COOKIE, sessionTokenId } from './session-cookie.js';
import { isTaskToken, taskIdOfToken } from './task-token.js';

/**
 * Authentication and authorization for every route: each route gets its
 * `access` from route-access.ts when it does not declare one, and every
 * request's credential (`Authorization: Bearer …`) is resolved to a
 * principal and checked against it. With auth off, everything is allowed
 * (a credential, when sent, still names who acted in the audit log).
 *
 * @example
 * const routes = installAuth(app, ctx); // before any route is registered
 */
export function installAuth(app: FastifyInstance, ctx: ApiContext): RouteAccess[] {
  const routes: RouteAccess[] = [];
  app.decorateRequest('principal', null as never);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      const access = route.config?.access ?? accessOf(method, route.url);
      route.config = { ...route.config, access };
      routes.push({ method, url: route.url, access });
    }
  });
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    req.principal = { kind: 'anonymous' };
    if (access === undefined) return; // no such route: the 404 handler answers
    const credential = bearerOf(req);
    if (!ctx.auth.enabled) {
      if (credential)
        req.principal = (await principalOf(ctx, credential).catch(() => undefined)) ?? req.principal;
      return;
    }
    if (!credential) req.principal = (await sessionPrincipal(ctx, req)) ?? req.principal;
    if (access === 'public') return;
    if (req.principal.kind === 'token') return authorize(ctx, req, access);
    if (!credential) {
      throw new HttpError(
        401,
        'authentication required: send Authorization: Bearer <token> (see `sundial token create`)',
      );
    }
    req.principal = await principalOf(ctx, credential);
    await authorize(ctx, req, access);
  });
  return routes;
}

function bearerOf(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new HttpError(401, 'Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * The web UI's session cookie, when valid. A write through a cookie must also
 * carry the X-Sundial-CSRF header: another site can make a browser send the
 * cookie (were SameSite ever bypassed) but cannot add a custom header without
 * a CORS preflight, which this server never grants.
 */
async function sessionPrincipal(ctx: ApiContext, req: FastifyRequest): Promise<Principal | undefined> {
  const value = cookieValue(req.headers.cookie, SESSION_COOKIE);
  const tokenId = value && sessionTokenId(ctx.auth.sessionKey, value, new Date());
  if (!tokenId) return undefined;
  const row = await tokenById(ctx.db, tokenId);
  if (!row) return undefined;
  const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method);
  if (unsafe && req.headers['x-sundial-csrf'] === undefined && req.routeOptions.config?.access !== 'public') {
    throw new HttpError(403, 'a write through a browser session needs the X-Sundial-CSRF header');
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role };
}

async function principalOf(ctx: ApiContext, credential: string): Promise<Principal> {
  if (isTaskToken(credential)) {
    const taskId = taskIdOfToken(ctx.auth.taskTokenKey, credential);
    if (!taskId) throw new HttpError(401, 'invalid task token');
    return { kind: 'task', taskId };
  }
  const row = await tokenByHash(ctx.db, hashToken(credential));
  if (!row) throw new HttpError(401, 'unknown or revoked token');
  return { kind: 'token', id: row.id, name: row.name, role: row.role };
}

async function authorize(ctx: ApiContext, req: FastifyRequest, access: Access): Promise<void> {
  const who = req.principal;
  if (who.kind === 'task') {
    if (access !== 'task') throw new HttpError(403, 'a task token may only report on its own task');
    const id = String((req.params as { id?: string }).id ?? '').toLowerCase();
    if (id !== who.taskId)
      throw new HttpError(403, `this task token belongs to task ${who.taskId}, not ${id}`);
    const task = await getTask(ctx.db, who.taskId);
    if (!task || task.ended_at)
      throw new HttpError(403, `task ${who.taskId} has ended; its task token no longer works`);
    return;
  }
  if (who.kind !== 'token') throw new HttpError(401, 'authentication required');
  const needed = access === 'task' ? 'operator' : access;
  if (needed !== 'public' && !roleAllows(who.role, needed)) {
    throw new HttpError(403, `token '${who.name}' has the role ${who.role}; this needs ${needed}`);
  }
}
