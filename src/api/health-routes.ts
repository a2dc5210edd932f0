import type { FastifyInstance } from 'fastify';
import type { Database } from '../storage/database.js';

/** Longest wait for the database's answer before /ready says it is unreachable. */
const PROBE_MS = 2000;

export interface HealthOptions {
  db: Database;
  /** True once the replica is shutting down: not ready, whatever the database says. */
  shuttingDown?: () => boolean;
}

/**
 * `GET /health`: liveness, answered from memory (a load balancer or
 * orchestrator restarts the process only when this fails). `GET /ready`:
 * 200 while the replica can serve, 503 with the reason while the database
 * is unreachable, its LISTEN connection is being re-established, or the
 * replica is shutting down.
 *
 * @example
 * await app.register(healthRoutes({ db }));
 * // GET /ready -> 503 {"ready":false,"reason":"database unreachable: connect ECONNREFUSED 127.0.0.1:5432"}
 */
export function healthRoutes(options: HealthOptions) {
  return async (app: FastifyInstance) => {
    app.get('/health', async () => ({ status: 'alive' }));
    app.get('/ready', async (_req, reply) => {
      const reason = await notReadyBecause(options);
      if (reason) return reply.code(503).send({ ready: false, reason });
      return { ready: true };
    });
  };
}

async function notReadyBecause({ db, shuttingDown }: HealthOptions): Promise<string | undefined> {
  if (shuttingDown?.()) return 'shutting down';
  const connection = db.connection;
  if (!connection.connected) return connection.reason ?? 'database connection down';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`database did not answer within ${PROBE_MS} ms`), PROBE_MS);
  });
  const probe = db.query('select 1').then(
    () => undefined,
    (err: Error) => `database unreachable: ${err.message}`,
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
