import type { Logger } from 'pino';
import { notificationRecipient } from '../domain/notification-recipient.js';
import type { RunOutcome } from '../domain/notification-rules.js';
import type {
  EmailNotification,
  PagerdutyNotification,
  SlackNotification,
  WebhookNotification,
} from '../domain/types.js';
import type { Database } from '../storage/database.js';
import {
  type AttemptResult,
  claimDueNotifications,
  type OutboxRow,
  recordAttempt,
} from '../storage/stores/outbox-store.js';
import { DeliveryError } from './delivery-error.js';
import { EmailChannel } from './email-channel.js';
import type { NotificationMetrics } from './notification-metrics.js';
import { type NotificationSettings, retryDelay, sendTimeoutOf } from './notification-settings.js';
import { sendPagerduty } from './pagerduty.js';
import { loadRunSummary, type RunSummary } from './run-summary.js';
import { sendSlack } from './slack.js';
import { sendWebhook } from './webhook.js';

/** Messages claimed per look at the outbox. */
const BATCH = 10;

export interface NotificationSenderOptions {
  db: Database;
  logger: Logger;
  /** Identifies this replica's claims on outbox rows. */
  senderId: string;
  /** Base of the run links in messages. */
  publicUrl: string;
  settings: NotificationSettings;
  metrics?: NotificationMetrics;
}

/**
 * Delivers the outbox: claims due messages (several replicas may run one;
 * each message goes to one), sends each, and records every attempt and its
 * result. Runs beside scheduling and never holds it up: a run's end only
 * wakes it. Failures are retried with backoff until `giveUpAfterMs`.
 *
 * Delivery is at-least-once: an attempt is recorded before it is made and
 * its result after, so a crash before the send means it is sent once after
 * the lease; a crash in the instant between the receiver accepting and the
 * result being recorded means it is sent again (PagerDuty folds repeats by
 * dedup key, webhooks carry a delivery id, e-mails a stable Message-ID).
 *
 * @example
 * const sender = new NotificationSender({ db, logger, senderId, publicUrl, settings });
 * sender.start();
 * engine.onProcessFinished = () => sender.wake();
 */
export class NotificationSender {
  private readonly email: EmailChannel;
  private readonly timers = new Set<NodeJS.Timeout>();
  private draining: Promise<void> | undefined;
  private wakeAgain = false;
  private stopped = false;

  constructor(private readonly opts: NotificationSenderOptions) {
    this.email = new EmailChannel({
      ...(opts.settings.smtpUrl && { url: opts.settings.smtpUrl }),
      ...(opts.settings.smtpFrom && { from: opts.settings.smtpFrom }),
      timeoutMs: sendTimeoutOf(opts.settings),
    });
  }

  start(): void {
    const poll = setInterval(() => this.wake(), this.opts.settings.pollMs);
    poll.unref();
    this.timers.add(poll);
    this.wake();
  }

  /** Looks at the outbox now (a run ended, a retry is due). */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.wakeAgain = true;
      return;
    }
    this.draining = this.drain()
      .catch((err) =>
        this.opts.logger.error({ err }, 'sending notifications failed; retrying at the next poll'),
      )
      .finally(() => {
        this.draining = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  /** Stops looking; sends under way finish and are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.draining;
    this.email.close();
  }

  private async drain(): Promise<void> {
    const { db, senderId, settings } = this.opts;
    while (!this.stopped) {
      const rows = await claimDueNotifications(db, senderId, settings.leaseMs, BATCH);
      if (rows.length === 0) return;
      await Promise.all(rows.map((row) => this.deliver(row)));
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const { db, logger, senderId, metrics } = this.opts;
    let outcome: AttemptResult;
    try {
      const run = await loadRunSummary(db, row.process_id, runOutcomeOf(row), this.opts.publicUrl);
      outcome = run
        ? { result: 'sent', detail: await this.send(row, run) }
        : { result: 'failed', detail: 'the run no longer exists' };
    } catch (e) {
      outcome = this.afterFailure(row, e);
    }
    try {
      await recordAttempt(db, row, senderId, outcome);
    } catch (err) {
      // The lease runs out and another look sends it again: at-least-once, never lost.
      logger.error({ err, notification: row.id }, 'recording a notification attempt failed');
      return;
    }
    if (outcome.result === 'sent') metrics?.sent(row.kind);
    else if (outcome.result !== 'retrying') metrics?.failed(row.kind);
    if (outcome.result === 'retrying') this.wakeIn(outcome.retryInMs);
  }

  private send(row: OutboxRow, run: RunSummary): Promise<string> {
    const timeoutMs = sendTimeoutOf(this.opts.settings);
    switch (row.kind) {
      case 'email':
        return this.email.send(row.id, row.target as EmailNotification, run);
      case 'pagerduty':
        return sendPagerduty(
          row.target as PagerdutyNotification,
          row.event as 'trigger' | 'resolve',
          run,
          timeoutMs,
        );
      case 'webhook':
        return sendWebhook(row.id, row.target as WebhookNotification, run, timeoutMs);
      case 'slack':
        return sendSlack(row.target as SlackNotification, run, timeoutMs);
    }
  }

  private afterFailure(row: OutboxRow, e: unknown): AttemptResult {
    const reason = e instanceof Error ? e.message : String(e);
    const kind = e instanceof DeliveryError ? e.kind : 'retry';
    const to = notificationRecipient(row.kind, row.target as unknown as Record<string, unknown>);
    if (kind === 'not_sent') {
      // Logged once: a message not sent is final, it is not tried again.
      this.opts.logger.warn({ notification: row.id, kind: row.kind, to, reason }, 'notification not sent');
      return { result: 'not_sent', detail: reason };
    }
    if (kind === 'permanent') {
      this.opts.logger.warn({ notification: row.id, kind: row.kind, to, reason }, 'notification refused');
      return { result: 'failed', detail: reason };
    }
    const { settings } = this.opts;
    const retryInMs = retryDelay(row.attempts, settings);
    if (Date.now() + retryInMs - row.created_at.getTime() > settings.giveUpAfterMs) {
      this.opts.logger.error({ notification: row.id, kind: row.kind, to, reason }, 'notification given up');
      return { result: 'failed', detail: `gave up after ${row.attempts} attempts: ${reason}` };
    }
    return { result: 'retrying', detail: reason, retryInMs };
  }

  private wakeIn(ms: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.wake();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

/** The run outcome a message speaks of (PagerDuty's actions stand for one). */
function runOutcomeOf(row: OutboxRow): RunOutcome {
  if (row.event === 'trigger') return 'failed';
  if (row.event === 'resolve') return 'succeeded';
  return row.event;
}
