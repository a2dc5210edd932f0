import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { releaseLease, tryAcquireLease } from '../storage/stores/leases-store.js';
import type { Engine } from './engine.js';
import type { ProcessStarter } from './process-starter.js';

/** NOTIFY channel replicas use to wake the leader: payload `tick` or `process:<id>`. */
export const WAKE_CHANNEL = 'sundial_wake';
const LEASE = 'scheduler';

export interface SchedulerOptions {
  db: Database;
  engine: Engine;
  starter: ProcessStarter;
  logger: Logger;
  replicaId: string;
  leaseTtlMs?: number;
  /** Longest pause between schedule checks. */
  tickMs?: number;
}

/**
 * Holds leadership and drives the engine: checks schedules and trigger
 * requests at least every `tickMs`, and at once when woken.
 *
 * @example
 * const scheduler = new Scheduler({ db, engine, starter, logger, replicaId });
 * await scheduler.start();
 * scheduler.wake('tick');
 */
export class Scheduler {
  private leader = false;
  /** Whether the engine has reattached the active tasks since this replica became leader. */
  private recovered = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private tickAgain = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(private readonly opts: SchedulerOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    // Wake-ups sent while the LISTEN connection was down are lost: look at everything again.
    this.unlisten = await this.opts.db.listen(WAKE_CHANNEL, (payload) => this.wake(payload), {
      onGap: () => this.resync(),
    });
    await this.campaign();
    const ttl = this.opts.leaseTtlMs ?? 15_000;
    this.leaseTimer = setInterval(() => void this.campaign(), ttl / 3);
  }

  /** `tick` checks schedules and triggers now; `process:<id>` re-evaluates one process. */
  wake(payload: string): void {
    if (!this.leader) return;
    if (payload.startsWith('process:')) this.opts.engine.markDirty(payload.slice('process:'.length));
    else void this.tick();
  }

  /** Checks schedules and re-reads every running process, in case a wake-up went missing. */
  private resync(): void {
    if (!this.leader) return;
    void this.tick();
    this.opts.engine
      .rescan()
      .catch((err) => this.opts.logger.error({ err }, 're-reading running processes failed'));
  }

  private async campaign(): Promise<void> {
    if (this.stopped) return;
    const { db, logger, replicaId } = this.opts;
    try {
      const epoch = await tryAcquireLease(db, LEASE, replicaId, this.opts.leaseTtlMs ?? 15_000);
      if (epoch !== undefined && !this.leader) {
        logger.info({ replicaId, epoch }, 'became scheduler leader');
        this.leader = true;
        this.recovered = false;
      } else if (epoch === undefined && this.leader) {
        logger.warn({ replicaId }, 'lost scheduler leadership');
        this.leader = false;
      }
      // A recovery the database interrupted is tried again on the next renewal.
      if (this.leader && !this.recovered) {
        await this.opts.engine.recover();
        this.recovered = true;
        await this.tick();
      }
    } catch (err) {
      logger.error({ err }, 'leadership check failed');
    }
  }

  private async tick(): Promise<void> {
    if (!this.leader || this.stopped) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    clearTimeout(this.tickTimer);
    try {
      do {
        this.tickAgain = false;
        await this.opts.starter.startDue(new Date());
      } while (this.tickAgain);
    } catch (err) {
      this.opts.logger.error({ err }, 'schedule check failed');
    } finally {
      this.ticking = false;
      if (!this.stopped) this.tickTimer = setTimeout(() => void this.tick(), this.opts.tickMs ?? 1000);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    clearInterval(this.leaseTimer);
    await this.unlisten?.();
    await this.opts.engine.stop();
    if (this.leader) await releaseLease(this.opts.db, LEASE, this.opts.replicaId).catch(() => {});
    this.leader = false;
  }
}
