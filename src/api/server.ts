import fastifyCompress from '@fastify/compress';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ApiContext } from './api-context.js';
import { installAuditLog } from './auth/audit-hook.js';
import { installAuth } from './auth/authenticate.js';
import { installErrorHandler } from './errors.js';
import { healthRoutes } from './health-routes.js';
import { BODY_LIMITS, installLimits } from './limits.js';
import { logsRoutes } from './logs-routes.js';
import { openApiDocument } from './openapi.js';
import { processDefinitionsRoutes } from './process-definitions-routes.js';
import { processesRoutes } from './processes-routes.js';
import { installRequestGuards } from './request-guards.js';
import { runViewsRoutes } from './run-views-routes.js';
import { sessionRoutes } from './session-routes.js';
import { tasksRoutes } from './tasks-routes.js';
import { tokensRoutes } from './tokens-routes.js';
import { triggerRequestsRoutes } from './trigger-requests-routes.js';
import { webUi } from './web-ui.js';

/**
 * Builds the HTTP API (not yet listening).
 *
 * @example
 * const logs = new LiveLogs({ db, logger, replicaId, clients });
 * const app = await buildApi({ db, logs, wake: (payload) => scheduler.wake(payload) }, logger);
 * await app.listen({ port: 8080 });
 */
export async function buildApi(
  ctx: ApiContext,
  logger: Logger,
  metrics = new Registry(),
): Promise<FastifyInstance> {
  // Requests are logged at debug, by the hook below; Fastify's own info lines (listening, each
  // request) stay out of the console.
  const httpLogger = logger.child({}, { level: logger.isLevelEnabled('debug') ? logger.level : 'warn' });
  const app = Fastify({
    loggerInstance: httpLogger as FastifyBaseLogger,
    bodyLimit: BODY_LIMITS.entries,
    // The original spec writes list paths as resource + '/': both spellings answer.
    // Names of up to 200 characters arrive percent-encoded (a space is 3 characters on the wire).
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
  });
  installErrorHandler(app);
  // A run page's JSON is hundreds of kilobytes: brotli (quality 4, cheap) or gzip when the client
  // takes it. Registered before the routes, as it hooks each one; log streams (SSE) write their
  // own response and stay uncompressed, so each line leaves at once.
  await app.register(fastifyCompress, { global: true, encodings: ['br', 'gzip'] });
  app.addHook('onResponse', async (req, reply) => {
    logger.debug(
      { method: req.method, url: req.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
      'request',
    );
  });
  installRequestGuards(app);
  // Filled as routes register: what each one requires (the authorization tests walk it).
  app.decorate('routeAccess', installAuth(app, ctx));
  installAuditLog(app, ctx);
  await installLimits(app, ctx);
  collectDefaultMetrics({ register: metrics });
  await app.register(processDefinitionsRoutes(ctx));
  await app.register(triggerRequestsRoutes(ctx));
  await app.register(processesRoutes(ctx));
  await app.register(tasksRoutes(ctx));
  await app.register(logsRoutes(ctx));
  await app.register(runViewsRoutes(ctx));
  await app.register(webUi());
  await app.register(tokensRoutes(ctx));
  await app.register(sessionRoutes(ctx));
  const document = openApiDocument();
  app.get('/api/openapi.json', async () => document);
  app.get('/_internal_/healthcheck', async () => ({ status: 'healthy' }));
  await app.register(
    healthRoutes({ db: ctx.db, ...(ctx.shuttingDown && { shuttingDown: ctx.shuttingDown }) }),
  );
  for (const path of ['/metrics', '/_internal_/metrics']) {
    app.get(path, async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  }
  return app;
}
