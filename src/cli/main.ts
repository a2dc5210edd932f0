import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { AuthMode } from '../app.js';
import { ValidationError } from '../domain/validation-error.js';
import { registerAwsEmulatorCommand } from './aws-emulator-command.js';
import { callApi, useApiToken } from './http-client.js';
import { registerLogsCommand } from './logs.js';
import { registerPlanCommand } from './plan.js';
import { printStatus } from './status.js';
import { registerTokenCommand } from './token.js';
import { registerValidateCommand } from './validate.js';

const program = new Command('sundial').description(
  'Batch-job scheduler: shell, AWS Batch, ECS and EMR jobs as DAGs',
);
const defaultUrl = process.env.SUNDIAL_URL ?? 'http://127.0.0.1:8080';
program
  .option('--token <token>', 'API token the client commands send (default: SUNDIAL_TOKEN)')
  .hook('preAction', () => useApiToken(program.opts<{ token?: string }>().token));

program
  .command('server')
  .description('run the API and the scheduler')
  .option('--port <port>', 'HTTP port', process.env.PORT ?? '8080')
  .option('--host <host>', 'address to listen on', process.env.SUNDIAL_HOST ?? '127.0.0.1')
  .option('--data-dir <dir>', 'embedded PGlite directory', process.env.SUNDIAL_DATA_DIR ?? '.sundial/data')
  .option('--database-url <url>', 'PostgreSQL URL (wins over --data-dir)', process.env.DATABASE_URL)
  .option('--public-url <url>', 'URL jobs use to call back', process.env.SUNDIAL_PUBLIC_URL)
  .option('--shell-concurrency <n>', 'most shell jobs at once', '32')
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
        { field: 'retain-days', problem: `must be a positive number of days, got "${o.retainDays}"` },
      ]);
    }
    // Loaded here, not at the top: the client commands need not load the server and the AWS SDKs.
    const { startSundial } = await import('../app.js');
    const sundial = await startSundial({
      port: Number(o.port),
      host: o.host,
      dataDir: o.dataDir,
      ...(o.databaseUrl && { databaseUrl: o.databaseUrl }),
      ...(o.publicUrl && { publicUrl: o.publicUrl }),
      shellConcurrency: Number(o.shellConcurrency),
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
    });
    console.error(`Sundial listening on ${sundial.url} (${sundial.db.kind})`);
    const shutdown = () => void sundial.close().then(() => process.exit(0));
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

program
  .command('apply')
  .description('create or replace a process definition')
  .requiredOption('-f, --file <file>', 'definition JSON')
  .option('--url <url>', 'Sundial URL', defaultUrl)
  .action(async (o) => {
    const def = readJson(o.file) as { process_definition_name?: string };
    const name = encodeURIComponent(def.process_definition_name ?? '');
    await callApi(o.url, 'PUT', `/api/process_definitions/${name}`, def);
    console.log(`applied ${def.process_definition_name}`);
  });

program
  .command('trigger <name>')
  .description('start a run now')
  .option('--task <task>', 'run only this task')
  .option('--url <url>', 'Sundial URL', defaultUrl)
  .action(async (name: string, o) => {
    const query = o.task ? `?task_definition_name=${encodeURIComponent(o.task)}` : '';
    await callApi(o.url, 'POST', `/api/process_definitions/${encodeURIComponent(name)}/trigger${query}`);
    console.log(`triggered ${name}${o.task ? ` (task ${o.task})` : ''}`);
  });

program
  .command('status [name]')
  .description('recent runs, of one definition or all')
  .option('--url <url>', 'Sundial URL', defaultUrl)
  .option('-n, --limit <n>', 'how many runs', '10')
  .action(async (name: string | undefined, o) => printStatus(o.url, name, Number(o.limit)));

function authMode(value: string | true): AuthMode {
  const mode = value === true ? 'on' : value;
  if (mode !== 'on' && mode !== 'off' && mode !== 'auto') {
    throw new ValidationError([{ field: '--auth', problem: `must be on, off or auto (got '${mode}')` }]);
  }
  return mode;
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ValidationError([{ field: 'file', problem: `${file}: ${(e as Error).message}` }]);
  }
}

registerValidateCommand(program);
registerLogsCommand(program);
registerPlanCommand(program);
registerTokenCommand(program);
registerAwsEmulatorCommand(program);

program.parseAsync().catch((e: Error) => {
  console.error(`error: ${e.message}`);
  process.exit(e instanceof ValidationError ? 2 : 1);
});
