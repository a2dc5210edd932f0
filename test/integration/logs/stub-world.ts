import { pino } from 'pino';
import { type Sundial, startSundial } from '../../../src/app.js';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import type { TaskRun } from '../../../src/executors/executor.js';
import type { LiveLogOptions } from '../../../src/logs/log-options.js';
import type { LogStreamRef } from '../../../src/logs/log-stream-ref.js';
import { waitFor } from '../../helpers/harness.js';
import { clientConfig } from '../aws-emulator/helpers.js';
import { allLines } from './helpers.js';
import { RemoteLogExecutor } from './remote-log-executor.js';

/** A Sundial whose `batch` tasks are a stub following a remote log the test writes to. */
export interface StubWorld {
  sundial: Sundial;
  stub: RemoteLogExecutor;
}

/**
 * Starts Sundial on `dbOptions` with the stub executor and tailers talking
 * to the emulator, polling fast so tests stay short.
 */
export async function startStubWorld(
  emulator: AwsEmulator,
  dbOptions: { databaseUrl?: string; dataDir?: string },
  refOf: (run: TaskRun) => LogStreamRef,
  liveLogs: LiveLogOptions = {},
): Promise<StubWorld> {
  const { endpoint, credentials } = clientConfig(emulator);
  let stub: RemoteLogExecutor | undefined;
  const sundial = await startSundial({
    port: 0,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...dbOptions,
    aws: false,
    executors: (host) => {
      stub = new RemoteLogExecutor(host, 'batch', refOf);
      return [stub];
    },
    liveLogs: {
      aws: { endpoint, credentials },
      minPollMs: 50,
      maxPollMs: 200,
      unwatchedPollMs: 200,
      s3UnwatchedPollMs: 200,
      graceMs: 1500,
      ...liveLogs,
    },
  });
  return { sundial, stub: stub! };
}

/** Defines and triggers a one-task process and waits until its task runs. */
export async function startRun(s: Sundial, name: string): Promise<{ processId: string; taskId: string }> {
  const req = (method: string, path: string, body?: unknown) =>
    fetch(`${s.url}${path}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });
  await req('PUT', `/api/process_definitions/${name}`, {
    process_definition_name: name,
    task_definitions: [
      {
        task_definition_name: 'job',
        dependencies: [],
        executable: { batch_image_command: { image: 'acme/job', command: ['run'], memory: 512 } },
        max_attempts: 1,
        backoff_base_seconds: 0,
      },
    ],
  });
  await req('POST', `/api/process_definitions/${name}/trigger`);
  return waitFor(async () => {
    const [p] = (await (await req('GET', `/api/processes?process_definition_name=${name}`)).json()) as {
      process_id: string;
      task: { task_id: string; status: string }[];
    }[];
    const t = p?.task[0];
    return t?.status === 'running' ? { processId: p!.process_id, taskId: t.task_id } : undefined;
  });
}

/** Messages of one source stored for a task. */
export async function messagesOf(s: Sundial, taskId: string, source: string): Promise<string[]> {
  return (await allLines(s.url, `/api/tasks/${taskId}/logs`, 1000))
    .filter((l) => l.source === source)
    .map((l) => l.message);
}

/** Waits until a task has exactly `count` lines of `source`. */
export function waitForLines(s: Sundial, taskId: string, source: string, count: number, timeoutMs = 30_000) {
  return waitFor(
    async () => ((await messagesOf(s, taskId, source)).length === count ? true : undefined),
    timeoutMs,
  );
}

export const lineRange = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);
