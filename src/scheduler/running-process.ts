import {
  type IndexedProcessView,
  type ProcessPlan,
  planProcess,
  planTasks,
  type RetryGrant,
} from '../domain/process-plan.js';
import { type PlanningProgress, progressFromTasks, withOwnRecords } from '../domain/task-progress.js';
import { isTaskActive, type TaskDefinition, type TaskStatus } from '../domain/types.js';
import type { PlanningView } from '../storage/stores/processes-store.js';

/**
 * What the engine knows of one running process: its task definitions (a
 * snapshot that never changes), the state the API may change (kill request,
 * retry grants) and every attempt's progress. The engine is the only writer
 * of task rows, so it keeps the progress up to date from its own writes and
 * plans the next step without reading the process back after every task.
 * Changes made elsewhere (a kill, a retry, a restart) arrive as a wake-up
 * that marks the process stale; the next evaluation then reloads it.
 *
 * Planning is incremental: after a load it plans the whole process once;
 * after that an attempt's end only looks at the attempt's own definition
 * and its dependents (and at those waiting out a backoff), so a task's end
 * costs O(its dependents) however big the process. The whole process is
 * planned again only when nothing runs and nothing can start from there:
 * that is when it may be over.
 *
 * @example
 * const p = RunningProcess.load(await planningView(db, id, { withDefinitions: true }));
 * const plan = p.plan(Date.now());
 * p.started(await insertTasks(db, common, plan.start.map(toNewTask)));
 */
export class RunningProcess {
  readonly byName: ReadonlyMap<string, TaskDefinition>;
  /** The definitions in snapshot order, as planning reads them (planned twice per task end). */
  private readonly definitions: readonly TaskDefinition[];
  /** Names some other task depends on: only their ends can make a task startable. */
  readonly dependedOn: ReadonlySet<string>;
  /** The definitions depending on each name, in snapshot order. */
  private readonly dependents = new Map<string, string[]>();
  readonly definitionName: string;
  killReason: string | undefined;
  killRequested = false;
  /** Set when the database may hold changes this copy has not seen. */
  stale = false;
  private grants: Readonly<Record<string, RetryGrant>> = {};
  private progress: Map<string, PlanningProgress> = new Map();
  /** Names whose latest attempt is active. */
  private running = new Set<string>();
  /** Names an attempt's end may have made startable, for the next plan to look at. */
  private readonly examine = new Set<string>();
  /** Names blocked only by backoff, with when each may start. */
  private waiting = new Map<string, number>();
  /** Set when the next plan must look at every definition (after a load or a refresh). */
  private whole = true;

  private constructor(definitionName: string, definitions: readonly TaskDefinition[]) {
    this.definitionName = definitionName;
    this.definitions = definitions;
    this.byName = new Map(definitions.map((t) => [t.task_definition_name, t]));
    for (const t of definitions)
      for (const d of t.dependencies) {
        const list = this.dependents.get(d.task_definition_name);
        if (list) list.push(t.task_definition_name);
        else this.dependents.set(d.task_definition_name, [t.task_definition_name]);
      }
    this.dependedOn = new Set(this.dependents.keys());
  }

  /** From a planning view read with its task definitions. */
  static load(view: PlanningView): RunningProcess {
    if (!view.task_definitions) throw new Error('a process is loaded with its task definitions');
    const p = new RunningProcess(view.definition_name, view.task_definitions);
    p.refresh(view);
    return p;
  }

  /**
   * Takes the database's state as the truth again (after a wake-up from
   * elsewhere), but for the attempts this engine started or ended since the
   * view was read.
   */
  refresh(view: PlanningView): void {
    this.killRequested = view.kill_requested_at !== null;
    this.killReason = view.kill_reason ?? undefined;
    this.grants = view.retry_grants;
    // A start or an end this engine stored while the view was read may be missing from it.
    this.progress = withOwnRecords(progressFromTasks(view.tasks), this.progress);
    this.running = new Set();
    for (const [name, p] of this.progress)
      if (p.latest && isTaskActive(p.latest.status)) this.running.add(name);
    this.whole = true;
    this.stale = false;
  }

  /** Attempts this engine recorded. */
  started(rows: readonly { task_definition_name: string; attempt: number; status: TaskStatus }[]): void {
    for (const r of rows) {
      let p = this.progress.get(r.task_definition_name);
      if (!p) {
        p = { attempts: 0, completedOnce: false, latestAttempt: -1 };
        this.progress.set(r.task_definition_name, p);
      }
      p.attempts += 1;
      if (r.attempt > p.latestAttempt) {
        p.latestAttempt = r.attempt;
        p.latest = { status: r.status };
        if (isTaskActive(r.status)) this.running.add(r.task_definition_name);
        else this.running.delete(r.task_definition_name);
      }
    }
  }

  /** Attempts this engine ended. */
  ended(
    rows: readonly { task_definition_name: string; attempt: number; status: TaskStatus; ended_at: Date }[],
  ): void {
    for (const r of rows) {
      const p = this.progress.get(r.task_definition_name);
      if (!p) {
        this.stale = true; // an attempt this copy never saw started: read the process again
        continue;
      }
      p.completedOnce = true;
      if (r.attempt === p.latestAttempt) {
        p.latest = { status: r.status, endedAt: r.ended_at.getTime() };
        this.running.delete(r.task_definition_name);
      }
      this.examine.add(r.task_definition_name);
      for (const name of this.dependents.get(r.task_definition_name) ?? []) this.examine.add(name);
    }
  }

  /** What to do now, by the rules of docs/semantics.md. */
  plan(now: number): ProcessPlan {
    if (!this.whole) {
      const names = new Set([...this.examine, ...this.waiting.keys()]);
      this.examine.clear();
      const some = planTasks(this.view(), names, now);
      this.waiting = some.waiting;
      if (some.start.length > 0 || some.waiting.size > 0 || this.running.size > 0)
        return { start: some.start, ...wakeAtOf(some.waiting) };
    }
    // Nothing runs and nothing starts from what changed: the whole process says whether it is over.
    this.whole = false;
    this.examine.clear();
    const view = this.view();
    const plan = planProcess(view, now);
    this.waiting = plan.outcome ? new Map() : planTasks(view, this.byName.keys(), now).waiting;
    return plan;
  }

  /**
   * What would start the moment the given attempt succeeds, planned before
   * its result is stored (so the engine can record both in one write).
   */
  startsIfSucceeded(name: string, attempt: number, now: number): string[] {
    const p = this.progress.get(name);
    if (!p || p.latestAttempt !== attempt) return [];
    this.progress.set(name, { ...p, completedOnce: true, latest: { status: 'succeeded', endedAt: now } });
    try {
      return planTasks(this.view(), this.dependents.get(name) ?? [], now).start;
    } finally {
      this.progress.set(name, p);
    }
  }

  private view(): IndexedProcessView {
    return {
      taskDefinitions: this.definitions,
      byName: this.byName,
      progress: this.progress,
      killRequested: this.killRequested,
      grants: this.grants,
    };
  }

  /** Attempts made so far of a task definition (the next one's number). */
  attempts(name: string): number {
    return this.progress.get(name)?.attempts ?? 0;
  }
}

function wakeAtOf(waiting: ReadonlyMap<string, number>): { wakeAt?: number } {
  let wakeAt: number | undefined;
  for (const at of waiting.values()) wakeAt = Math.min(wakeAt ?? at, at);
  return wakeAt === undefined ? {} : { wakeAt };
}
