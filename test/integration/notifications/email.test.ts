import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyWhen, ProcessDefinition } from '../../../src/domain/types.js';
import { Harness, shellTask } from '../../helpers/harness.js';
import { MailRelay } from '../../helpers/mail-relay.js';
import { FAST_DELIVERY, settledDeliveries } from './deliveries.js';

const MODES: NotifyWhen[] = [
  'always',
  'on_failure',
  'on_state_change',
  'on_state_change_and_failures',
  'never',
];
const address = (mode: NotifyWhen) => `${mode.replace(/_/g, '-')}@example.com`;

/** nightly-etl that succeeds or fails (printing HTML-like text and a reason), e-mailing one address per mode. */
function nightly(outcome: 'succeeded' | 'failed'): ProcessDefinition {
  const script =
    outcome === 'failed'
      ? 'echo "loading <b>rows</b> & more"; echo "disk full on /data" >&2; exit 3'
      : 'echo "all rows loaded"';
  return {
    process_definition_name: 'nightly-etl',
    task_definitions: [shellTask('load', script, { max_attempts: outcome === 'failed' ? 2 : 1 })],
    notifications: MODES.map((mode) => ({
      email: { name: `Team ${mode}`, email: address(mode), notify_when: mode },
    })),
  };
}

describe('e-mail notifications through a real SMTP relay', () => {
  let relay: MailRelay;
  let h: Harness;
  beforeAll(async () => {
    relay = await MailRelay.start();
    h = await Harness.start({
      notifications: { ...FAST_DELIVERY, smtpUrl: relay.url, smtpFrom: 'sundial@example.com' },
    });
  });
  afterAll(async () => {
    await h?.close();
    await relay?.stop();
  });

  it('e-mails each notify_when mode exactly over succeed, succeed, fail, fail, succeed', async () => {
    const sequence = ['succeeded', 'succeeded', 'failed', 'failed', 'succeeded'] as const;
    const expected: Record<NotifyWhen, boolean[]> = {
      always: [true, true, true, true, true],
      on_failure: [false, false, true, true, false],
      on_state_change: [false, false, true, false, true],
      on_state_change_and_failures: [false, false, true, true, true],
      never: [false, false, false, false, false],
    };
    for (const [i, outcome] of sequence.entries()) {
      await h.put(nightly(outcome));
      const before = relay.mails.length;
      const run = await h.triggerAndWait('nightly-etl');
      expect(run.status).toBe(outcome);
      const deliveries = await settledDeliveries(h, run.process_id);
      const wanted = MODES.filter((m) => expected[m][i]).map(address);
      expect(deliveries.map((d) => d.status)).toEqual(wanted.map(() => 'sent'));
      // a message marked sent is never sent again: what arrived now is all this run sends
      const mails = relay.mails.slice(before);
      expect(mails.flatMap((m) => m.to).sort(), `run ${i + 1} (${outcome})`).toEqual([...wanted].sort());
      for (const mail of mails) {
        expect(mail.subject).toBe(`[Sundial] nightly-etl ${outcome}`);
        expect(mail.from).toBe('sundial@example.com');
        expect(mail.text).toContain(`/runs/${run.process_id}`);
      }
    }
  });

  it('says what happened: status, start, duration, attempts with reasons, the log tail, escaped HTML', async () => {
    await h.put(nightly('failed'));
    const run = await h.triggerAndWait('nightly-etl');
    await settledDeliveries(h, run.process_id);
    const mail = relay.mails.find(
      (m) => m.text.includes(run.process_id) && m.to.includes(address('always')),
    )!;
    expect(mail.subject).toBe('[Sundial] nightly-etl failed');
    expect(mail.text).toContain('Status:   failed');
    expect(mail.text).toContain(`Started:  ${run.start_time}`);
    expect(mail.text).toMatch(/Duration: [\d.]+s/);
    expect(mail.text).toContain('- load, attempt 1: failed (the shell job exited with code 3)');
    expect(mail.text).toContain('- load, attempt 2: failed (the shell job exited with code 3)');
    expect(mail.text).toContain('disk full on /data');
    expect(mail.text).toContain('loading <b>rows</b> & more');
    expect(mail.html).toContain('loading &lt;b&gt;rows&lt;/b&gt; &amp; more');
    expect(mail.html).not.toContain('<b>rows</b>');
    expect(mail.text).toContain(`Run:      ${h.url}/runs/${run.process_id}`);
    expect(mail.text).toContain(`API:      ${h.url}/api/processes/${run.process_id}`);
    expect(mail.html).toContain(`href="${h.url}/runs/${run.process_id}"`);
  });

  it("accepts the original docs' subscriptions and shows them as notifications", async () => {
    const def = {
      process_definition_name: 'subscribed',
      task_definitions: [shellTask('ok', 'true')],
      subscriptions: [{ name: 'Data team', email: 'data@example.com', notify_when: 'always' }],
    };
    const put = await h.request('PUT', '/api/process_definitions/subscribed', def);
    expect(put.status).toBe(200);
    const stored = await h.request<ProcessDefinition>('GET', '/api/process_definitions/subscribed');
    expect(stored.body).toEqual({
      process_definition_name: 'subscribed',
      task_definitions: def.task_definitions,
      notifications: [{ email: { name: 'Data team', email: 'data@example.com', notify_when: 'always' } }],
    });
    const run = await h.triggerAndWait('subscribed');
    const [delivery] = await settledDeliveries(h, run.process_id);
    expect(delivery).toMatchObject({ kind: 'email', to: 'Data team <data@example.com>', status: 'sent' });
    expect(relay.mails.filter((m) => m.subject === '[Sundial] subscribed succeeded')).toHaveLength(1);
  });
});

describe('e-mail notifications without an SMTP relay', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ notifications: FAST_DELIVERY });
  });
  afterAll(async () => h?.close());

  it('are recorded on the run as not sent, with the reason, and the run is unaffected', async () => {
    await h.put({
      process_definition_name: 'unmailed',
      task_definitions: [shellTask('nope', 'exit 1')],
      notifications: [{ email: { name: 'Ops', email: 'ops@example.com', notify_when: 'on_failure' } }],
    });
    const run = await h.triggerAndWait('unmailed');
    expect(run.status).toBe('failed');
    const [delivery] = await settledDeliveries(h, run.process_id);
    expect(delivery).toMatchObject({
      kind: 'email',
      event: 'failed',
      status: 'not_sent',
      attempts: [{ attempt: 1, result: 'not_sent', detail: 'no SMTP server configured (SUNDIAL_SMTP_URL)' }],
    });
  });
});
