import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from './api-context.js';
import type { Principal } from './auth/principal.js';
import { HttpError } from './errors.js';

/** Largest request body of each kind; anything larger is a 413 saying the limit. */
export const BODY_LIMITS = {
  /** A process definition: the largest real ones are tens of KB, a DAG of 10,000 tasks about 2 MB. */
  definition: 4 * 1024 * 1024,
  /** A batch of log or metadata entries a job posts. */
  entries: 5 * 1024 * 1024,
  /** Everything else (actions, tokens): small JSON or no body at all. */
  other: 64 * 1024,
} as const;

/**
 * Body limits per route and, with auth on, a rate limit per caller (API
 * token, task token, or address when there is neither). The rate limit is
 * counted by each replica in memory; public routes (probes) are not limited.
 *
 * @example
 * await installLimits(app, ctx); // before any route is registered
 */
export async function installLimits(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.addHook('onRoute', (route) => {
    route.bodyLimit ??=
      route.method === 'PUT' && route.url.startsWith('/api/process_definitions/')
        ? BODY_LIMITS.definition
        : /\/(log_entries|metadata)$/.test(route.url)
          ? BODY_LIMITS.entries
          : BODY_LIMITS.other;
  });
  const max = ctx.auth.rateLimitPerMinute;
  if (!ctx.auth.enabled || max <= 0) return;
  await app.register(rateLimit, {
    max,
    timeWindow: 60_000,
    // After authentication (onRequest), so the caller is known.
    hook: 'preHandler',
    keyGenerator: (req) => {
      const who = req.principal;
      return who?.kind === 'token'
        ? `token:${who.id}`
        : who?.kind === 'task'
          ? `task:${who.taskId}`
          : `ip:${req.ip}`;
    },
    allowList: (req) => req.routeOptions.config?.access === 'public',
    errorResponseBuilder: (req, context) =>
      new HttpError(
        429,
        `rate limit: more than ${context.max} requests a minute from ${describe(req.principal)}; retry in ${context.after}`,
      ),
  });
}

function describe(who: Principal | undefined) {
  if (who?.kind === 'token') return `token '${who.name}'`;
  if (who?.kind === 'task') return `the task token of ${who.taskId}`;
  return 'this address';
}
