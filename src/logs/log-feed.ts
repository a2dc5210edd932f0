import type { Database, Queryable } from '../storage/database.js';
import { notifyOnCommit } from '../storage/notify.js';
import type { NotifyTarget } from '../storage/stores/kept-lines-store.js';
import { LogWatchers } from './log-watchers.js';

/** NOTIFY channel on which replicas announce stored log lines: payload `replica process task`. */
export const LOGS_CHANNEL = 'sundial_logs';

/**
 * Wakes log readers when lines are stored, without polling the database:
 * directly within this process, and through PostgreSQL LISTEN/NOTIFY for
 * lines stored by other replicas (the payload only names the task; readers
 * then read by cursor). Subscriptions are keyed by task id or process id; a
 * subscriber is a live reader, so while one is subscribed the log counts as
 * watched (`watchers`) and the tailers poll its remote logs fast.
 *
 * @example
 * const feed = new LogFeed(db, replicaId);
 * await feed.start();
 * const off = feed.subscribe(taskId, () => readMore());
 * feed.published(processId, taskId);
 */
export class LogFeed {
  private readonly subscribers = new Map<string, Set<() => void>>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Which logs readers follow, here and on other replicas. */
  readonly watchers: LogWatchers;

  constructor(
    private readonly db: Database,
    private readonly replicaId: string,
  ) {
    this.watchers = new LogWatchers(db, replicaId);
  }

  /** Whether other replicas share the database (see Database.sharedByReplicas). */
  get crossReplica(): boolean {
    return this.db.sharedByReplicas;
  }

  async start(): Promise<void> {
    await this.watchers.start();
    if (!this.crossReplica) return;
    this.unlisten = await this.db.listen(
      LOGS_CHANNEL,
      (payload) => {
        const [replica, processId, taskId] = payload.split(' ');
        if (replica !== this.replicaId && processId) this.wake(processId, taskId);
      },
      { onGap: () => this.wakeAll() },
    );
  }

  /** Announces a change to other replicas from inside the writing transaction, so it fires on commit. */
  async notifyOnCommit(tx: Queryable, processId: string, taskId: string): Promise<void> {
    if (this.crossReplica) await notifyOnCommit(tx, LOGS_CHANNEL, `${this.replicaId} ${processId} ${taskId}`);
  }

  /** Where writes that fold the announcement into their own statement send it (none with PGlite). */
  notifyTarget(): NotifyTarget | undefined {
    return this.crossReplica ? { channel: LOGS_CHANNEL, replicaId: this.replicaId } : undefined;
  }

  /** Lines of `taskId` were stored (or its log, or its process, ended) here: wake local readers. */
  published(processId: string, taskId?: string): void {
    this.wake(processId, taskId);
  }

  /** Announces a change everywhere (local readers and other replicas), outside a transaction. */
  async announce(processId: string, taskId?: string): Promise<void> {
    this.wake(processId, taskId);
    if (this.crossReplica)
      await this.db.notify(LOGS_CHANNEL, `${this.replicaId} ${processId} ${taskId ?? ''}`);
  }

  /**
   * Calls `onChange` whenever the task or process `key` may have new lines; returns the
   * unsubscribe. The log counts as watched until then.
   */
  subscribe(key: string, onChange: () => void): () => void {
    let set = this.subscribers.get(key);
    if (!set) {
      set = new Set();
      this.subscribers.set(key, set);
    }
    set.add(onChange);
    const detach = this.watchers.attach(key);
    return () => {
      detach();
      set.delete(onChange);
      if (set.size === 0) this.subscribers.delete(key);
    };
  }

  async close(): Promise<void> {
    await this.watchers.close();
    await this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Announcements may have been missed (the connection was lost): every reader reads again. */
  private wakeAll(): void {
    for (const set of this.subscribers.values()) for (const fn of set) fn();
  }

  private wake(processId: string, taskId: string | undefined): void {
    for (const key of taskId ? [processId, taskId] : [processId])
      for (const fn of this.subscribers.get(key) ?? []) fn();
  }
}
