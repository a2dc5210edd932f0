import { describe, expect, it } from 'vitest';
import { decideDeliveries, type RunOutcome, shouldNotify } from '../../../src/domain/notification-rules.js';
import type { Notification, NotifyWhen } from '../../../src/domain/types.js';

/** Outcomes of a definition's runs, oldest first, and whom each one notifies. */
function overRuns(notifications: Notification[], runs: RunOutcome[]) {
  return runs.map((outcome, i) =>
    decideDeliveries(notifications, outcome, runs.slice(0, i).reverse()).map((d) => `${d.kind}:${d.event}`),
  );
}

describe('whom a run notifies', () => {
  const sequence: RunOutcome[] = ['succeeded', 'succeeded', 'failed', 'failed', 'succeeded'];
  const expected: Record<NotifyWhen, boolean[]> = {
    always: [true, true, true, true, true],
    on_failure: [false, false, true, true, false],
    on_state_change: [false, false, true, false, true],
    on_state_change_and_failures: [false, false, true, true, true],
    never: [false, false, false, false, false],
  };

  it.each(Object.entries(expected))('email %s over succeed, succeed, fail, fail, succeed', (mode, sent) => {
    const email: Notification = {
      email: { name: 'Ops', email: 'ops@example.com', notify_when: mode as NotifyWhen },
    };
    expect(overRuns([email], sequence)).toEqual(sent.map((s, i) => (s ? [`email:${sequence[i]}`] : [])));
  });

  it('webhook and slack follow notify_when like e-mail; the default is on_state_change_and_failures', () => {
    const notifications: Notification[] = [
      { webhook: { url: 'https://hooks.example.com/x', notify_when: 'always' } },
      { slack: { webhook_url: 'https://hooks.slack.com/services/x' } },
    ];
    expect(overRuns(notifications, ['succeeded', 'failed', 'failed', 'succeeded'])).toEqual([
      ['webhook:succeeded'],
      ['webhook:failed', 'slack:failed'],
      ['webhook:failed', 'slack:failed'],
      ['webhook:succeeded', 'slack:succeeded'],
    ]);
  });

  it('a first run that fails is a change of state; a first success is not', () => {
    expect(shouldNotify('on_state_change', 'failed', undefined)).toBe(true);
    expect(shouldNotify('on_state_change', 'succeeded', undefined)).toBe(false);
  });

  it('PagerDuty triggers after N failures in a row, again while failing, and resolves on the next success', () => {
    const pd: Notification = { pagerduty: { service_key: 'k', num_consecutive_failures: 2 } };
    expect(
      overRuns([pd], ['failed', 'succeeded', 'failed', 'failed', 'failed', 'succeeded', 'succeeded']),
    ).toEqual([[], [], [], ['pagerduty:trigger'], ['pagerduty:trigger'], ['pagerduty:resolve'], []]);
  });

  it('PagerDuty with the default of one failure triggers on the first failure', () => {
    const pd: Notification = { pagerduty: { service_key: 'k' } };
    expect(overRuns([pd], ['failed', 'succeeded'])).toEqual([['pagerduty:trigger'], ['pagerduty:resolve']]);
  });

  it('a success after fewer than N failures resolves nothing (nothing was triggered)', () => {
    const pd: Notification = { pagerduty: { service_key: 'k', num_consecutive_failures: 3 } };
    expect(overRuns([pd], ['failed', 'failed', 'succeeded'])).toEqual([[], [], []]);
  });
});
