import type { Database } from '../storage/database.js';
import { appendLogEntries, type NewLogEntry } from '../storage/stores/entries-store.js';

/**
 * Collects log lines per task and writes them in batches, in order. Shell
 * jobs can print thousands of lines a second; one insert per line would
 * make the database the bottleneck.
 *
 * @example
 * const logs = new LogBuffer(db, 50);
 * logs.add(taskId, { at: new Date(), source: 'stdout', message: 'hello' });
 * await logs.flush(taskId);
 */
export class LogBuffer {
  private pending = new Map<string, NewLogEntry[]>();
  private chain: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    intervalMs = 50,
    private readonly onError: (e: unknown) => void = () => {},
  ) {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  add(taskId: string, entry: NewLogEntry): void {
    let list = this.pending.get(taskId);
    if (!list) {
      list = [];
      this.pending.set(taskId, list);
    }
    list.push(entry);
  }

  /** Writes what is buffered (for one task, or all); resolves once it is stored. */
  flush(taskId?: string): Promise<void> {
    const batches: [string, NewLogEntry[]][] = [];
    if (taskId === undefined) {
      batches.push(...this.pending);
      this.pending = new Map();
    } else {
      const list = this.pending.get(taskId);
      if (list) batches.push([taskId, list]);
      this.pending.delete(taskId);
    }
    // Chained so batches of the same task land in the order they were taken.
    this.chain = this.chain.then(async () => {
      for (const [id, entries] of batches) {
        await appendLogEntries(this.db, id, entries).catch(this.onError);
      }
    });
    return this.chain;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
