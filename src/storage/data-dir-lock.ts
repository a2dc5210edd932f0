import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Who holds a data directory, as written in its lock file. */
interface LockHolder {
  pid: number;
  host: string;
  since: string;
}

/** A data directory another live process holds. */
export class DataDirInUseError extends Error {
  constructor(dir: string, holder: LockHolder) {
    super(
      `data directory ${dir} is in use by process ${holder.pid} on ${holder.host} (since ${holder.since}); ` +
        'stop that server first, or give this one another --data-dir',
    );
    this.name = 'DataDirInUseError';
  }
}

const LOCK_FILE = 'sundial.lock';

/**
 * Takes the embedded store's directory for this process: PGlite is one
 * process's database, and a second server on the same files would write
 * over the first. The lock file names its holder; a lock left by a process
 * that is gone (a crash) is taken over. Returns the release function.
 *
 * @example
 * const release = lockDataDir('.sundial/data'); // throws DataDirInUseError if a live server has it
 * // … on shutdown: release();
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(path);
    if (holder && isAlive(holder)) throw new DataDirInUseError(dir, holder);
    // Stale (its process is gone) or half-written: remove it and try again; if
    // another starter wins that race, the next round sees it alive.
    rmSync(path, { force: true });
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Whether the holder still runs; a lock from another host is trusted as it is (a shared disk). */
function isAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
