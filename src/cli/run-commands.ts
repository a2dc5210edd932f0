import type { Command } from 'commander';
import type { WireTriggerRequest } from '../api/trigger-requests-routes.js';
import { enc, withUrl } from './cli-options.js';
import { EXIT } from './exit-codes.js';
import { ApiError, callApi, request, serverUrl } from './http-client.js';
import { followLog } from './logs.js';

/**
 * `trigger NAME [--task T] [--wait]`, `kill RUN`, `retry RUN`.
 *
 * @example
 * registerRunCommands(program);
 * // sundial trigger nightly-etl --wait
 */
export function registerRunCommands(program: Command): void {
  withUrl(
    program
      .command('trigger <name>')
      .description('start a run now and print its id; --wait follows its log to the end')
      .option('--task <task>', 'run only this task')
      .option('--wait', 'follow the run to its end; the exit code says whether it succeeded'),
  ).action(async (name: string, o: { task?: string; wait?: boolean; url: string }) => {
    const url = serverUrl(o.url);
    const query = o.task ? `?task_definition_name=${enc(o.task)}` : '';
    const res = await request(url, 'POST', `/api/process_definitions/${enc(name)}/trigger${query}`).catch(
      (e) => {
        // The API names its query parameter; the user typed a flag.
        if (e instanceof ApiError) e.message = e.message.replace(/^task_definition_name:/, '--task:');
        throw e;
      },
    );
    const what = `${name}${o.task ? ` (task ${o.task})` : ''}`;
    const started = res.headers.get('sundial-process-id');
    const requestId = res.headers.get('sundial-trigger-request-id');
    if (started) console.log(`triggered ${what}: run ${started}`);
    // A run in progress holds the request back (overlap_action wait), or the scheduler is busy.
    else console.log(`triggered ${what}: request ${requestId}, its run has not started yet`);
    if (!o.wait) return;
    const processId = started ?? (await runOfRequest(url, requestId ?? ''));
    if (!started) console.log(`run ${processId} started`);
    const status = await followLog(url, 'processes', processId);
    if (status !== 'succeeded') process.exitCode = EXIT.FAILED;
  });

  withUrl(
    program.command('kill <run>').description('kill a running process (its running tasks are stopped)'),
  ).action(async (run: string, o: { url: string }) => {
    await callApi(o.url, 'POST', `/api/processes/${enc(run)}/kill`);
    console.log(`killing run ${run}`);
  });

  withUrl(
    program
      .command('retry <run>')
      .description('run the failed tasks of a failed process again (one more attempt each)'),
  ).action(async (run: string, o: { url: string }) => {
    await callApi(o.url, 'POST', `/api/processes/${enc(run)}/retry`);
    console.log(`retrying run ${run}`);
  });
}

/** Waits for a trigger request to become a run; its id. */
async function runOfRequest(url: string, requestId: string): Promise<string> {
  for (let asked = 1; ; asked++) {
    const request = (await callApi(url, 'GET', `/api/trigger_requests/${enc(requestId)}`).catch((e) => {
      // The request goes with its definition when that is deleted before the run starts.
      if (e instanceof ApiError && e.status === 404)
        e.message = `trigger request ${requestId} is gone: its process definition was deleted before its run started`;
      throw e;
    })) as WireTriggerRequest;
    if (request.process_id) return request.process_id;
    // Every second for a minute, then every 5 s: a run in progress may hold it back for hours.
    await new Promise((r) => setTimeout(r, asked < 60 ? 1000 : 5000));
  }
}
