import { durationOf, type RunSummary } from './run-summary.js';

/** An e-mail about a run: subject, plain text and HTML bodies. */
export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/**
 * Renders the e-mail about a run's end. Everything that comes from jobs
 * (names, failure reasons, log lines) is HTML-escaped in the HTML body.
 *
 * @example
 * emailMessage(run).subject; // '[Sundial] nightly-etl failed'
 */
export function emailMessage(run: RunSummary): EmailMessage {
  const subject = `[Sundial] ${run.definitionName} ${run.outcome}`;
  const facts: [string, string][] = [
    ['Status', run.outcome],
    ['Started', run.startedAt.toISOString()],
    ['Duration', durationOf(run)],
    ['Run', run.url],
    ['API', run.apiUrl],
  ];
  const text = [
    `${run.definitionName} ${run.outcome}`,
    '',
    ...facts.map(([k, v]) => `${`${k}:`.padEnd(10)}${v}`),
    '',
    'Tasks:',
    ...run.tasks.flatMap((t) => [
      `- ${t.name}, attempt ${t.attempt}: ${t.status}${t.failureReason ? ` (${t.failureReason})` : ''}`,
      ...(t.logTail.length > 0 ? ['  Last lines of its log:', ...t.logTail.map((l) => `    ${l}`)] : []),
    ]),
    '',
  ].join('\n');
  const colour = run.outcome === 'failed' ? '#b3261e' : '#1e7b34';
  const html = `<!doctype html>
<html><body style="font-family: sans-serif">
<h2 style="color: ${colour}">${esc(run.definitionName)} ${run.outcome}</h2>
<table>${facts.map(([k, v]) => `<tr><th align="left">${k}</th><td>${k === 'Run' || k === 'API' ? `<a href="${esc(v)}">${esc(v)}</a>` : esc(v)}</td></tr>`).join('')}</table>
<h3>Tasks</h3>
<table border="1" cellpadding="4" style="border-collapse: collapse">
<tr><th>Task</th><th>Attempt</th><th>Status</th><th>Failure reason</th></tr>
${run.tasks
  .map(
    (t) =>
      `<tr><td>${esc(t.name)}</td><td>${t.attempt}</td><td>${esc(t.status)}</td><td>${esc(t.failureReason ?? '')}</td></tr>` +
      (t.logTail.length > 0
        ? `<tr><td colspan="4">Last lines of its log:<pre>${esc(t.logTail.join('\n'))}</pre></td></tr>`
        : ''),
  )
  .join('\n')}
</table>
</body></html>
`;
  return { subject, text, html };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as HTML element content or attribute value. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
