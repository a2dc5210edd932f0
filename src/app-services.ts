import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Registry } from 'prom-client';
import { assertSafeBind } from './api/auth/bind-check.js';
import { taskToken } from './api/auth/task-token.js';
import { buildApi } from './api/server.js';
import type { Sundial, SundialOptions } from './app.js';
import {
  AWS_EXECUTOR_KINDS,
  type AwsClientSettings,
  type AwsExecutorOptions,
  callRate,
  isFargate,
} from './executors/aws/aws-options.js';
import { pooledLogClients } from './executors/aws/log-client-pools.js';
import type { Executor } from './executors/executor.js';
import { lazyExecutors } from './executors/lazy-executors.js';
import { NoopExecutor } from './executors/noop/noop-executor.js';
import { SecretReader } from './executors/secrets/secret-reader.js';
import { ShellExecutor } from './executors/shell/shell-executor.js';
import { LiveLogs } from './logs/live-logs.js';
import type { AwsLogClientConfig } from './logs/log-options.js';
import { NotificationMetrics } from './notifications/notification-metrics.js';
import { NotificationSender } from './notifications/notification-sender.js';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  notificationSettingsFromEnv,
} from './notifications/notification-settings.js';
import { sampleProcess } from './sample-process.js';
import { Engine } from './scheduler/engine.js';
import { HistoryRetention } from './scheduler/history-retention.js';
import { ProcessStarter } from './scheduler/process-starter.js';
import { DEFAULT_LEASE_TTL_MS, type LeaderParts, Scheduler, WAKE_CHANNEL } from './scheduler/scheduler.js';
import { SchedulerMetrics } from './scheduler/scheduler-metrics.js';
import type { Database } from './storage/database.js';
import { listDefinitions, upsertDefinition } from './storage/stores/definitions-store.js';
import { pendingNotificationCounts } from './storage/stores/outbox-store.js';
import { serverSecret } from './storage/stores/server-secrets-store.js';
import { activeTaskCounts, getTask } from './storage/stores/tasks-store.js';
import { activeTokenCount } from './storage/stores/tokens-store.js';
import { insertTriggerRequest } from './storage/stores/triggers-store.js';

/**
 * What `startSundial` runs over an open database: the API (listening when this resolves), the
 * live logs, the notification sender and the scheduler. Its own module, so that `startSundial`
 * can load it while the database opens. `awsEnv` is the AWS settings already read from the
 * environment (undefined with `aws: false`). On a refused bind the database is closed.
 *
 * @example
 * const db = await openDatabase({ dataDir: 'memory://' });
 * const sundial = await startServices(db, { port: 0 }, pino(), awsOptionsFromEnv());
 */
export async function startServices(
  db: Database,
  options: SundialOptions,
  logger: Logger,
  awsEnv: AwsExecutorOptions | undefined,
): Promise<Sundial> {
  const mode = options.auth ?? 'auto';
  const auth = {
    enabled: mode === 'on' || (mode === 'auto' && (await activeTokenCount(db)) > 0),
    taskTokenKey: await serverSecret(db, 'task-token-key'),
    sessionKey: await serverSecret(db, 'session-key'),
    rateLimitPerMinute:
      options.rateLimitPerMinute ?? Number(process.env.SUNDIAL_RATE_LIMIT_PER_MINUTE ?? 1200),
  };
  const host = options.host ?? '127.0.0.1';
  try {
    assertSafeBind(host, auth.enabled);
  } catch (e) {
    await db.close();
    throw e;
  }
  const replicaId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const metrics = new Registry();
  const aws = awsEnv && awsOptions(db, logger, metrics, { ...awsEnv, ...(options.aws || {}) });
  const liveLogs = new LiveLogs({
    db,
    logger,
    replicaId,
    options: options.liveLogs,
    clients: logClientsOf(aws, options.liveLogs?.aws),
  });
  await liveLogs.start();
  let scheduler: Scheduler | undefined;
  let closing = false;
  const api = await buildApi(
    {
      db,
      auth,
      logs: liveLogs,
      wake: (payload) => {
        scheduler?.wake(payload);
        void db.notify(WAKE_CHANNEL, payload).catch(() => {});
      },
      shuttingDown: () => closing,
      ecsFargate: isFargate(aws?.ecsLaunchType),
    },
    logger,
    metrics,
  );
  const address = await api.listen({ port: options.port ?? 8080, host });
  const port = Number(new URL(address).port);
  const url = `http://127.0.0.1:${port}`;
  const sender = new NotificationSender({
    db,
    logger,
    senderId: replicaId,
    publicUrl: options.publicUrl ?? url,
    settings: {
      ...DEFAULT_NOTIFICATION_SETTINGS,
      ...notificationSettingsFromEnv(process.env),
      ...options.notifications,
    },
    metrics: new NotificationMetrics(metrics, () => pendingNotificationCounts(db)),
  });
  if (auth.enabled) logger.info('API authentication is on');
  const publicUrl = options.publicUrl ?? url;
  const schedulerMetrics = new SchedulerMetrics(metrics, () => activeTaskCounts(db));
  // Every term as leader gets a new engine, executors and starter over the term's fenced database.
  const lead = (fenced: Database, leading: () => boolean): LeaderParts => {
    const engine = new Engine({
      db: fenced,
      logger,
      replicaId,
      publicUrl,
      liveLogs,
      onProcessFinished: () => {
        scheduler?.wake('tick'); // a waiting overlap may now start
        sender.wake(); // the run's notifications are in the outbox
      },
      taskToken: (taskId) => taskToken(auth.taskTokenKey, taskId),
      onDispatched: (ms) => schedulerMetrics.dispatched(ms),
      leading,
      untrackedGraceMs: (options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS) + 2000,
    });
    for (const executor of executorsOf(engine, options, aws)) engine.register(executor);
    const starter = new ProcessStarter(fenced, logger, (ids) => {
      for (const id of ids) engine.markDirty(id);
    });
    return { engine, starter };
  };
  scheduler = new Scheduler({
    db,
    lead,
    logger,
    replicaId,
    events: schedulerMetrics,
    ...(options.tickMs && { tickMs: options.tickMs }),
    ...(options.leaseTtlMs && { leaseTtlMs: options.leaseTtlMs }),
  });
  if (options.loadSample && db.kind === 'pglite' && (await listDefinitions(db)).length === 0) {
    await upsertDefinition(db, sampleProcess, new Date());
    await insertTriggerRequest(db, sampleProcess.process_definition_name, undefined, new Date());
    logger.info('loaded the sample process "hello-sundial" and triggered it');
  }
  await scheduler.start();
  sender.start();
  const leader = scheduler;
  const retention = options.retainDays
    ? new HistoryRetention({ db, logger, retainDays: options.retainDays, isLeader: () => leader.isLeader })
    : undefined;
  retention?.start();
  return {
    url,
    db,
    api,
    scheduler,
    async close({ graceMs = 0 } = {}) {
      closing = true;
      await retention?.stop();
      // Before the API: running jobs may still call back while they finish.
      await scheduler?.stop(graceMs);
      await api.close();
      await sender.stop();
      await liveLogs.close();
      await db.close();
    },
  };
}

