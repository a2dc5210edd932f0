/**
 * Runs process evaluations one at a time, coalescing requests: asking
 * again for a process already waiting costs nothing, and asking while it
 * is being evaluated evaluates it once more afterwards. Also wakes a
 * process at a given time (a backoff ending, a retry after an error).
 *
 * @example
 * const queue = new EvaluationQueue((id) => engine.evaluate(id), (err, id) => log(err, id));
 * queue.request(processId);
 * queue.at(processId, Date.now() + 30_000);
 * await queue.stop();
 */
export class EvaluationQueue {
  private readonly waiting = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly evaluate: (processId: string) => Promise<void>,
    /** An evaluation threw; the queue itself goes on with the others. */
    private readonly onError: (err: unknown, processId: string) => void,
  ) {}

  request(processId: string): void {
    if (this.stopped) return;
    this.waiting.add(processId);
    this.running ??= this.drain();
  }

  /** Requests an evaluation at `at` (ms since the epoch); replaces an earlier wake-up of the process. */
  at(processId: string, at: number): void {
    clearTimeout(this.timers.get(processId));
    const timer = setTimeout(
      () => {
        this.timers.delete(processId);
        this.request(processId);
      },
      Math.max(0, at - Date.now()),
    );
    this.timers.set(processId, timer);
  }

  /** Resolves once no evaluation is running or asked for (timed wake-ups aside). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Cancels the wake-ups and waits for the evaluation in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    await this.running;
  }

  private async drain(): Promise<void> {
    await Promise.resolve(); // requests made in the same tick coalesce
    while (this.waiting.size > 0 && !this.stopped) {
      const ids = [...this.waiting];
      this.waiting.clear();
      for (const id of ids) {
        try {
          await this.evaluate(id);
        } catch (err) {
          this.onError(err, id);
        }
      }
    }
    this.running = undefined;
  }
}
