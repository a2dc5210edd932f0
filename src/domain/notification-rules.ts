import type {
  EmailNotification,
  Notification,
  NotifyWhen,
  PagerdutyNotification,
  SlackNotification,
  WebhookNotification,
} from './types.js';

export type RunOutcome = 'succeeded' | 'failed';

/**
 * One message to send about a run's end: to whom (the notification as the
 * definition states it) and what happened. PagerDuty speaks in incident
 * actions, the others in run outcomes.
 *
 * @example
 * const d: Delivery = { kind: 'email', target: { name: 'Ops', email: 'ops@example.com' }, event: 'failed' };
 */
export type Delivery =
  | { kind: 'email'; target: EmailNotification; event: RunOutcome }
  | { kind: 'pagerduty'; target: PagerdutyNotification; event: 'trigger' | 'resolve' }
  | { kind: 'webhook'; target: WebhookNotification; event: RunOutcome }
  | { kind: 'slack'; target: SlackNotification; event: RunOutcome };

/** The original API's default for notifications that name no `notify_when`. */
export const DEFAULT_NOTIFY_WHEN: NotifyWhen = 'on_state_change_and_failures';

/**
 * Whether a run with `outcome` is worth telling about. `previous` is the
 * outcome of the previous finished run of the same definition; with none, a
 * failure counts as a change (from "nothing wrong yet") and a success does not.
 *
 * @example
 * shouldNotify('on_state_change', 'succeeded', 'failed'); // true
 */
export function shouldNotify(
  mode: NotifyWhen,
  outcome: RunOutcome,
  previous: RunOutcome | undefined,
): boolean {
  const changed = outcome !== (previous ?? 'succeeded');
  switch (mode) {
    case 'always':
      return true;
    case 'on_failure':
      return outcome === 'failed';
    case 'on_state_change':
      return changed;
    case 'on_state_change_and_failures':
      return changed || outcome === 'failed';
    case 'never':
      return false;
  }
}

/** How many previous finished runs {@link decideDeliveries} needs to see (newest first). */
export function previousRunsNeeded(notifications: readonly Notification[]): number {
  let needed = 1;
  for (const n of notifications)
    if ('pagerduty' in n) needed = Math.max(needed, n.pagerduty.num_consecutive_failures ?? 1);
  return needed;
}

/**
 * Everything to send now that a run ended with `outcome`, given the outcomes
 * of the definition's previous finished runs, newest first (at least
 * {@link previousRunsNeeded} of them when there are that many).
 *
 * PagerDuty triggers once N runs in a row have failed (and again on each
 * further failure: the shared dedup key makes PagerDuty fold those into the
 * open incident), and resolves when a run succeeds after such a streak.
 *
 * @example
 * decideDeliveries([{ pagerduty: { service_key: 'k', num_consecutive_failures: 2 } }], 'failed', ['failed']);
 * // [{ kind: 'pagerduty', target: { service_key: 'k', … }, event: 'trigger' }]
 */
export function decideDeliveries(
  notifications: readonly Notification[],
  outcome: RunOutcome,
  previous: readonly RunOutcome[],
): Delivery[] {
  const failedBefore = previous.findIndex((o) => o !== 'failed');
  const streakBefore = failedBefore === -1 ? previous.length : failedBefore;
  const wanted = (mode: NotifyWhen | undefined) =>
    shouldNotify(mode ?? DEFAULT_NOTIFY_WHEN, outcome, previous[0]);
  const deliveries: Delivery[] = [];
  for (const n of notifications) {
    if ('email' in n) {
      if (wanted(n.email.notify_when)) deliveries.push({ kind: 'email', target: n.email, event: outcome });
    } else if ('webhook' in n) {
      if (wanted(n.webhook.notify_when))
        deliveries.push({ kind: 'webhook', target: n.webhook, event: outcome });
    } else if ('slack' in n) {
      if (wanted(n.slack.notify_when)) deliveries.push({ kind: 'slack', target: n.slack, event: outcome });
    } else if ('pagerduty' in n) {
      const threshold = n.pagerduty.num_consecutive_failures ?? 1;
      if (outcome === 'failed' && streakBefore + 1 >= threshold)
        deliveries.push({ kind: 'pagerduty', target: n.pagerduty, event: 'trigger' });
      else if (outcome === 'succeeded' && streakBefore >= threshold)
        deliveries.push({ kind: 'pagerduty', target: n.pagerduty, event: 'resolve' });
    }
  }
  return deliveries;
}
