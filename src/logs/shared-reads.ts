import type { Queryable } from '../storage/database.js';
import { type LogRecord, type LogTarget, logState, readLogPage } from '../storage/stores/log-reads-store.js';

interface Flight<T> {
  startedAt: bigint;
  promise: Promise<T>;
}

/**
 * Single-flight reads for log followers: the many readers of one busy log
 * are woken together and ask the same question (lines after the same
 * cursor, is it complete); one query answers all of them. A reader only
 * joins a query that started after it was woken, so it never gets an answer
 * older than the notification that woke it.
 *
 * @example
 * const reads = new SharedReads(db);
 * const since = process.hrtime.bigint();
 * const page = await reads.page({ kind: 'task', id }, cursor, 500, since);
 */
export class SharedReads {
  private readonly flights = new Map<string, Flight<unknown>>();

  constructor(private readonly db: Queryable) {}

  page(target: LogTarget, after: number, limit: number, since: bigint): Promise<LogRecord[]> {
    return this.fly(`page:${target.id}:${after}:${limit}`, since, () =>
      readLogPage(this.db, target, after, limit),
    );
  }

  state(target: LogTarget, staleBefore: Date, since: bigint): ReturnType<typeof logState> {
    return this.fly(`state:${target.id}`, since, () => logState(this.db, target, staleBefore));
  }

  private fly<T>(key: string, since: bigint, run: () => Promise<T>): Promise<T> {
    const current = this.flights.get(key) as Flight<T> | undefined;
    if (current && current.startedAt >= since) return current.promise;
    const flight: Flight<T> = { startedAt: process.hrtime.bigint(), promise: run() };
    this.flights.set(key, flight);
    const forget = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.promise.then(forget, forget);
    return flight.promise;
  }
}
