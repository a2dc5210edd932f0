import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../../src/domain/types.js';
import { Harness, shellTask } from '../../helpers/harness.js';
import { HttpReceiver } from '../../helpers/http-receiver.js';
import { FAST_DELIVERY, settledDeliveries } from './deliveries.js';

describe('PagerDuty, webhook and Slack notifications against a real HTTP receiver', () => {
  let receiver: HttpReceiver;
  let h: Harness;
  beforeAll(async () => {
    receiver = await HttpReceiver.start((path) => (path === '/refuse' ? 400 : 202));
    h = await Harness.start({ notifications: FAST_DELIVERY });
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  /** Runs `name` once with the given outcome and waits until its notifications are all delivered (or final). */
  async function runOnce(name: string, notifications: Notification[], outcome: 'succeeded' | 'failed') {
    await h.put({
      process_definition_name: name,
      task_definitions: [shellTask('work', outcome === 'failed' ? 'exit 2' : 'true')],
      notifications,
    });
    const run = await h.triggerAndWait(name);
    expect(run.status).toBe(outcome);
    return { run, deliveries: await settledDeliveries(h, run.process_id) };
  }

  it('PagerDuty: triggers after N consecutive failures, with one dedup key, and resolves on the next success', async () => {
    const pd: Notification[] = [
      { pagerduty: { service_key: 'R0UTING-KEY', num_consecutive_failures: 2, api_url: receiver.url } },
    ];
    const actions: string[][] = [];
    for (const outcome of ['failed', 'failed', 'failed', 'succeeded', 'succeeded'] as const) {
      const before = receiver.to('/v2/enqueue').length;
      await runOnce('paged', pd, outcome);
      actions.push(
        receiver
          .to('/v2/enqueue')
          .slice(before)
          .map((r) => JSON.parse(r.body).event_action),
      );
    }
    expect(actions).toEqual([[], ['trigger'], ['trigger'], ['resolve'], []]);
    const events = receiver.to('/v2/enqueue').map((r) => JSON.parse(r.body));
    for (const e of events)
      expect(e).toMatchObject({ routing_key: 'R0UTING-KEY', dedup_key: 'sundial/paged' });
    expect(events[0].payload).toMatchObject({
      summary: '[Sundial] paged failed',
      source: 'sundial',
      severity: 'error',
      custom_details: { failed_tasks: ['work (attempt 1): the shell job exited with code 2'] },
    });
    expect(events[2].payload).toBeUndefined();
  });

  it('webhook: POSTs a JSON run summary signed with HMAC-SHA256, with a delivery id', async () => {
    const { run, deliveries } = await runOnce(
      'hooked',
      [
        { webhook: { url: `${receiver.url}/signed`, notify_when: 'always', secret: 's3cret' } },
        { webhook: { url: `${receiver.url}/plain`, notify_when: 'always' } },
      ],
      'failed',
    );
    const [signed] = receiver.to('/signed');
    const expected = `sha256=${createHmac('sha256', 's3cret').update(signed!.body).digest('hex')}`;
    expect(signed!.headers['x-sundial-signature']).toBe(expected);
    expect(signed!.headers['content-type']).toBe('application/json');
    const signedDelivery = deliveries.find((d) => d.to === `${receiver.url}/signed`);
    expect(signed!.headers['x-sundial-delivery']).toBe(signedDelivery!.notification_id);
    expect(JSON.parse(signed!.body)).toMatchObject({
      process_id: run.process_id,
      process_definition_name: 'hooked',
      status: 'failed',
      start_time: run.start_time,
      url: `${h.url}/runs/${run.process_id}`,
      tasks: [{ task_definition_name: 'work', attempt: 1, status: 'failed' }],
    });
    const [plain] = receiver.to('/plain');
    expect(plain!.headers['x-sundial-signature']).toBeUndefined();
    expect(deliveries.map((d) => [d.to, d.status]).sort()).toEqual([
      [`${receiver.url}/plain`, 'sent'],
      [`${receiver.url}/signed`, 'sent'],
    ]);
  });

  it('webhook: a refusal (HTTP 400) is final, recorded with the answer, and not retried', async () => {
    const { deliveries } = await runOnce(
      'refused',
      [{ webhook: { url: `${receiver.url}/refuse`, notify_when: 'on_failure' } }],
      'failed',
    );
    expect(deliveries).toMatchObject([
      {
        status: 'failed',
        attempts: [{ attempt: 1, result: 'failed', detail: expect.stringMatching(/^HTTP 400/) }],
      },
    ]);
    expect(receiver.to('/refuse')).toHaveLength(1);
  });

  it('slack: an incoming-webhook message with the outcome, duration, link and failed attempts', async () => {
    const { run } = await runOnce(
      'slacked',
      [{ slack: { webhook_url: `${receiver.url}/services/T0/B0/x`, notify_when: 'on_failure' } }],
      'failed',
    );
    const [message] = receiver.to('/services/T0/B0/x');
    const { text } = JSON.parse(message!.body) as { text: string };
    expect(text).toMatch(/^:x: \*slacked\* failed after [\d.]+s \(started /);
    expect(text).toContain(`<${h.url}/runs/${run.process_id}|view run>`);
    expect(text).toContain('• work (attempt 1): the shell job exited with code 2');
  });

  it('documents the webhook and slack kinds and the deliveries on a run in the OpenAPI document', async () => {
    const doc = await h.request<{ components: { schemas: Record<string, { properties?: object }> } }>(
      'GET',
      '/api/openapi.json',
    );
    const schemas = doc.body.components.schemas;
    expect(Object.keys(schemas.notification?.properties ?? {})).toEqual([
      'email',
      'pagerduty',
      'webhook',
      'slack',
    ]);
    expect(Object.keys(schemas.webhook?.properties ?? {})).toEqual(['url', 'notify_when', 'secret']);
    expect(Object.keys(schemas.slack?.properties ?? {})).toEqual(['webhook_url', 'notify_when']);
    expect(schemas.notification_delivery?.properties).toHaveProperty('attempts');
  });
});