/**
 * The executors of one engine: shell, noop, AWS unless turned off, and the caller's own. The AWS
 * ones (and their SDK clients) are loaded at the first AWS task.
 */
function executorsOf(
  engine: Engine,
  options: SundialOptions,
  aws: AwsExecutorOptions | undefined,
): Executor[] {
  const shell = new ShellExecutor(engine, {
    ...(options.shellConcurrency && { concurrency: options.shellConcurrency }),
    // Secrets in AWS are read with the AWS executors' settings (endpoint, credentials).
    secrets: new SecretReader(aws?.client),
  });
  const list: Executor[] = [shell, new NoopExecutor(engine)];
  if (aws)
    list.push(
      ...lazyExecutors(AWS_EXECUTOR_KINDS, async () => {
        const { createAwsExecutors } = await import('./executors/aws/aws-executors.js');
        return createAwsExecutors(engine, aws);
      }),
    );
  return [...list, ...(options.executors?.(engine) ?? [])];
}

/** The AWS executors' settings, made once for every term: the given ones (environment's and caller's), cost and call metrics. */
function awsOptions(
  db: Database,
  logger: Logger,
  metrics: Registry,
  given: AwsExecutorOptions,
): AwsExecutorOptions {
  const aws = { logger, ...given };
  const awsCost = new Counter({
    name: 'sundial_aws_cost_usd_total',
    help: 'What AWS jobs this replica followed cost (USD, from the configured price table)',
    labelNames: ['executor'],
    registers: [metrics],
  });
  aws.onCost ??= (executor, usd) => awsCost.inc({ executor }, usd);
  const awsCalls = new Counter({
    name: 'sundial_aws_calls_total',
    help: 'AWS calls this replica made (after the SDK retries), by service, operation and outcome (ok, throttled, error)',
    labelNames: ['service', 'operation', 'outcome'],
    registers: [metrics],
  });
  aws.client = { onCall: (call) => awsCalls.inc({ ...call }), ...aws.client };
  aws.endedTasks ??= async (ids) => {
    const rows = await Promise.all(ids.map((id) => getTask(db, id)));
    return rows.flatMap((t) => (t?.ended_at ? [t.id] : []));
  };
  return aws;
}

/**
 * The tailers' clients: they reach AWS like the executors (endpoint, credentials, retries, and a
 * token bucket per service and region at the same rate) unless `liveLogs.aws` says otherwise.
 */
function logClientsOf(aws: AwsExecutorOptions | undefined, own: AwsLogClientConfig | undefined) {
  const settings: AwsClientSettings | undefined = own ? { ...aws?.client, ...own } : aws?.client;
  return pooledLogClients(settings, callRate(aws?.callRate));
}
