/** How often a remote log is read; see {@link nextPollMs}. */
export interface TailerTiming {
  graceMs: number;
  /** Fastest polling of a watched log (while lines come); a watched log without news backs off to `maxPollMs`. */
  minPollMs: number;
  maxPollMs: number;
  /** Polling of a log nobody watches live. */
  unwatchedPollMs: number;
  maxBackoffMs: number;
}

/** What the last read of a remote log found. */
export type ReadOutcome =
  /** Read; `lines` stored, `backlog` when there was more than one read takes (read on at once). */
  | { kind: 'read'; lines: number; backlog: boolean }
  /** The log does not exist (yet): a job may not have written it. */
  | { kind: 'not-found' }
  /** AWS asked us to slow down. */
  | { kind: 'throttled' }
  | { kind: 'failed' };

/** After the grace period, how long the final read may keep failing before the tailer gives up. */
export const FINAL_READ_PATIENCE_MS = 60_000;

/**
 * The wait before the next read of a remote log, from the last wait and what the read found:
 * a watched log with news (or a backlog) is read again after `minPollMs`, a watched log without
 * news backs off by half again up to `maxPollMs`, a log nobody watches is read every
 * `unwatchedPollMs`, and errors double the wait up to `maxBackoffMs`.
 *
 * @example
 * nextPollMs(timing, 1000, { kind: 'read', lines: 0, backlog: false }, true); // 1500
 */
export function nextPollMs(
  timing: TailerTiming,
  lastMs: number,
  outcome: ReadOutcome,
  watched: boolean,
): number {
  const { minPollMs, maxPollMs, unwatchedPollMs, maxBackoffMs } = timing;
  switch (outcome.kind) {
    case 'read':
      if (outcome.backlog || (watched && outcome.lines > 0)) return minPollMs;
      return watched ? Math.min(maxPollMs, lastMs * 1.5) : unwatchedPollMs;
    case 'not-found':
      return watched ? Math.min(maxPollMs, lastMs * 1.5) : unwatchedPollMs;
    case 'throttled':
    case 'failed':
      return Math.min(maxBackoffMs, Math.max(lastMs, minPollMs) * 2);
  }
}

/**
 * Whether a failed final read (the grace period after the task's end is over) ends the tailing:
 * a log that does not exist has nothing left to read; other errors are retried for
 * {@link FINAL_READ_PATIENCE_MS}.
 */
export function givesUpFinalRead(stopAt: number, now: number, notFound: boolean): boolean {
  return notFound || now > stopAt + FINAL_READ_PATIENCE_MS;
}
