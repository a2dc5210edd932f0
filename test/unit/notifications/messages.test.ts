import { describe, expect, it } from 'vitest';
import { emailMessage } from '../../../src/notifications/email-message.js';
import { retryDelay } from '../../../src/notifications/notification-settings.js';
import { formatDuration, type RunSummary } from '../../../src/notifications/run-summary.js';
import { slackMessage } from '../../../src/notifications/slack.js';

const run: RunSummary = {
  processId: 'p-1',
  definitionName: 'etl <prod> & "co"',
  outcome: 'failed',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  endedAt: new Date('2026-01-01T00:01:05Z'),
  url: 'https://sundial.example.com/runs/p-1',
  apiUrl: 'https://sundial.example.com/api/processes/p-1',
  tasks: [
    {
      name: 'load',
      attempt: 1,
      status: 'failed',
      failureReason: 'exit <2>',
      logTail: ['<script>alert(1)</script>'],
    },
    { name: 'load', attempt: 2, status: 'succeeded', failureReason: undefined, logTail: [] },
  ],
};

describe('messages about a run', () => {
  it('e-mail: names the definition and outcome in the subject; HTML escapes everything from jobs', () => {
    const m = emailMessage(run);
    expect(m.subject).toBe('[Sundial] etl <prod> & "co" failed');
    expect(m.text).toContain('Duration: 1m 5s');
    expect(m.text).toContain('- load, attempt 1: failed (exit <2>)');
    expect(m.text).toContain('    <script>alert(1)</script>');
    expect(m.html).toContain('etl &lt;prod&gt; &amp; &quot;co&quot; failed');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(m.html).toContain('exit &lt;2&gt;');
    expect(m.html).not.toMatch(/<script>|<prod>/);
  });

  it('slack: escapes its three markup characters', () => {
    expect(slackMessage(run).text).toBe(
      ':x: *etl &lt;prod&gt; &amp; "co"* failed after 1m 5s (started 2026-01-01T00:00:00.000Z) ' +
        '<https://sundial.example.com/runs/p-1|view run>\n• load (attempt 1): exit &lt;2&gt;',
    );
  });

  it('durations read as people write them', () => {
    expect([400, 12_000, 240_000, 3_723_000].map(formatDuration)).toEqual([
      '0.4s',
      '12s',
      '4m 0s',
      '1h 2m 3s',
    ]);
  });

  it('retries back off exponentially with jitter, up to the ceiling', () => {
    const settings = { retryBaseMs: 1000, retryMaxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 6].map((a) => retryDelay(a, settings, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
    expect(retryDelay(3, settings, () => 0)).toBe(2000);
  });
});
