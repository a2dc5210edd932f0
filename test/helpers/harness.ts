import { pino } from 'pino';
import { type Sundial, type SundialOptions, startSundial } from '../../src/app.js';
import type { ProcessDefinition, TaskDefinition } from '../../src/domain/types.js';
import './server-modules.js';
import { freshDatabase } from './test-database.js';

export interface WireTask {
  task_id: string;
  task_definition_name: string;
  status: string;
  previous_attempt_count: number;
  start_time: string;
  end_time?: string;
  failure_reason?: string;
  log_entries: { source: string; message: string; when: string }[];
  metadata_entries: { key: string; value: string }[];
}

export interface WireProcess {
  process_id: string;
  process_definition_name: string;
  status: 'running' | 'succeeded' | 'failed';
  start_time: string;
  end_time?: string;
  kill_reason?: string;
  task: WireTask[];
}

export interface Response<T = unknown> {
  status: number;
  body: T;
}

/**
 * A Sundial on a fresh database (PGlite or PostgreSQL per the Vitest
 * project), driven only through its HTTP API.
 *
 * @example
 * const h = await startHarness();
 * await h.put(definition);
 * const run = await h.triggerAndWait('nightly');
 */
export class Harness {
  /** Sent as `Authorization: Bearer …` by every request when set (servers with auth on). */
  token: string | undefined;

  private constructor(
    readonly sundial: Sundial,
    private readonly dropDb: () => Promise<void>,
  ) {}

  static async start(options: SundialOptions = {}): Promise<Harness> {
    const db = await freshDatabase();
    const sundial = await startSundial({
      port: 0,
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      ...db.options,
      ...options,
    });
    return new Harness(sundial, db.drop);
  }

  get url(): string {
    return this.sundial.url;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    rawBody?: string,
  ): Promise<Response<T>> {
    const headers: Record<string, string> = this.token ? { authorization: `Bearer ${this.token}` } : {};
    const init: RequestInit = { method, headers };
    if (rawBody !== undefined || body !== undefined) {
      init.body = rawBody ?? JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(`${this.url}${path}`, init);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async put(def: ProcessDefinition): Promise<Response> {
    const res = await this.request(
      'PUT',
      `/api/process_definitions/${encodeURIComponent(def.process_definition_name)}`,
      def,
    );
    if (res.status !== 200) throw new Error(`PUT failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  async trigger(name: string, task?: string): Promise<void> {
    const q = task ? `?task_definition_name=${encodeURIComponent(task)}` : '';
    const res = await this.request(
      'POST',
      `/api/process_definitions/${encodeURIComponent(name)}/trigger${q}`,
    );
    if (res.status !== 204) throw new Error(`trigger failed: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async processes(name: string): Promise<WireProcess[]> {
    return (
      await this.request<WireProcess[]>(
        'GET',
        `/api/processes?process_definition_name=${encodeURIComponent(name)}`,
      )
    ).body;
  }

  async process(id: string): Promise<WireProcess> {
    return (await this.request<WireProcess>('GET', `/api/processes/${id}`)).body;
  }

  /** Waits until `name` has at least `count` runs and returns the newest. */
  async waitForRun(name: string, count = 1, timeoutMs = 20_000): Promise<WireProcess> {
    return waitFor(async () => {
      const runs = await this.processes(name);
      return runs.length >= count ? runs[0] : undefined;
    }, timeoutMs);
  }

  /** Waits until the run has ended; on a timeout the error holds its tasks and the end of its log. */
  async waitForEnd(processId: string, timeoutMs = 30_000): Promise<WireProcess> {
    try {
      return await waitFor(async () => {
        const p = await this.process(processId);
        return p.status === 'running' ? undefined : p;
      }, timeoutMs);
    } catch (e) {
      const p = await this.process(processId);
      const tasks = p.task.map(
        (t) =>
          `${t.task_definition_name}#${t.previous_attempt_count} ${t.status}` +
          (t.failure_reason ? ` (${t.failure_reason})` : ''),
      );
      const log = await this.request<{ entries: { source: string; message: string }[] }>(
        'GET',
        `/api/processes/${processId}/logs?order=time`,
      );
      const lines = log.body.entries.slice(-20).map((l) => `  [${l.source}] ${l.message}`);
      throw new Error(
        `${(e as Error).message}: run ${processId} ${p.status}${p.kill_reason ? ` (kill: ${p.kill_reason})` : ''}; ` +
          `tasks: ${tasks.join(', ') || 'none'}; log:\n${lines.join('\n')}`,
      );
    }
  }

  /** Triggers `name` (only `task` when given) and returns the new run as soon as it exists. */
  async startRun(name: string, task?: string): Promise<WireProcess> {
    const before = (await this.processes(name)).length;
    await this.trigger(name, task);
    return this.waitForRun(name, before + 1);
  }

  async triggerAndWait(name: string, task?: string, timeoutMs?: number): Promise<WireProcess> {
    const run = await this.startRun(name, task);
    return this.waitForEnd(run.process_id, timeoutMs);
  }

  async close(): Promise<void> {
    await this.sundial.close();
    await this.dropDb();
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last state. */
export async function waitFor<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A shell task definition with sensible test defaults. */
export function shellTask(name: string, script: string, extra: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    task_definition_name: name,
    dependencies: [],
    executable: { shell_script_command: { script } },
    max_attempts: 1,
    backoff_base_seconds: 0,
    ...extra,
  };
}

export const dependsOn = (...names: string[]) =>
  names.map((task_definition_name) => ({ task_definition_name, success_required: true }));

/** Latest attempt of each task definition in a run. */
export function latestTasks(p: WireProcess): Map<string, WireTask> {
  const latest = new Map<string, WireTask>();
  for (const t of p.task) {
    const seen = latest.get(t.task_definition_name);
    if (!seen || seen.previous_attempt_count < t.previous_attempt_count)
      latest.set(t.task_definition_name, t);
  }
  return latest;
}
