import { isTaskActive, type TaskDefinition, type TaskStatus } from './types.js';

/** What the engine knows about one task definition inside a running process. */
export interface TaskDefinitionProgress {
  /** Number of tasks (attempts) created so far. */
  attempts: number;
  /** True once any attempt has ended, successfully or not. */
  completedOnce: boolean;
  latest?: { status: TaskStatus; endedAt?: number };
}

/** Granted by a process retry: one more attempt, the first of which skips backoff. */
export interface RetryGrant {
  maxAttempts: number;
  backoffWaivedAtAttempt: number;
}

export interface ProcessView {
  taskDefinitions: readonly TaskDefinition[];
  progress: ReadonlyMap<string, TaskDefinitionProgress>;
  killRequested: boolean;
  grants?: Readonly<Record<string, RetryGrant>>;
}

export interface ProcessPlan {
  /** Task definitions to start now. */
  start: string[];
  /** Set when nothing runs and nothing can ever start: the process is over. */
  outcome?: 'succeeded' | 'failed';
  /** Earliest time (ms) a task blocked only by backoff becomes startable. */
  wakeAt?: number;
}

/**
 * The scheduling rules of docs/semantics.md ("When a task definition may
 * start" and "When a process ends") as one pure function.
 *
 * @example
 * const plan = planProcess({ taskDefinitions, progress, killRequested: false }, Date.now());
 * for (const name of plan.start) createTask(name);
 */
export function planProcess(view: ProcessView, now: number): ProcessPlan {
  const byName = new Map(view.taskDefinitions.map((t) => [t.task_definition_name, t]));
  const progressOf = (name: string): TaskDefinitionProgress =>
    view.progress.get(name) ?? { attempts: 0, completedOnce: false };
  const running = (name: string) => {
    const latest = progressOf(name).latest;
    return latest !== undefined && isTaskActive(latest.status);
  };
  const succeeded = (name: string) => progressOf(name).latest?.status === 'succeeded';
  const maxAttempts = (t: TaskDefinition) =>
    view.grants?.[t.task_definition_name]?.maxAttempts ?? t.max_attempts;

  // "May this definition ever start (again)?", memoised over the acyclic graph.
  const memo = new Map<string, boolean>();
  const canStillStart = (name: string): boolean => {
    const cached = memo.get(name);
    if (cached !== undefined) return cached;
    const t = byName.get(name);
    let result = false;
    if (
      t &&
      !view.killRequested &&
      !succeeded(name) &&
      !running(name) &&
      progressOf(name).attempts < maxAttempts(t)
    ) {
      result = t.dependencies.every((d) => {
        const dep = d.task_definition_name;
        if (!byName.has(dep)) return true;
        if (d.success_required === false)
          return progressOf(dep).completedOnce || running(dep) || canStillStart(dep);
        return succeeded(dep) || running(dep) || canStillStart(dep);
      });
    }
    memo.set(name, result);
    return result;
  };

  const start: string[] = [];
  let wakeAt: number | undefined;
  let anyRunning = false;
  let anyPossible = false;
  for (const t of view.taskDefinitions) {
    const name = t.task_definition_name;
    if (running(name)) anyRunning = true;
    if (!canStillStart(name)) continue;
    anyPossible = true;
    if (!dependenciesMet(t, byName, progressOf)) continue;
    const readyAt = backoffReadyAt(t, progressOf(name), view.grants?.[name]);
    if (readyAt <= now) start.push(name);
    else wakeAt = Math.min(wakeAt ?? readyAt, readyAt);
  }
  if (anyRunning || anyPossible) return { start, ...(wakeAt !== undefined && { wakeAt }) };
  const anyFailed = view.taskDefinitions.some(
    (t) => progressOf(t.task_definition_name).latest?.status === 'failed',
  );
  return { start, outcome: anyFailed || view.killRequested ? 'failed' : 'succeeded' };
}

/** A process view with its definitions by name (built once per process, not per plan). */
export interface IndexedProcessView extends ProcessView {
  byName: ReadonlyMap<string, TaskDefinition>;
}

/** What {@link planTasks} found among the task definitions it looked at. */
export interface TasksPlan {
  /** Task definitions to start now, in the order asked. */
  start: string[];
  /** Those blocked only by backoff, with when (ms) each becomes startable. */
  waiting: Map<string, number>;
}

/**
 * The start rules of {@link planProcess} for the named task definitions
 * only: what an engine asks after an attempt ends, for the attempt's own
 * definition (a retry) and its dependents (the only ones the end can make
 * startable). It costs O(their dependencies), not O(definitions). For a
 * definition whose dependencies are met, "may it still start" depends on
 * itself alone, so the answer is the full plan's for these names. Whether
 * the process is over is the full plan's to say.
 *
 * @example
 * const { start, waiting } = planTasks(view, ['load', ...dependentsOf('load')], Date.now());
 */
export function planTasks(view: IndexedProcessView, names: Iterable<string>, now: number): TasksPlan {
  const byName = view.byName;
  const progressOf = (name: string): TaskDefinitionProgress =>
    view.progress.get(name) ?? { attempts: 0, completedOnce: false };
  const start: string[] = [];
  const waiting = new Map<string, number>();
  if (view.killRequested) return { start, waiting };
  for (const name of names) {
    const t = byName.get(name);
    if (!t) continue;
    const p = progressOf(name);
    const latest = p.latest?.status;
    if (latest === 'succeeded' || (latest !== undefined && isTaskActive(latest))) continue;
    const max = view.grants?.[name]?.maxAttempts ?? t.max_attempts;
    if (p.attempts >= max || !dependenciesMet(t, byName, progressOf)) continue;
    const readyAt = backoffReadyAt(t, p, view.grants?.[name]);
    if (readyAt <= now) start.push(name);
    else waiting.set(name, readyAt);
  }
  return { start, waiting };
}

function dependenciesMet(
  t: TaskDefinition,
  byName: ReadonlyMap<string, TaskDefinition>,
  progressOf: (name: string) => TaskDefinitionProgress,
): boolean {
  return t.dependencies.every((d) => {
    if (!byName.has(d.task_definition_name)) return true; // outside a trigger's task filter
    const p = progressOf(d.task_definition_name);
    return d.success_required === false ? p.completedOnce : p.latest?.status === 'succeeded';
  });
}

/**
 * After a failed attempt, wait `backoff_base_seconds * backoff_exponent ^ attempts`
 * from the end of that attempt; a retry grant waives it once.
 */
export function backoffReadyAt(t: TaskDefinition, p: TaskDefinitionProgress, grant?: RetryGrant): number {
  if (p.latest?.status !== 'failed' || p.latest.endedAt === undefined) return 0;
  if (grant && grant.backoffWaivedAtAttempt === p.attempts) return 0;
  const seconds = t.backoff_base_seconds * (t.backoff_exponent ?? 1) ** p.attempts;
  return p.latest.endedAt + seconds * 1000;
}
