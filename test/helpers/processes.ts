import { readFileSync } from 'node:fs';

/**
 * True while `pid` is a live process; a zombie awaiting its reaper counts as gone (it has exited).
 *
 * @example
 * expect(isAlive(job.pid)).toBe(false); // the job was killed, not only recorded as failed
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0 only checks
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
