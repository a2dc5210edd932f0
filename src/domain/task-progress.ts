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
