import type { EmailNotification, Notification, ProcessDefinition } from './types.js';
import type { FieldProblem } from './validation-error.js';

/**
 * The original docs' `subscriptions` (email notifications under another
 * name), folded into `notifications` so that one form is stored and returned.
 *
 * @example
 * withSubscriptions({ ...def, subscriptions: [{ name: 'Ops', email: 'ops@example.com' }] });
 * // { ...def, notifications: [{ email: { name: 'Ops', email: 'ops@example.com' } }] }
 */
export function withSubscriptions(
  def: ProcessDefinition & { subscriptions?: EmailNotification[] },
): ProcessDefinition {
  if (def.subscriptions === undefined) return def;
  const { subscriptions, ...rest } = def;
  return {
    ...rest,
    notifications: [...(def.notifications ?? []), ...subscriptions.map((email) => ({ email }))],
  };
}

/**
 * Webhook and Slack URLs must be https: a run summary goes out in them.
 * Plain http is accepted for loopback addresses (a local relay, tests).
 *
 * @example
 * checkNotificationUrls([{ webhook: { url: 'http://hooks.example.com/x' } }]);
 * // [{ field: 'notifications[0].webhook.url', problem: 'must be an https URL …' }]
 */
export function checkNotificationUrls(notifications: readonly Notification[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  notifications.forEach((n, i) => {
    const [field, url] =
      'webhook' in n
        ? ['webhook.url', n.webhook.url]
        : 'slack' in n
          ? ['slack.webhook_url', n.slack.webhook_url]
          : [];
    if (field === undefined || url === undefined) return;
    const problem = urlProblem(url);
    if (problem) problems.push({ field: `notifications[${i}].${field}`, problem });
  });
  return problems;
}

function urlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `is not a valid URL (got ${JSON.stringify(text)})`;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopback(url.hostname)) return undefined;
  return `must be an https URL; http is accepted only for loopback addresses (got ${JSON.stringify(text)})`;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
