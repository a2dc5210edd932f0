import type { Command } from 'commander';
import { enc, withUrl } from './cli-options.js';
import { EXIT } from './exit-codes.js';
import { ApiError, callApi, request, serverUrl } from './http-client.js';
import { followLog } from './logs.js';
import type { WireProcess } from './wire-types.js';

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
    let processId = res.headers.get('sundial-process-id') ?? undefined;
    const what = `${name}${o.task ? ` (task ${o.task})` : ''}`;
    if (processId) console.log(`triggered ${what}: run ${processId}`);
    else console.log(`triggered ${what}: it starts when the run in progress ends`);
    if (!o.wait) return;
    const since = Date.parse(res.headers.get('date') ?? '') || Date.now();
    processId ??= await nextRun(url, name, since);
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

/** The first run of `name` that started at or after `since` (a trigger held back by a run in progress). */
async function nextRun(url: string, name: string, since: number): Promise<string> {
  const query = new URLSearchParams({
    process_definition_name: name,
    start_time: new Date(since - 1000).toISOString(),
  });
  for (;;) {
    const runs = (await callApi(url, 'GET', `/api/processes?${query}`)) as WireProcess[];
    const run = runs.filter((r) => Date.parse(r.start_time) >= since - 1000).at(-1);
    if (run) return run.process_id;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
