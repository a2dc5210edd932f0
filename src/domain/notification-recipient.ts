import type { NotificationKind } from './types.js';

/**
 * Who a notification goes to, in words safe to show on a run: secrets
 * (routing keys, Slack webhook paths, URL queries) are left out.
 *
 * @example
 * notificationRecipient('pagerduty', { service_key: 'abcd1234' }); // 'PagerDuty events.pagerduty.com, routing key …1234'
 */
export function notificationRecipient(kind: NotificationKind, target: Record<string, unknown>): string {
  const text = (key: string) => (typeof target[key] === 'string' ? (target[key] as string) : '');
  switch (kind) {
    case 'email':
      return `${text('name')} <${text('email')}>`;
    case 'pagerduty':
      return `PagerDuty ${hostOf(text('api_url') || 'https://events.pagerduty.com')}, routing key …${text('service_key').slice(-4)}`;
    case 'webhook':
      return pathOf(text('url'));
    case 'slack':
      return `Slack ${hostOf(text('webhook_url'))}`;
  }
}

function hostOf(url: string): string {
  return URL.canParse(url) ? new URL(url).host : url;
}

function pathOf(url: string): string {
  if (!URL.canParse(url)) return url;
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}
