import type { Command } from 'commander';
import type { cronPattern } from '../domain/schedule.js';
import type { ProcessDefinition } from '../domain/types.js';
import { collectFiles, enc, withUrl } from './cli-options.js';
import { callApi, notSundial, request, serverUrl } from './http-client.js';

type WireDefinition = ProcessDefinition & { next_run_time?: string };

/**
 * `apply`, `list`, `show`, `pause`, `resume` and `delete`: the process
 * definition endpoints from the command line.
 *
 * @example
 * registerDefinitionCommands(program);
 * // sundial apply -f etl.json -f report.json
 */
export function registerDefinitionCommands(program: Command): void {
  withUrl(
    program
      .command('apply')
      .description('create or replace process definitions (each file in turn)')
      .requiredOption(
        '-f, --file <file>',
        'definition JSON (repeatable; - reads standard input)',
        collectFiles,
      ),
  ).action(async (o: { file: string[]; url: string }) => {
    // Imported here, not at the top: the definition checks are only this command's, not every command's start.
    const { readDefinitionFiles, validDefinition, warnAboutBatchQueue } = await import(
      './definition-files.js'
    );
    // Every file is checked before the first is sent: a typo in the third leaves the first two as they were.
    const defs = readDefinitionFiles(o.file).map((read) => validDefinition(read));
    for (const def of defs) warnAboutBatchQueue(def);
    for (const def of defs) {
      const name = def.process_definition_name;
      const saved = await callApi(o.url, 'PUT', `/api/process_definitions/${enc(name)}`, def);
      if ((saved as WireDefinition | undefined)?.process_definition_name !== name) {
        throw notSundial(
          serverUrl(o.url),
          `PUT /api/process_definitions/${name} did not answer with the definition`,
        );
      }
      console.log(`applied ${name}`);
    }
  });

  withUrl(program.command('list').description('process definitions: schedule, paused, next run')).action(
    async (o: { url: string }) => {
      const defs = await definitions(o.url);
      const { cronPattern } = await import('../domain/schedule.js');
      if (defs.length === 0) console.log('no process definitions yet');
      for (const d of defs) {
        const state = d.paused ? 'paused' : d.next_run_time ? `next run ${d.next_run_time}` : '';
        console.log(
          `${d.process_definition_name.padEnd(24)}  ${scheduleOf(d, cronPattern).padEnd(32)}  ${state}`,
        );
      }
    },
  );

  withUrl(program.command('show <name>').description('a process definition as JSON')).action(
    async (name: string, o: { url: string }) => {
      console.log(
        JSON.stringify(await callApi(o.url, 'GET', `/api/process_definitions/${enc(name)}`), null, 2),
      );
    },
  );

  for (const [action, done, what] of [
    ['pause', 'paused', 'stop starting runs on schedule (triggers still run)'],
    ['resume', 'resumed', 'start runs on schedule again'],
  ] as const) {
    withUrl(program.command(`${action} <name>`).description(what)).action(
      async (name: string, o: { url: string }) => {
        await callApi(o.url, 'POST', `/api/process_definitions/${enc(name)}/${action}`);
        console.log(`${done} ${name}`);
      },
    );
  }

  withUrl(program.command('delete <name>').description('delete a process definition')).action(
    async (name: string, o: { url: string }) => {
      const res = await request(o.url, 'DELETE', `/api/process_definitions/${enc(name)}`);
      if (res.status !== 204) throw notSundial(serverUrl(o.url), `DELETE answered ${res.status}`);
      console.log(`deleted ${name}`);
    },
  );
}

async function definitions(url: string): Promise<WireDefinition[]> {
  const defs = await callApi(url, 'GET', '/api/process_definitions');
  if (!Array.isArray(defs)) throw notSundial(serverUrl(url), 'GET /api/process_definitions is not a list');
  return defs as WireDefinition[];
}

function scheduleOf(d: ProcessDefinition, pattern: typeof cronPattern): string {
  if (!d.schedule) return 'manual';
  if ('continuous_schedule' in d.schedule) {
    return `continuous, ${d.schedule.continuous_schedule.buffer_seconds ?? 0} s apart`;
  }
  const c = d.schedule.cron_schedule;
  return `${pattern(c)}${c.time_zone ? ` ${c.time_zone}` : ''}`;
}
