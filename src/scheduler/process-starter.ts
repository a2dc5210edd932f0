import type { Logger } from 'pino';
import { nextDueAt } from '../domain/schedule.js';
import type { Database } from '../storage/database.js';
import {
  advanceSchedule,
  type DefinitionRow,
  dueDefinitions,
  getDefinition,
} from '../storage/stores/definitions-store.js';
import {
  insertProcess,
  insertScheduledProcess,
  requestKill,
  runningProcessIds,
} from '../storage/stores/processes-store.js';
import {
  claimTriggerRequest,
  dropTriggerRequest,
  openTriggerRequests,
  type TriggerRequestRow,
} from '../storage/stores/triggers-store.js';

/**
 * Turns due schedules and manual trigger requests into processes, applying
 * the overlap action. Each start is one transaction guarded by a
 * compare-and-set, so a schedule fires once even if two replicas race.
 */
export class ProcessStarter {
  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
    private readonly onStarted: (processIds: string[]) => void,
  ) {}

  /** Starts whatever is due now (or, for `terminate`, asks the runs in its way to die). */
  async startDue(now: Date): Promise<void> {
    for (const row of await dueDefinitions(this.db, now)) {
      await this.fireSchedule(row, now).catch((err) =>
        this.logger.error({ err, definition: row.name }, 'starting a scheduled run failed'),
      );
    }
    for (const req of await openTriggerRequests(this.db)) {
      await this.fireTrigger(req, now).catch((err) =>
        this.logger.error({ err, definition: req.definition_name }, 'starting a triggered run failed'),
      );
    }
  }

  private async fireSchedule(row: DefinitionRow, now: Date): Promise<void> {
    if (!(await this.overlapAllows(row, now))) return;
    const started = await this.db.transaction(async (tx) => {
      const next = row.definition.schedule ? nextDueAt(row.definition.schedule, now) : null;
      if (!(await advanceSchedule(tx, row.name, row.next_run_at!, next))) return undefined;
      // At most one run per due time, whatever races the compare-and-set above lets through.
      return insertScheduledProcess(tx, row.name, row.definition.task_definitions, row.next_run_at!, now);
    });
    if (started) {
      this.logger.info({ definition: row.name, processId: started.id }, 'scheduled run started');
      this.onStarted([started.id]);
    }
  }

  private async fireTrigger(req: TriggerRequestRow, now: Date): Promise<void> {
    const row = await getDefinition(this.db, req.definition_name);
    if (!row) return dropTriggerRequest(this.db, req.id);
    if (!(await this.overlapAllows(row, now))) return;
    const started = await this.db.transaction(async (tx) => {
      const p = await insertProcess(
        tx,
        row.name,
        row.definition.task_definitions,
        'trigger',
        now,
        req.task_filter ?? undefined,
      );
      if (!(await claimTriggerRequest(tx, req.id, p.id))) throw new Error('trigger request already claimed');
      return p;
    });
    this.logger.info({ definition: row.name, processId: started.id }, 'triggered run started');
    this.onStarted([started.id]);
  }

  /**
   * True when no run of the definition is in progress. Otherwise the due run
   * waits; with `terminate` the runs in progress are first asked to die, and
   * the due run starts once they have ended (their end wakes the scheduler),
   * so the old and new jobs never run side by side.
   */
  private async overlapAllows(row: DefinitionRow, now: Date): Promise<boolean> {
    const running = await runningProcessIds(this.db, row.name);
    if (running.length === 0) return true;
    if ((row.definition.overlap_action ?? 'wait') === 'terminate') {
      const reason = `terminated: a new run of '${row.name}' is due (overlap_action is terminate)`;
      for (const id of running) await requestKill(this.db, id, reason, now);
      this.onStarted(running); // wakes the engine to kill their tasks
    }
    return false;
  }
}
