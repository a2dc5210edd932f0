import type { FastifyInstance } from 'fastify';
import { type Logger, pino } from 'pino';
import { type AwsExecutorOptions, awsOptionsFromEnv } from './executors/aws/aws-options.js';
import type { Executor, ExecutorHost } from './executors/executor.js';
import type { LiveLogOptions } from './logs/log-options.js';
import type { NotificationSettings } from './notifications/notification-settings.js';
import type { Scheduler } from './scheduler/scheduler.js';
import type { Database } from './storage/database.js';
import { openDatabase } from './storage/open-database.js';

export interface SundialOptions {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number;
  host?: string;
  /** PostgreSQL URL; without it Sundial uses embedded PGlite in `dataDir`. */
  databaseUrl?: string;
  dataDir?: string;
  /** Start embedded PGlite from this data-directory dump (see openDatabase). */
  pgliteTemplate?: Blob;
  /** URL jobs use to call back; default http://127.0.0.1:<port>. */
  publicUrl?: string;
  logger?: Logger;
  shellConcurrency?: number;
  /** Load the sample process when the embedded store is empty (the CLI's `server` does). */
  loadSample?: boolean;
  /** More executors, built once the engine exists (they replace built-in ones of the same kind). */
  executors?: (host: ExecutorHost) => Executor[];
  /**
   * Batch, ECS and EMR executors: on by default with the AWS SDK's usual configuration plus
   * SUNDIAL_* settings from the environment (`awsOptionsFromEnv`); these options override those.
   * `false` leaves them out.
   */
  aws?: AwsExecutorOptions | false;
  tickMs?: number;
  /** Delete finished runs (their tasks and logs) that ended more than this many days ago; unset keeps all. */
  retainDays?: number;
  /** How long the leader lease lasts unrenewed: a dead or frozen leader is replaced after it. Default 15 s. */
  leaseTtlMs?: number;
  /** Log cap, grace periods, mask patterns, AWS clients of the tailers (see LiveLogOptions). */
  liveLogs?: LiveLogOptions;
  /** SMTP relay and delivery tuning; over the SUNDIAL_SMTP_* / SUNDIAL_NOTIFY_* environment. */
  notifications?: Partial<NotificationSettings>;
  /**
   * API authentication: `on`, `off` (only on a loopback address), or `auto`
   * (the default: on as soon as an API token exists when the server starts).
   */
  auth?: AuthMode;
  /** Requests a minute one API or task token may make while auth is on; default 1200, 0 = unlimited. */
  rateLimitPerMinute?: number;
}

export type AuthMode = 'on' | 'off' | 'auto';

/** A running Sundial: API, scheduler and engine over one database. */
export interface Sundial {
  url: string;
  db: Database;
  api: FastifyInstance;
  scheduler: Scheduler;
  /**
   * Shuts down: `/ready` fails at once; the scheduler starts nothing more, gives running shell
   * jobs `graceMs` (default 0) to end, records every result and hands leadership over; then the
   * API, the notification sender, the logs and the database close.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Starts everything `sundial server` runs.
 *
 * @example
 * const sundial = await startSundial({ port: 0, dataDir: 'memory://' });
 * console.log(sundial.url);
 * await sundial.close();
 */
export async function startSundial(options: SundialOptions = {}): Promise<Sundial> {
  const logger = options.logger ?? pino({ level: process.env.LOG_LEVEL ?? 'info' });
  // Read first: a settings error stops the start before anything is open.
  const awsEnv = options.aws === false ? undefined : awsOptionsFromEnv();
  const opening = openDatabase({
    ...(options.databaseUrl && { databaseUrl: options.databaseUrl }),
    ...(options.dataDir && { dataDir: options.dataDir }),
    ...(options.pgliteTemplate && { pgliteTemplate: options.pgliteTemplate }),
    listener: {
      onStateChange: (state, err) =>
        state.connected
          ? logger.info('database connection for LISTEN is back')
          : logger.warn({ err }, `database connection for LISTEN is down: ${state.reason}`),
    },
  });
  // The API, logs and scheduler modules load while the database opens: PGlite compiles its
  // WebAssembly off the main thread and PostgreSQL answers over the network meanwhile.
  const [db, services] = await bothOrClose(opening, import('./app-services.js'));
  return services.startServices(db, options, logger, awsEnv);
}

/** Both results; when one fails, the database that did open is closed again before the error is thrown. */
async function bothOrClose<M>(opening: Promise<Database>, loading: Promise<M>): Promise<[Database, M]> {
  const [db, loaded] = await Promise.allSettled([opening, loading]);
  if (loaded.status === 'rejected') {
    if (db.status === 'fulfilled') await db.value.close().catch(() => {});
    throw loaded.reason;
  }
  if (db.status === 'rejected') throw db.reason;
  return [db.value, loaded.value];
}
