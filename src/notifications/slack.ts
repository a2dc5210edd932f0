import type { SlackNotification } from '../domain/types.js';
import { postJson } from './delivery-error.js';
import { durationOf, type RunSummary } from './run-summary.js';

/**
 * A Slack incoming-webhook message about a run: one readable line, and a
 * line per failed task.
 *
 * @example
 * slackMessage(run).text; // ':x: *nightly-etl* failed after 1m 3s (started …) <https://…|view run>\n…'
 */
export function slackMessage(run: RunSummary): { text: string } {
  const icon = run.outcome === 'failed' ? ':x:' : ':white_check_mark:';
  const lines = [
    `${icon} *${mrkdwn(run.definitionName)}* ${run.outcome} after ${durationOf(run)} ` +
      `(started ${run.startedAt.toISOString()}) <${run.url}|view run>`,
    ...run.tasks
      .filter((t) => t.status === 'failed')
      .map((t) => `• ${mrkdwn(t.name)} (attempt ${t.attempt}): ${mrkdwn(t.failureReason ?? 'failed')}`),
  ];
  return { text: lines.join('\n') };
}

/** Slack's own escaping: these three characters are markup in message text. */
function mrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function sendSlack(target: SlackNotification, run: RunSummary, timeoutMs: number): Promise<string> {
  return postJson(target.webhook_url, JSON.stringify(slackMessage(run)), {}, timeoutMs);
}
