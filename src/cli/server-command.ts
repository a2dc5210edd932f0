import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { AuthMode } from '../app.js';
import { ValidationError } from '../domain/validation-error.js';
import { sundialVersion } from '../version.js';

/** What a shutdown may take beyond the shell jobs' grace period (results, lease, HTTP, database). */
const SHUTDOWN_SLACK_MS = 4000;

/**
 * `sundial server`: the API and the scheduler, with one start line (URL,
 * store, version) and errors that say what to do.
 *
 * @example
 * registerServerCommand(program);
 * // sundial server --data-dir .sundial/data
 */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the API and the scheduler')
    .option('--port <port>', 'HTTP port', process.env.PORT ?? '8080')
    .option('--host <host>', 'address to listen on', process.env.SUNDIAL_HOST ?? '127.0.0.1')
    .option('--data-dir <dir>', 'embedded PGlite directory', process.env.SUNDIAL_DATA_DIR ?? '.sundial/data')
    .option('--database-url <url>', 'PostgreSQL URL (wins over --data-dir)', process.env.DATABASE_URL)
    .option('--public-url <url>', 'URL jobs use to call back', process.env.SUNDIAL_PUBLIC_URL)
    .option('--shell-concurrency <n>', 'most shell jobs at once', '32')
    .option(
      '--lease-seconds <s>',
      'leader lease: a dead or frozen leader is replaced this long after its last renewal (SUNDIAL_LEASE_SECONDS)',
      process.env.SUNDIAL_LEASE_SECONDS ?? '15',
    )
    .option(
      '--shutdown-grace-seconds <s>',
      'on SIGTERM/SIGINT, how long running shell jobs may take to end before they are killed (SUNDIAL_SHUTDOWN_GRACE_SECONDS)',
      process.env.SUNDIAL_SHUTDOWN_GRACE_SECONDS ?? '5',
    )
    .option('--batch-job-queue <queue>', 'AWS Batch queue of jobs that name none (SUNDIAL_BATCH_JOB_QUEUE)')
    .option('--ecs-cluster <cluster>', 'ECS cluster of docker_image_command tasks (SUNDIAL_ECS_CLUSTER)')
    .option('--aws-poll-ms <ms>', 'slowest AWS status poll interval (SUNDIAL_AWS_POLL_MS, default 10000)')
    .option(
      '--retain-days <days>',
      'delete finished runs, their tasks and logs, this many days after they ended (default: keep all)',
      process.env.SUNDIAL_RETAIN_DAYS,
    )
    .option(
      '--smtp-url <url>',
      'SMTP relay of e-mail notifications, e.g. smtps://user:pass@host (SUNDIAL_SMTP_URL)',
    )
    .option('--smtp-from <address>', 'sender address of e-mail notifications (SUNDIAL_SMTP_FROM)')
    .option(
      '--auth [mode]',
      'API authentication: on, off (loopback only) or auto (on once a token exists) (SUNDIAL_AUTH)',
      process.env.SUNDIAL_AUTH || 'auto',
    )
    .action(async (o) => {
      const retainDays = o.retainDays === undefined ? undefined : Number(o.retainDays);
      if (retainDays !== undefined && !(retainDays > 0)) {
        throw new ValidationError([
          { field: '--retain-days', problem: `must be a positive number of days, got "${o.retainDays}"` },
        ]);
      }
      const graceSeconds = Number(o.shutdownGraceSeconds);
      if (!(graceSeconds >= 0)) {
        throw new ValidationError([
          {
            field: '--shutdown-grace-seconds',
            problem: `must be a number of seconds, 0 or more, got "${o.shutdownGraceSeconds}"`,
          },
        ]);
      }
      // The AWS SDK is pinned on purpose (README, Choices): its warning that later releases need Node 22 is known.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const store = o.databaseUrl
        ? `PostgreSQL at ${redacted(o.databaseUrl)}`
        : `embedded PGlite in ${o.dataDir}`;
      if (!o.databaseUrl && !existsSync(join(o.dataDir, 'PG_VERSION'))) {
        console.error(`creating the embedded store in ${o.dataDir} (first start)…`);
      }
      // Loaded here, not at the top: the client commands need not load the server and the AWS SDKs.
      const { startSundial } = await import('../app.js');
      const { killShellJobsNow } = await import('../executors/shell/shell-executor.js');
      const sundial = await startSundial({
        port: Number(o.port),
        host: o.host,
        dataDir: o.dataDir,
        ...(o.databaseUrl && { databaseUrl: o.databaseUrl }),
        ...(o.publicUrl && { publicUrl: o.publicUrl }),
        shellConcurrency: Number(o.shellConcurrency),
        leaseTtlMs: Number(o.leaseSeconds) * 1000,
        loadSample: true,
        ...(retainDays && { retainDays }),
        notifications: {
          ...(o.smtpUrl && { smtpUrl: o.smtpUrl }),
          ...(o.smtpFrom && { smtpFrom: o.smtpFrom }),
        },
        auth: authMode(o.auth),
        // AWS executors: the SDK's own configuration and SUNDIAL_* variables, then these flags.
        aws: {
          ...(o.batchJobQueue && { batchJobQueue: o.batchJobQueue }),
          ...(o.ecsCluster && { ecsCluster: o.ecsCluster }),
          ...(o.awsPollMs && { poll: { slowMs: Number(o.awsPollMs) } }),
        },
      }).catch((e: unknown) => {
        throw o.databaseUrl ? databaseError(e, o.databaseUrl) : e;
      });
      console.error(`Sundial listening on ${sundial.url} (version ${sundialVersion()}, store: ${store})`);
      let shuttingDown = false;
      const exitNow = (why: string) => {
        console.error(why);
        killShellJobsNow(); // none outlives its scheduler unwatched; the next leader retries them
        process.exit(1);
      };
      const shutdown = (signal: NodeJS.Signals) => {
        if (shuttingDown) return exitNow(`${signal} again: exiting now; running shell jobs are killed`);
        shuttingDown = true;
        console.error(
          `${signal}: shutting down; running shell jobs get ${graceSeconds} s to end (${signal} again exits at once)`,
        );
        // Whatever hangs (a database that stopped answering), the process ends soon after the grace period.
        setTimeout(
          () => exitNow('shutdown did not finish in time: exiting; running shell jobs are killed'),
          graceSeconds * 1000 + SHUTDOWN_SLACK_MS,
        ).unref();
        sundial.close({ graceMs: graceSeconds * 1000 }).then(
          () => process.exit(0),
          (err: Error) => exitNow(`shutdown failed: ${err.message}`),
        );
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
}

function authMode(value: string | true): AuthMode {
  const mode = value === true ? 'on' : value;
  if (mode !== 'on' && mode !== 'off' && mode !== 'auto') {
    throw new ValidationError([{ field: '--auth', problem: `must be on, off or auto (got '${mode}')` }]);
  }
  return mode;
}

/** The URL without its password, fit for a console. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return url;
  }
}

/** What PostgreSQL's refusal means for the person starting the server. */
function databaseError(e: unknown, url: string): Error {
  const err = e as { code?: string; message?: string };
  const where = redacted(url);
  const fix = 'fix --database-url (DATABASE_URL), or leave it out to use the embedded store';
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return new Error(`cannot connect to PostgreSQL at ${where} (${err.code}): is it running? ${fix}`);
    case '3D000':
      return new Error(`${err.message} at ${where}: create it (createdb), or ${fix}`);
    case '28P01':
    case '28000':
      return new Error(`PostgreSQL at ${where} refused the login (${err.message}): ${fix}`);
    default:
      if (e instanceof TypeError && /url|Invalid/i.test(err.message ?? '')) {
        return new Error(`--database-url '${where}' is not a PostgreSQL URL (postgres://user@host:5432/db)`);
      }
      return e instanceof Error ? e : new Error(String(e));
  }
}
