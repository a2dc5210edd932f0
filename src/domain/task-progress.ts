import type { TaskDefinitionProgress } from './process-plan.js';
import { isTaskActive, type TaskStatus } from './types.js';

/** Progress of one task definition, with the number of its latest attempt. */
export interface PlanningProgress extends TaskDefinitionProgress {
  latestAttempt: number;
}

/** Folds a process's task rows into the per-definition progress the rules read. */
export function progressFromTasks(
  rows: readonly {
    task_definition_name: string;
    attempt: number;
    status: TaskStatus;
    ended_at: Date | null;
  }[],
): Map<string, PlanningProgress> {
  const progress = new Map<string, PlanningProgress>();
  for (const r of rows) {
    const p = progress.get(r.task_definition_name) ?? {
      attempts: 0,
      completedOnce: false,
      latestAttempt: -1,
    };
    p.attempts += 1;
    if (!isTaskActive(r.status)) p.completedOnce = true;
    if (r.attempt > p.latestAttempt) {
      p.latestAttempt = r.attempt;
      p.latest = { status: r.status, ...(r.ended_at && { endedAt: r.ended_at.getTime() }) };
    }
    progress.set(r.task_definition_name, p);
  }
  return progress;
}

/**
 * A process's progress as read from the database, with what this engine
 * recorded itself kept where the read is older. Only the engine writes a
 * running process's attempts, and an attempt only moves forward (started,
 * then ended), so a read taken while the engine stored a start or an end
 * can lack it, but never holds less than the truth otherwise: per task
 * definition the record further along wins.
 *
 * @example
 * progress = withOwnRecords(progressFromTasks(view.tasks), progress);
 */
export function withOwnRecords(
  read: ReadonlyMap<string, PlanningProgress>,
  own: ReadonlyMap<string, PlanningProgress>,
): Map<string, PlanningProgress> {
  const merged = new Map(read);
  for (const [name, mine] of own) {
    const theirs = merged.get(name);
    merged.set(name, theirs ? furtherAlong(theirs, mine) : mine);
  }
  return merged;
}

function furtherAlong(a: PlanningProgress, b: PlanningProgress): PlanningProgress {
  const bIsNewer =
    b.latestAttempt > a.latestAttempt || (b.latestAttempt === a.latestAttempt && hasEnded(b) && !hasEnded(a));
  return {
    ...(bIsNewer ? b : a),
    attempts: Math.max(a.attempts, b.attempts),
    completedOnce: a.completedOnce || b.completedOnce,
  };
}

function hasEnded(p: PlanningProgress): boolean {
  return p.latest !== undefined && !isTaskActive(p.latest.status);
}
