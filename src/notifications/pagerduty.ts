import type { PagerdutyNotification } from '../domain/types.js';
import { postJson } from './delivery-error.js';
import type { RunSummary } from './run-summary.js';

export const DEFAULT_PAGERDUTY_URL = 'https://events.pagerduty.com';

/**
 * The PagerDuty Events API v2 event for a run: one dedup key per
 * definition, so repeated failures land in one incident and the next
 * success resolves it.
 *
 * @example
 * pagerdutyEvent({ service_key: 'R0UT1NG' }, 'trigger', run).dedup_key; // 'sundial/nightly-etl'
 */
export function pagerdutyEvent(
  target: PagerdutyNotification,
  action: 'trigger' | 'resolve',
  run: RunSummary,
) {
  const failed = run.tasks.filter((t) => t.status === 'failed');
  return {
    routing_key: target.service_key,
    event_action: action,
    dedup_key: `sundial/${run.definitionName}`,
    ...(action === 'trigger' && {
      payload: {
        summary: `[Sundial] ${run.definitionName} failed`.slice(0, 1024),
        source: 'sundial',
        severity: 'error',
        timestamp: (run.endedAt ?? run.startedAt).toISOString(),
        component: run.definitionName,
        custom_details: {
          process_id: run.processId,
          failed_tasks: failed.map((t) => `${t.name} (attempt ${t.attempt}): ${t.failureReason ?? 'failed'}`),
          consecutive_failures_threshold: target.num_consecutive_failures ?? 1,
        },
      },
      links: [{ href: run.url, text: 'Sundial run' }],
    }),
  };
}

/** Sends the event to `{api_url}/v2/enqueue`. */
export function sendPagerduty(
  target: PagerdutyNotification,
  action: 'trigger' | 'resolve',
  run: RunSummary,
  timeoutMs: number,
): Promise<string> {
  const base = (target.api_url ?? DEFAULT_PAGERDUTY_URL).replace(/\/+$/, '');
  return postJson(`${base}/v2/enqueue`, JSON.stringify(pagerdutyEvent(target, action, run)), {}, timeoutMs);
}
