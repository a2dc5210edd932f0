import type { RunOutcome } from '../domain/notification-rules.js';
import type { Queryable } from '../storage/database.js';
import { recentLogEntries } from '../storage/stores/entries-store.js';
import { getProcess } from '../storage/stores/processes-store.js';
import { tasksOfProcess } from '../storage/stores/tasks-store.js';

/** Log lines of a failed task a message carries. */
export const LOG_TAIL_LINES = 20;

/**
 * What every message about a run says, read when it is sent (a run's tasks
 * and logs are complete once it has ended).
 *
 * @example
 * const run = await loadRunSummary(db, processId, 'failed', 'https://sundial.example.com');
 */
export interface RunSummary {
  processId: string;
  definitionName: string;
  outcome: RunOutcome;
  startedAt: Date;
  endedAt: Date | undefined;
  /** Where a reader sees the run (web UI), and its API resource. */
  url: string;
  apiUrl: string;
  tasks: {
    name: string;
    /** 1 for the first attempt. */
    attempt: number;
    status: string;
    failureReason: string | undefined;
    /** The last lines of a failed attempt's log; empty for others. */
    logTail: string[];
  }[];
}

/** Where a reader sees a run: its page in the web UI served at the server's root. */
export function runUrl(publicUrl: string, processId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/runs/${processId}`;
}

/** The run as the API returns it. */
export function runApiUrl(publicUrl: string, processId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/processes/${processId}`;
}

/** The run as messages describe it; `outcome` is the one the message was decided on. */
export async function loadRunSummary(
  db: Queryable,
  processId: string,
  outcome: RunOutcome,
  publicUrl: string,
): Promise<RunSummary | undefined> {
  const process = await getProcess(db, processId);
  if (!process) return undefined;
  const tasks = await tasksOfProcess(db, processId);
  const failed = tasks.filter((t) => t.status === 'failed').map((t) => t.id);
  const lines = await recentLogEntries(db, failed, LOG_TAIL_LINES);
  return {
    processId,
    definitionName: process.definition_name,
    outcome,
    startedAt: process.started_at,
    endedAt: process.ended_at ?? undefined,
    url: runUrl(publicUrl, processId),
    apiUrl: runApiUrl(publicUrl, processId),
    tasks: tasks.map((t) => ({
      name: t.task_definition_name,
      attempt: t.attempt + 1,
      status: t.status,
      failureReason: t.failure_reason ?? undefined,
      logTail: lines.filter((l) => l.task_id === t.id).map((l) => l.message),
    })),
  };
}

/** `1h 2m 3s`, `4m 0s`, `12s`, `0.4s`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${Math.round(ms / 100) / 10}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h && `${h}h`, (h || m) && `${m}m`, `${s % 60}s`].filter(Boolean).join(' ');
}

export function durationOf(run: RunSummary): string {
  return run.endedAt ? formatDuration(run.endedAt.getTime() - run.startedAt.getTime()) : 'unknown';
}
