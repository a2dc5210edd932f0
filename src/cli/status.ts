import type { Command } from 'commander';
import type { WireTriggerRequest } from '../api/trigger-requests-routes.js';
import { backoffReadyAt } from '../domain/process-plan.js';
import type { TaskDefinition } from '../domain/types.js';
import { enc, withUrl } from './cli-options.js';
import { callApi } from './http-client.js';
import type { WireProcess, WireTask } from './wire-types.js';
import { wholeNumber } from './wire-types.js';

/**
 * `sundial status [NAME] [-n N] [--watch]`: recent runs with every task of
 * each (those not started yet too), durations, end times, pending retries
 * and kills; `--watch` repeats it every 2 s until the runs shown have ended.
 *
 * @example
 * registerStatusCommand(program);
 * // sundial status nightly-etl --watch
 */
export function registerStatusCommand(program: Command): void {
  withUrl(
    program
      .command('status [name]')
      .description('recent runs, of one definition or all, with each task')
      .option('-n, --limit <n>', 'how many runs', '10')
      .option('--watch', 'refresh every 2 s until the runs shown have ended'),
  ).action(async (name: string | undefined, o: { url: string; limit: string; watch?: boolean }) => {
    const limit = wholeNumber(o.limit, '-n/--limit');
    // An unknown name is an error, not "no runs yet" (the API says which).
    if (name) await callApi(o.url, 'GET', `/api/process_definitions/${enc(name)}`);
    for (;;) {
      const [waiting, runs] = await Promise.all([
        waitingTriggers(o.url, name),
        recentRuns(o.url, name, limit),
      ]);
      // Triggers whose runs have not started (a run in progress holds them back) come first: they run next.
      const text = waiting.map(describeWaiting);
      if (runs.length === 0) text.push(name ? `no runs of ${name} yet` : 'no runs yet');
      for (const run of runs) text.push(...(await describeRun(o.url, run, Date.now())));
      if (o.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      console.log(text.join('\n'));
      if (!o.watch || (waiting.length === 0 && runs.every((r) => r.status !== 'running'))) return;
      await new Promise((r) => setTimeout(r, 2000));
      if (!process.stdout.isTTY) console.log('');
    }
  });
}

async function waitingTriggers(url: string, name: string | undefined): Promise<WireTriggerRequest[]> {
  const query = name ? `?process_definition_name=${enc(name)}` : '';
  return (await callApi(url, 'GET', `/api/trigger_requests${query}`)) as WireTriggerRequest[];
}

function describeWaiting(r: WireTriggerRequest): string {
  const tasks = r.task_definition_names ? `, tasks ${r.task_definition_names.join(', ')}` : '';
  return `${r.requested_at}  ${'waiting'.padEnd(9)}  ${r.process_definition_name}  trigger ${r.trigger_request_id}  (not started yet${tasks})`;
}

async function recentRuns(url: string, name: string | undefined, limit: number): Promise<WireProcess[]> {
  const query = new URLSearchParams({ max_records: String(limit) });
  if (name) query.set('process_definition_name', name);
  return (await callApi(url, 'GET', `/api/processes?${query}`)) as WireProcess[];
}

async function describeRun(url: string, p: WireProcess, now: number): Promise<string[]> {
  const definitions = (await callApi(
    url,
    'GET',
    `/api/processes/${p.process_id}/task_definitions`,
  )) as TaskDefinition[];
  const status = p.status === 'failed' && p.kill_reason ? 'killed' : p.status;
  const timing = p.end_time
    ? `took ${duration(Date.parse(p.end_time) - Date.parse(p.start_time))}, ended ${p.end_time}`
    : `running for ${duration(now - Date.parse(p.start_time))}`;
  const lines = [
    `${p.start_time}  ${status.padEnd(9)}  ${p.process_definition_name}  ${p.process_id}  (${timing})`,
  ];
  if (p.kill_reason) lines.push(`    ${p.kill_reason}`);
  for (const def of definitions) {
    const attempts = p.task.filter((t) => t.task_definition_name === def.task_definition_name);
    lines.push(`    ${taskLine(def, attempts, p, now)}`);
  }
  return lines;
}

function taskLine(def: TaskDefinition, attempts: WireTask[], p: WireProcess, now: number): string {
  const name = def.task_definition_name;
  const latest = attempts.reduce<WireTask | undefined>(
    (a, t) => (!a || t.previous_attempt_count > a.previous_attempt_count ? t : a),
    undefined,
  );
  if (!latest) return `${'not started'.padEnd(9)}  ${name}`;
  const attempt = latest.previous_attempt_count > 0 ? ` (attempt ${latest.previous_attempt_count + 1})` : '';
  const reason = latest.failure_reason ? `: ${latest.failure_reason}` : '';
  const took = latest.end_time
    ? `${duration(Date.parse(latest.end_time) - Date.parse(latest.start_time))}, ended ${latest.end_time}`
    : `${duration(now - Date.parse(latest.start_time))} so far`;
  const line = `${latest.status.padEnd(9)}  ${name}${attempt}  ${took}${reason}`;
  if (p.status !== 'running' || latest.status !== 'failed' || attempts.length >= def.max_attempts)
    return line;
  const endedAt = latest.end_time ? Date.parse(latest.end_time) : now;
  const readyAt = backoffReadyAt(def, {
    attempts: attempts.length,
    completedOnce: true,
    latest: { status: 'failed', endedAt },
  });
  return `${line}; waiting to retry at ${new Date(readyAt).toISOString()}`;
}

/** `1h 2m`, `3m 4s`, `5.6 s`. */
export function duration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${Math.floor(s % 60)}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}
