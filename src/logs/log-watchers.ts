import type { Database } from '../storage/database.js';

/** NOTIFY channel on which replicas say which logs their readers follow: payload `replica key`. */
export const WATCH_CHANNEL = 'sundial_log_watch';
/** A replica repeats what its readers follow this often… */
const ANNOUNCE_MS = 15_000;
/** …and the others believe it this long (a replica that went away stops counting after it). */
const REMOTE_TTL_MS = 45_000;

/**
 * Which logs someone follows live right now: a task or process id is _watched_ while a reader
 * (an SSE stream of `/api/tasks/{id}/logs/stream` or `/api/processes/{id}/logs/stream`) is
 * attached to it here, or on another replica (announced through LISTEN/NOTIFY every 15 s). The
 * tailers poll the remote logs of watched tasks fast and the others slowly.
 *
 * @example
 * const watchers = new LogWatchers(db, replicaId);
 * await watchers.start();
 * const off = watchers.onWatched((key) => follow.get(key)?.pollSoon()); // a reader came: read its logs soon
 * const detach = watchers.attach(processId); // a reader follows the process's log
 * watchers.isWatched(taskId, processId); // true
 * detach();
 */
export class LogWatchers {
  private readonly local = new Map<string, number>();
  /** Keys followed on other replicas, with when that news expires (ms). */
  private readonly remote = new Map<string, number>();
  private readonly listeners = new Set<(key: string) => void>();
  private timer: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly replicaId: string,
  ) {}

  /** Other replicas only exist with PostgreSQL; PGlite is one process. */
  async start(): Promise<void> {
    if (!this.db.sharedByReplicas) return;
    this.unlisten = await this.db.listen(
      WATCH_CHANNEL,
      (payload) => {
        const [replica, key] = payload.split(' ');
        if (!key || replica === this.replicaId) return;
        const was = this.isWatched(key);
        this.remote.set(key, Date.now() + REMOTE_TTL_MS);
        if (!was) this.emit(key);
      },
      { onGap: () => this.announceAll() },
    ); // the others may have missed what is followed here
    this.timer = setInterval(() => this.announceAll(), ANNOUNCE_MS);
    this.timer.unref();
  }

  /** A reader started following the log of `key` (a task or process id); returns its detach. */
  attach(key: string): () => void {
    const was = this.isWatched(key);
    this.local.set(key, (this.local.get(key) ?? 0) + 1);
    if (!was) this.emit(key);
    this.announce(key);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      const left = (this.local.get(key) ?? 1) - 1;
      if (left > 0) this.local.set(key, left);
      else this.local.delete(key);
    };
  }

  /** Whether any of these task or process ids is followed live, here or on another replica. */
  isWatched(...keys: string[]): boolean {
    const now = Date.now();
    return keys.some((k) => this.local.has(k) || (this.remote.get(k) ?? 0) > now);
  }

  /** Calls `listener` with a key each time it becomes watched; returns the unsubscribe. */
  onWatched(listener: (key: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  private emit(key: string): void {
    for (const listener of this.listeners) listener(key);
  }

  private announce(key: string): void {
    if (!this.db.sharedByReplicas) return;
    void this.db.notify(WATCH_CHANNEL, `${this.replicaId} ${key}`).catch(() => {});
  }

  private announceAll(): void {
    const now = Date.now();
    for (const [key, expires] of this.remote) if (expires <= now) this.remote.delete(key);
    for (const key of this.local.keys()) this.announce(key);
  }
}
