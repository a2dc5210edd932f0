import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { MailRelay } from '../../helpers/mail-relay.js';
import { deliveriesOf, FAST_DELIVERY, settledDeliveries } from './deliveries.js';

describe('an SMTP relay that is down while a run fails', () => {
  let relay: MailRelay;
  let h: Harness;
  beforeAll(async () => {
    relay = await MailRelay.start();
    await relay.stop(); // down: nothing listens on its port
    h = await Harness.start({ notifications: { ...FAST_DELIVERY, smtpUrl: relay.url } });
  });
  afterAll(async () => {
    await h?.close();
    await relay?.stop();
  });

  it('delays the e-mail, retrying with backoff, and delivers it exactly once when the relay is back', async () => {
    await h.put({
      process_definition_name: 'outage',
      task_definitions: [shellTask('nope', 'exit 1')],
      notifications: [{ email: { name: 'Ops', email: 'ops@example.com', notify_when: 'on_failure' } }],
    });
    const run = await h.triggerAndWait('outage');
    expect(run.status).toBe('failed');
    const failing = await waitFor(async () => {
      const [d] = await deliveriesOf(h, run.process_id);
      return d && d.attempts.filter((a) => a.result === 'retrying').length >= 3 ? d : undefined;
    });
    expect(failing.status).toBe('pending');
    expect(failing.attempts[0]!.detail).toMatch(/ECONNREFUSED/);

    await relay.listen(); // back, on the same port
    const [delivered] = await settledDeliveries(h, run.process_id);
    expect(delivered!.status).toBe('sent');
    const results = delivered!.attempts.map((a) => a.result);
    expect(results.at(-1)).toBe('sent');
    expect(results.slice(0, -1).every((r) => r === 'retrying')).toBe(true);
    // sent is final: nothing sends it again
    expect(relay.mails.map((m) => [m.to, m.subject])).toEqual([
      [['ops@example.com'], '[Sundial] outage failed'],
    ]);

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('sundial_notifications_sent_total{kind="email"} 1');
    expect(metrics).toContain('sundial_notifications_pending{kind="email"} 0');
  });
});
