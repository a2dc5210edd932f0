import type { Database } from '../storage/database.js';
import type { LogRecord, LogTarget } from '../storage/stores/log-reads-store.js';
import type { LogFeed } from './log-feed.js';
import { SharedReads } from './shared-reads.js';

/** What a follower hands its consumer. */
export type FollowEvent =
  | { kind: 'lines'; records: LogRecord[] }
  /** Nothing happened for a while: a chance to send a keep-alive. */
  | { kind: 'idle' }
  | { kind: 'end'; cursor: number; status?: string };

export interface FollowDeps {
  db: Database;
  feed: LogFeed;
  /** Shared by the followers of one server, so readers of the same log share queries. */
  reads?: SharedReads;
  /** A log still not closed this long after its task ended is treated as complete. */
  staleMs: number;
  /** Longest wait without a wake-up before looking again (a lost notification costs at most this). */
  heartbeatMs?: number;
}

const PAGE = 500;

/**
 * Follows a task's or process's log from a cursor: everything stored after
 * it, then each new batch as the feed announces it (no polling per client),
 * and an `end` once the log is complete and everything was handed over.
 *
 * @example
 * for await (const ev of followLog(deps, { kind: 'task', id }, 0, signal)) {
 *   if (ev.kind === 'lines') print(ev.records);
 * }
 */
export async function* followLog(
  deps: FollowDeps,
  target: LogTarget,
  after: number,
  signal: AbortSignal,
): AsyncGenerator<FollowEvent> {
  let dirty = true;
  // When the newest news arrived: any query started since then sees what it announced.
  let newsAt = process.hrtime.bigint();
  let wake: (() => void) | undefined;
  const off = deps.feed.subscribe(target.id, () => {
    dirty = true;
    newsAt = process.hrtime.bigint();
    wake?.();
  });
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort);
  const reads = deps.reads ?? new SharedReads(deps.db);
  try {
    let cursor = after;
    while (!signal.aborted) {
      dirty = false;
      const since = newsAt;
      // Completeness first: if the log was complete before this read, the read saw its last line.
      const state = await reads.state(target, new Date(Date.now() - deps.staleMs), since);
      for (;;) {
        const page = await reads.page(target, cursor, PAGE, since);
        if (page.length > 0) {
          cursor = page.at(-1)!.seq;
          yield { kind: 'lines', records: page };
        }
        if (page.length < PAGE || signal.aborted) break;
      }
      if (state.complete) {
        yield { kind: 'end', cursor, ...(state.status && { status: state.status }) };
        return;
      }
      if (dirty || signal.aborted) continue;
      const woken = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), deps.heartbeatMs ?? 5000);
        wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      wake = undefined;
      if (!woken) {
        newsAt = process.hrtime.bigint(); // a look for news that may have been lost: nothing older will do
        yield { kind: 'idle' };
      }
    }
  } finally {
    off();
    signal.removeEventListener('abort', onAbort);
  }
}
