import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { Database } from '../storage/database.js';
import { FencedWriteError, fencedDatabase, type LeaseTerm } from '../storage/fenced-database.js';
import { releaseLease, tryAcquireLease } from '../storage/stores/leases-store.js';
import type { Engine } from './engine.js';
import type { ProcessStarter } from './process-starter.js';

/** NOTIFY channel replicas use to wake the leader: payload `tick` or `process:<id>`. */
export const WAKE_CHANNEL = 'sundial_wake';
const LEASE = 'scheduler';
/** Wake-up payload of a leader that gave the lease up (shutdown): followers campaign at once. */
const LEASE_RELEASED = 'lease-released';
export const DEFAULT_LEASE_TTL_MS = 15_000;

/** What a replica runs while it leads: made afresh for every term, over the term's fenced database. */
export interface LeaderParts {
  engine: Engine;
  starter: ProcessStarter;
}

/** Told what leadership does (metrics). */
export interface LeadershipEvents {
  renewed?(ms: number): void;
  became?(epoch: number): void;
  lost?(epoch: number, reason: string): void;
}

export interface SchedulerOptions {
  db: Database;
  /**
   * Builds the engine and process starter of one term; `db` refuses their writes once the term is
   * over, and `leading()` says whether the term surely still holds (lease renewed within its period).
   */
  lead: (db: Database, leading: () => boolean) => LeaderParts;
  logger: Logger;
  replicaId: string;
  /** How long the lease lasts without renewal (renewed every third of it); a dead leader is replaced after it. */
  leaseTtlMs?: number;
  /** Longest pause between schedule checks. */
  tickMs?: number;
  events?: LeadershipEvents;
}

interface Term {
  lease: LeaseTerm;
  parts: LeaderParts;
  recovered: boolean;
}

/**
 * Holds leadership and drives the engine: checks schedules and trigger
 * requests at least every `tickMs`, and at once when woken. Leading is in
 * terms: each starts with a lease epoch and a new engine whose writes are
 * fenced by it, and ends the moment this replica learns it lost the lease
 * (a renewal refused, a write refused, or no renewal for a whole lease
 * period). The engine of an ended term stops at once and starts nothing.
 *
 * @example
 * const scheduler = new Scheduler({ db, lead: (fenced) => buildEngineAndStarter(fenced), logger, replicaId });
 * await scheduler.start();
 * scheduler.wake('tick');
 */
export class Scheduler {
  private term: Term | undefined;
  /** When the last successful renewal was sent (monotonic ms). */
  private renewedAt = 0;
  private campaigning: Promise<void> | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private leaseTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  /** Shutting down: no new term, no schedule checks; the current term's engine drains. */
  private stopping = false;
  /** Shut down: not even renewals. */
  private stopped = false;
  private unlisten: (() => Promise<void>) | undefined;
  private readonly ttl: number;

  constructor(private readonly opts: SchedulerOptions) {
    this.ttl = opts.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  }

  get isLeader(): boolean {
    return this.term !== undefined;
  }

  /** The epoch of the current term, if leading. */
  get epoch(): number | undefined {
    return this.term?.lease.epoch;
  }

  /** The current term's engine, if leading. */
  get engine(): Engine | undefined {
    return this.term?.parts.engine;
  }

  async start(): Promise<void> {
    // Wake-ups sent while the LISTEN connection was down are lost: look at everything again.
    this.unlisten = await this.opts.db.listen(WAKE_CHANNEL, (payload) => this.wake(payload), {
      onGap: () => this.resync(),
    });
    await this.campaign();
    this.leaseTimer = setInterval(() => void this.campaign(), this.ttl / 3);
  }

  /** `tick` checks schedules and triggers now; `process:<id>` re-evaluates one process. */
  wake(payload: string): void {
    if (payload === LEASE_RELEASED) {
      void this.campaign();
      return;
    }
    if (!this.term) return;
    if (payload.startsWith('process:')) this.term.parts.engine.markDirty(payload.slice('process:'.length));
    else void this.tick();
  }

  /** Checks schedules and re-reads every running process, in case a wake-up went missing. */
  private resync(): void {
    if (!this.term) return;
    void this.tick();
    this.term.parts.engine
      .rescan()
      .catch((err) => this.opts.logger.error({ err }, 're-reading running processes failed'));
  }

  /** Renews (or takes) the lease; one at a time. */
  private campaign(): Promise<void> {
    this.campaigning ??= this.renew().finally(() => {
      this.campaigning = undefined;
    });
    return this.campaigning;
  }

