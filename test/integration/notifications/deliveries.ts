import { type Harness, waitFor } from '../../helpers/harness.js';

/** A run's `notification_deliveries` entry, as GET /api/processes/{id} shows it. */
export interface WireDelivery {
  notification_id: string;
  kind: string;
  to: string;
  event: string;
  status: 'pending' | 'sent' | 'failed' | 'not_sent';
  attempts: { attempt: number; result: string; detail?: string; start_time: string; end_time?: string }[];
}

export async function deliveriesOf(h: Harness, processId: string): Promise<WireDelivery[]> {
  const res = await h.request<{ notification_deliveries?: WireDelivery[] }>(
    'GET',
    `/api/processes/${processId}`,
  );
  return res.body.notification_deliveries ?? [];
}

/**
 * Waits until every notification of a run has a final status (a run's
 * notifications are written with its end, so an ended run has them all).
 */
export function settledDeliveries(
  h: Harness,
  processId: string,
  timeoutMs = 20_000,
): Promise<WireDelivery[]> {
  return waitFor(async () => {
    const deliveries = await deliveriesOf(h, processId);
    return deliveries.every((d) => d.status !== 'pending') ? deliveries : undefined;
  }, timeoutMs);
}

/** Settings that keep tests fast: quick polls, retries after tens of milliseconds (the lease stays long: a loaded host must not time a send out). */
export const FAST_DELIVERY = { pollMs: 200, leaseMs: 30_000, retryBaseMs: 50, retryMaxMs: 400 };
