import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ACTIVE_TASK_STATUSES } from '../domain/types.js';
import type { LeadershipEvents } from './scheduler.js';

/**
 * Leadership and dispatch in `/metrics`: whether this replica leads and
 * with which lease epoch, how many terms it began, how long lease renewals
 * and dispatches take, and the active tasks of the whole cluster by status
 * (read from the database at each scrape, so any replica answers it).
 *
 * @example
 * const metrics = new SchedulerMetrics(registry, () => activeTaskCounts(db));
 * new Scheduler({ db, lead, logger, replicaId, events: metrics });
 * metrics.dispatched(3.2); // ms from a start decided to its jobs handed to their executors
 */
export class SchedulerMetrics implements LeadershipEvents {
  private readonly leading: Gauge;
  private readonly epoch: Gauge;
  private readonly terms: Counter;
  private readonly renewals: Histogram;
  private readonly dispatches: Histogram;

  constructor(registry: Registry, activeTasks: () => Promise<Record<string, number>>) {
    const registers = [registry];
    this.leading = new Gauge({
      name: 'sundial_leader',
      help: '1 while this replica is the scheduler leader, else 0',
      registers,
    });
    this.leading.set(0);
    this.epoch = new Gauge({
      name: 'sundial_leader_epoch',
      help: 'Lease epoch of the last term this replica began as leader',
      registers,
    });
    this.terms = new Counter({
      name: 'sundial_leader_takeovers_total',
      help: 'Terms this replica began as leader (its first included)',
      registers,
    });
    this.renewals = new Histogram({
      name: 'sundial_lease_renew_seconds',
      help: 'Time a lease renewal (or attempt to take the lease) took',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    });
    this.dispatches = new Histogram({
      name: 'sundial_dispatch_seconds',
      help: 'Time from the decision to start attempts to their jobs handed to the executors (the recording write included)',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1],
      registers,
    });
    new Gauge({
      name: 'sundial_tasks',
      help: 'Active tasks of all replicas by status',
      labelNames: ['status'],
      registers,
      async collect() {
        // The database away: the figures of the last scrape stay, and /metrics still answers.
        const counts = await activeTasks().catch(() => undefined);
        if (!counts) return;
        for (const status of ACTIVE_TASK_STATUSES) this.set({ status }, counts[status] ?? 0);
      },
    });
  }

  renewed(ms: number): void {
    this.renewals.observe(ms / 1000);
  }

  became(epoch: number): void {
    this.leading.set(1);
    this.epoch.set(epoch);
    this.terms.inc();
  }

  lost(): void {
    this.leading.set(0);
  }

  dispatched(ms: number): void {
    this.dispatches.observe(ms / 1000);
  }
}
