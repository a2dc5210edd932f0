import { notificationRecipient } from '../domain/notification-recipient.js';
import type { Queryable } from '../storage/database.js';
import { type DeliveryHistoryRow, deliveryHistory } from '../storage/stores/delivery-history-store.js';
import { type LogEntryRow, metadataOf, recentLogEntries } from '../storage/stores/entries-store.js';
import type { ProcessHead } from '../storage/stores/processes-store.js';
import { type TaskRow, tasksOfProcesses } from '../storage/stores/tasks-store.js';

/** Log lines inlined in a task's `log_entries`; the full log is paged at /api/tasks/{id}/logs. */
export const INLINE_LOG_ENTRIES = 500;

export interface WireLogEntry {
  log_entry_id: string;
  when: string;
  source: string;
  message: string;
}

export function logEntryToWire(l: LogEntryRow): WireLogEntry {
  return { log_entry_id: l.id, when: l.at.toISOString(), source: l.source, message: l.message };
}

/**
 * Tasks in the original API's shape, with their log and metadata entries;
 * `inlineLogs` lines of each log (the UI asks for none and pages the log).
 */
export async function tasksToWire(db: Queryable, tasks: readonly TaskRow[], inlineLogs = INLINE_LOG_ENTRIES) {
  const ids = tasks.map((t) => t.id);
  const [logs, metadata] = await Promise.all([
    inlineLogs > 0 ? recentLogEntries(db, ids, inlineLogs) : [],
    metadataOf(db, ids),
  ]);
  const logsByTask = groupBy(logs, (l) => l.task_id);
  const metaByTask = groupBy(metadata, (m) => m.task_id);
  return tasks.map((t) => ({
    task_id: t.id,
    process_id: t.process_id,
    process_definition_name: t.definition_name,
    task_definition_name: t.task_definition_name,
    start_time: t.started_at.toISOString(),
    ...(t.ended_at && { end_time: t.ended_at.toISOString() }),
    previous_attempt_count: t.attempt,
    status: t.status,
    ...(t.failure_reason && { failure_reason: t.failure_reason }),
    executable: t.executable,
    log_entries: (logsByTask.get(t.id) ?? []).map(logEntryToWire),
    metadata_entries: (metaByTask.get(t.id) ?? []).map((m) => ({
      metadata_entry_id: m.id,
      when: m.at.toISOString(),
      key: m.key,
      value: m.value,
    })),
    ...(isCost(t.execution_state.cost) && { cost: t.execution_state.cost }),
    execution_state: Object.entries(t.execution_state).map(([key, value]) => ({
      metadata_entry_id: `${t.id}:${key}`,
      when: t.started_at.toISOString(),
      key,
      value: typeof value === 'string' ? value : JSON.stringify(value),
    })),
  }));
}

/**
 * Processes in the original API's shape (`task` carries every attempt), plus
 * `notification_deliveries`: each message about the run's end and its delivery
 * attempts (only when there are any; older clients ignore it).
 */
export async function processesToWire(
  db: Queryable,
  processes: readonly ProcessHead[],
  inlineLogs = INLINE_LOG_ENTRIES,
) {
  const ids = processes.map((p) => p.id);
  const [tasks, deliveries] = await Promise.all([
    tasksOfProcesses(db, ids).then((rows) => tasksToWire(db, rows, inlineLogs)),
    deliveryHistory(db, ids),
  ]);
  const byProcess = groupBy(tasks, (t) => t.process_id);
  const deliveriesByProcess = groupBy(deliveries, (d) => d.process_id);
  return processes.map((p) => {
    const its = byProcess.get(p.id) ?? [];
    return processToWire(p, its, costOfRun(its), deliveriesByProcess.get(p.id));
  });
}

/**
 * One process in the same shape with only a page of its tasks in `task`
 * (see tasksOfProcessPage); `cost_usd` is still the whole run's.
 *
 * @example
 * const page = await tasksOfProcessPage(db, id, { limit: 100 });
 * return processPageToWire(db, process, page, await costOfProcess(db, id), 0);
 */
export async function processPageToWire(
  db: Queryable,
  process: ProcessHead,
  page: readonly TaskRow[],
  costUsd: number | null,
  inlineLogs = INLINE_LOG_ENTRIES,
) {
  const [tasks, deliveries] = await Promise.all([
    tasksToWire(db, page, inlineLogs),
    deliveryHistory(db, [process.id]),
  ]);
  const cost = costUsd === null ? {} : { cost_usd: roundUsd(costUsd) };
  return processToWire(process, tasks, cost, deliveries);
}

function processToWire(
  p: ProcessHead,
  tasks: Awaited<ReturnType<typeof tasksToWire>>,
  cost: { cost_usd?: number },
  deliveries: readonly DeliveryHistoryRow[] | undefined,
) {
  return {
    process_id: p.id,
    process_definition_name: p.definition_name,
    start_time: p.started_at.toISOString(),
    ...(p.ended_at && { end_time: p.ended_at.toISOString() }),
    status: p.status,
    ...(p.kill_reason && { kill_reason: p.kill_reason }),
    task: tasks,
    ...cost,
    ...(deliveries?.length && { notification_deliveries: deliveries.map(deliveryToWire) }),
  };
}

/** What an AWS executor recorded a job cost (`execution_state.cost`, with a price table configured). */
function isCost(value: unknown): value is { usd: number; instance_hours: number } {
  return typeof (value as { usd?: unknown } | undefined)?.usd === 'number';
}

/** A run's cost: the sum over its tasks that have one (none when no task has). */
function costOfRun(tasks: readonly { cost?: { usd: number } }[]): { cost_usd?: number } {
  const costs = tasks.flatMap((t) => (t.cost ? [t.cost.usd] : []));
  if (costs.length === 0) return {};
  return { cost_usd: roundUsd(costs.reduce((a, b) => a + b, 0)) };
}

function roundUsd(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

function deliveryToWire(d: DeliveryHistoryRow) {
  const iso = (at: string | null) => (at ? new Date(at).toISOString() : undefined);
  return {
    notification_id: d.id,
    kind: d.kind,
    to: notificationRecipient(d.kind, d.target),
    event: d.event,
    status: d.status,
    ...(d.status === 'pending' && { next_attempt_time: d.next_attempt_at.toISOString() }),
    attempts: d.attempt_log.map((a) => ({
      attempt: a.attempt,
      start_time: iso(a.started_at),
      ...(a.ended_at && { end_time: iso(a.ended_at) }),
      result: a.result,
      ...(a.detail && { detail: a.detail }),
    })),
  };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