  private async renew(): Promise<void> {
    if (this.stopped || (this.stopping && !this.term)) return;
    const { db, logger, replicaId } = this.opts;
    const sent = performance.now();
    let epoch: number | undefined;
    try {
      epoch = await tryAcquireLease(db, LEASE, replicaId, this.ttl);
    } catch (err) {
      logger.error({ err }, 'renewing the leader lease failed');
      // Past its expiry another replica may lead: stop before doing anything it might do too.
      if (this.term && performance.now() - this.renewedAt >= this.ttl)
        this.depose(`the lease could not be renewed for ${this.ttl} ms`);
      return;
    }
    this.opts.events?.renewed?.(performance.now() - sent);
    if (this.stopped) return;
    if (epoch === undefined) {
      if (this.term) this.depose('another replica holds the lease');
      return;
    }
    this.renewedAt = sent;
    if (this.term && this.term.lease.epoch !== epoch) this.depose(`the lease epoch is ${epoch} now`);
    if (this.stopping && !this.term) return;
    this.term ??= this.begin(epoch);
    await this.recover(this.term);
  }

  private begin(epoch: number): Term {
    const lease: LeaseTerm = { lease: LEASE, holder: this.opts.replicaId, epoch, revoked: false };
    const db = fencedDatabase(
      this.opts.db,
      lease,
      (err) => this.fenced(err),
      (err) => this.opts.logger.warn({ err }, 'a write lost its database connection; trying it again'),
    );
    this.opts.logger.info({ replicaId: this.opts.replicaId, epoch }, 'became scheduler leader');
    this.opts.events?.became?.(epoch);
    const leading = () => !lease.revoked && performance.now() - this.renewedAt < this.ttl;
    return { lease, parts: this.opts.lead(db, leading), recovered: false };
  }

  /** Reattaches the active tasks once per term; a recovery the database interrupted is tried on the next renewal. */
  private async recover(term: Term): Promise<void> {
    if (term.recovered || this.stopping) return;
    try {
      await term.parts.engine.recover();
      term.recovered = true;
    } catch (err) {
      this.opts.logger.error({ err }, 'taking over the running work failed; trying again');
      return;
    }
    await this.tick();
  }

  /** A write of the current term was refused. */
  private fenced(err: FencedWriteError): void {
    if (err.why === 'lost') this.depose(err.message);
    else void this.campaign(); // expired but nobody took over: renew at once
  }

  /** Ends the term at once: its engine stops and its writes fail from now on. */
  private depose(reason: string): void {
    const term = this.term;
    if (!term) return;
    term.lease.revoked = true;
    this.term = undefined;
    clearTimeout(this.tickTimer);
    this.opts.logger.warn(
      { replicaId: this.opts.replicaId, epoch: term.lease.epoch, reason },
      'lost scheduler leadership; its engine stops',
    );
    this.opts.events?.lost?.(term.lease.epoch, reason);
    term.parts.engine
      .abandon()
      .catch((err) => this.opts.logger.error({ err }, 'stopping the engine of a lost term failed'));
  }

  /** Checks schedules and triggers now (once more afterwards if one is under way). */
  private tick(): Promise<void> {
    const term = this.term;
    if (!term || this.stopping) return Promise.resolve();
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    clearTimeout(this.tickTimer);
    this.ticking = this.ticks(term).finally(() => {
      this.ticking = undefined;
      if (!this.stopping && this.term === term)
        this.tickTimer = setTimeout(() => void this.tick(), this.opts.tickMs ?? 1000);
    });
    return this.ticking;
  }

  private async ticks(term: Term): Promise<void> {
    try {
      do {
        this.tickAgain = false;
        await term.parts.starter.startDue(new Date());
      } while (this.tickAgain && this.term === term && !this.stopping);
    } catch (err) {
      if (!(err instanceof FencedWriteError)) this.opts.logger.error({ err }, 'schedule check failed');
    }
  }

  /**
   * Shuts down. A leader starts nothing more, keeps its lease renewed while
   * its engine drains (local jobs get `graceMs` to end, and every result is
   * recorded), then gives the lease up and tells the other replicas, so one
   * of them takes over at once instead of after the lease expires.
   */
  async stop(graceMs = 0): Promise<void> {
    this.stopping = true;
    clearTimeout(this.tickTimer);
    await this.ticking;
    const term = this.term;
    if (term) await term.parts.engine.stop(graceMs);
    this.stopped = true;
    clearInterval(this.leaseTimer);
    await this.campaigning;
    await this.unlisten?.();
    if (!term || this.term !== term) return; // deposed meanwhile: the lease is someone else's
    term.lease.revoked = true;
    this.term = undefined;
    this.opts.events?.lost?.(term.lease.epoch, 'shut down');
    try {
      await releaseLease(this.opts.db, LEASE, this.opts.replicaId);
      await this.opts.db.notify(WAKE_CHANNEL, LEASE_RELEASED);
      this.opts.logger.info(
        { replicaId: this.opts.replicaId, epoch: term.lease.epoch },
        'handed scheduler leadership over',
      );
    } catch (err) {
      this.opts.logger.warn(
        { err },
        'giving the leader lease up failed; another replica takes over once it expires',
      );
    }
  }
}
