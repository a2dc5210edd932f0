/** The per-task log cap: lines and bytes that count (scheduler events do not). */
export interface LogCap {
  maxLinesPerTask: number;
  maxBytesPerTask: number;
}

/** What a task's log holds (or will, counting lines on their way) against the cap. */
export interface LogTally {
  lines: number;
  bytes: number;
}

/**
 * Whether one more counted line of `bytes` fits a log that holds `used`. The buffer asks it before
 * holding a line in memory, the writer again under the usage lock before storing it.
 *
 * @example
 * fitsCap({ maxLinesPerTask: 2, maxBytesPerTask: 100 }, { lines: 1, bytes: 10 }, 5); // true
 */
export function fitsCap(cap: LogCap, used: LogTally, bytes: number): boolean {
  return used.lines + 1 <= cap.maxLinesPerTask && used.bytes + bytes <= cap.maxBytesPerTask;
}

/** Whether the log is full: no further counted line can fit, whatever its size. */
export function capReached(cap: LogCap, used: LogTally): boolean {
  return used.lines >= cap.maxLinesPerTask || used.bytes >= cap.maxBytesPerTask;
}
