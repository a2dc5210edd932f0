import { Counter, Gauge, type Registry } from 'prom-client';
import type { NotificationKind } from '../domain/types.js';

const KINDS: readonly NotificationKind[] = ['email', 'pagerduty', 'webhook', 'slack'];

/**
 * `sundial_notifications_sent_total{kind}` and
 * `sundial_notifications_failed_total{kind}` (given up, refused or not sent)
 * count this replica's deliveries; `sundial_notifications_pending{kind}` is
 * read from the outbox at scrape time, so it covers every replica.
 *
 * @example
 * const metrics = new NotificationMetrics(registry, () => pendingNotificationCounts(db));
 * metrics.sent('email');
 */
export class NotificationMetrics {
  private readonly sentTotal: Counter<'kind'>;
  private readonly failedTotal: Counter<'kind'>;

  constructor(registry: Registry, pending: () => Promise<Map<NotificationKind, number>>) {
    this.sentTotal = new Counter({
      name: 'sundial_notifications_sent_total',
      help: 'Notifications delivered by this replica',
      labelNames: ['kind'],
      registers: [registry],
    });
    this.failedTotal = new Counter({
      name: 'sundial_notifications_failed_total',
      help: 'Notifications this replica gave up on, had refused, or could not send (not configured)',
      labelNames: ['kind'],
      registers: [registry],
    });
    new Gauge({
      name: 'sundial_notifications_pending',
      help: 'Notifications waiting in the outbox to be delivered',
      labelNames: ['kind'],
      registers: [registry],
      async collect() {
        const counts = await pending().catch(() => undefined);
        for (const kind of KINDS) if (counts) this.set({ kind }, counts.get(kind) ?? 0);
      },
    });
    for (const kind of KINDS) {
      this.sentTotal.inc({ kind }, 0);
      this.failedTotal.inc({ kind }, 0);
    }
  }

  sent(kind: NotificationKind): void {
    this.sentTotal.inc({ kind });
  }

  failed(kind: NotificationKind): void {
    this.failedTotal.inc({ kind });
  }
}
