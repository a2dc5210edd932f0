/**
 * Ends processes once the logs of their ended tasks are complete, so
 * whoever sees a process ended finds every line its jobs printed (remote
 * step logs in S3 may still drain in their grace period). Endings run beside the engine's
 * evaluations and do not hold them up.
 *
 * @example
 * const endings = new ProcessEndings((id, outcome) => finishProcess(db, id, outcome, new Date()));
 * endings.logClosing(processId, liveLogs.taskEnded(taskId));
 * if (!endings.has(processId)) endings.end(processId, 'succeeded');
 * await endings.allRecorded();
 */
export class ProcessEndings {
  private readonly closingLogs = new Map<string, Promise<void>[]>();
  private readonly ending = new Map<string, Promise<void>>();

  /** `finish` records the end; it handles its own errors. */
  constructor(
    private readonly finish: (processId: string, outcome: 'succeeded' | 'failed') => Promise<void>,
  ) {}

  /** A log of one of the process's tasks is being closed. */
  logClosing(processId: string, closing: Promise<void>): void {
    const logs = this.closingLogs.get(processId);
    if (logs) logs.push(closing);
    else this.closingLogs.set(processId, [closing]);
  }

  /** Whether the process is being ended (nothing more to plan for it). */
  has(processId: string): boolean {
    return this.ending.has(processId);
  }

  end(processId: string, outcome: 'succeeded' | 'failed'): void {
    const logs = this.closingLogs.get(processId) ?? [];
    this.closingLogs.delete(processId);
    const ended = Promise.all(logs)
      .then(() => this.finish(processId, outcome))
      .finally(() => this.ending.delete(processId));
    this.ending.set(processId, ended);
  }

  /** Resolves once every ending under way is recorded. */
  async allRecorded(): Promise<void> {
    await Promise.all(this.ending.values());
  }
}
