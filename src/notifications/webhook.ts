import { createHmac } from 'node:crypto';
import type { WebhookNotification } from '../domain/types.js';
import { postJson } from './delivery-error.js';
import type { RunSummary } from './run-summary.js';

/** Header carrying `sha256=<hex HMAC-SHA256 of the body>` when the webhook has a secret. */
export const SIGNATURE_HEADER = 'x-sundial-signature';
/** Header carrying the delivery's id: the same on every retry, so receivers can drop repeats. */
export const DELIVERY_HEADER = 'x-sundial-delivery';

/**
 * The JSON a webhook receives about a run, in the API's own words.
 *
 * @example
 * webhookBody(run).status; // 'failed'
 */
export function webhookBody(run: RunSummary) {
  return {
    process_id: run.processId,
    process_definition_name: run.definitionName,
    status: run.outcome,
    start_time: run.startedAt.toISOString(),
    ...(run.endedAt && {
      end_time: run.endedAt.toISOString(),
      duration_seconds: (run.endedAt.getTime() - run.startedAt.getTime()) / 1000,
    }),
    url: run.url,
    api_url: run.apiUrl,
    tasks: run.tasks.map((t) => ({
      task_definition_name: t.name,
      attempt: t.attempt,
      status: t.status,
      ...(t.failureReason && { failure_reason: t.failureReason }),
    })),
  };
}

/** `sha256=<hex>`: what {@link SIGNATURE_HEADER} carries; a receiver computes the same over the raw body. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function sendWebhook(
  deliveryId: string,
  target: WebhookNotification,
  run: RunSummary,
  timeoutMs: number,
): Promise<string> {
  const body = JSON.stringify(webhookBody(run));
  const headers: Record<string, string> = { [DELIVERY_HEADER]: deliveryId };
  if (target.secret) headers[SIGNATURE_HEADER] = signature(target.secret, body);
  return postJson(target.url, body, headers, timeoutMs);
}
