import type { Command } from 'commander';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { withUrl } from './cli-options.js';
import { EXIT } from './exit-codes.js';
import { ApiError, authHeaders, request, serverUrl, UnreachableError } from './http-client.js';

/** A line as the log endpoints send it. */
interface WireLine {
  task_definition_name: string;
  cursor: string;
  when: string;
  source: string;
  message: string;
}

export type Kind = 'tasks' | 'processes';

const RESET = '\x1b[0m';
const DIM = '\x1b[2m';
/** By source: job output plain, errors red, scheduler cyan, CloudWatch green, EMR step logs magenta. */
const COLOURS: Record<string, string> = {
  stdout: '',
  stderr: '\x1b[31m',
  scheduler: '\x1b[36m',
  cloudwatch: '\x1b[32m',
  'emr-stdout': '\x1b[35m',
  'emr-stderr': '\x1b[31m',
};
/** Sources a job named itself (POST log_entries). */
const OTHER = '\x1b[33m';

/**
 * `sundial logs ID [-f] [--url]`: prints a task's or a process's log, and
 * with `-f` follows it live over Server-Sent Events until it ends.
 *
 * @example
 * registerLogsCommand(program);
 * // sundial logs 3f0c…-…  -f
 */
export function registerLogsCommand(program: Command): void {
  withUrl(
    program
      .command('logs <id>')
      .description("print a process's or a task's log in time order; -f follows it live until it ends")
      .option('-f, --follow', 'keep printing new lines until the task or process has finished'),
  ).action(async (id: string, o: { follow?: boolean; url: string }) => {
    const url = serverUrl(o.url);
    const kind = await kindOf(url, id);
    if (!o.follow) return printPages(url, kind, id, linePrinter(kind));
    const status = await followLog(url, kind, id);
    // Like `trigger --wait`: the exit code says how the run ended.
    if (status !== 'succeeded') process.exitCode = EXIT.FAILED;
  });
}

/**
 * Prints a task's or process's log live until it ends; resolves with its
 * final status (and says it on stderr).
 *
 * @example
 * const status = await followLog('http://127.0.0.1:8080', 'processes', processId);
 */
export async function followLog(url: string, kind: Kind, id: string): Promise<string | undefined> {
  const status = await follow(url, kind, id, linePrinter(kind));
  if (status) console.error(`${kind === 'tasks' ? 'task' : 'process'} ${status}`);
  return status;
}

function linePrinter(kind: Kind): (l: WireLine) => void {
  const colour = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return printer(kind === 'processes', colour);
}

/** Whether `id` names a task or a process (tasks are asked first: their ids are what jobs see). */
async function kindOf(url: string, id: string): Promise<Kind> {
  for (const kind of ['tasks', 'processes'] as const) {
    try {
      await request(url, 'GET', `/api/${kind}/${encodeURIComponent(id)}`);
      return kind;
    } catch (e) {
      if (!(e instanceof ApiError) || (e.status !== 404 && e.status !== 400)) throw e;
    }
  }
  throw new ApiError(404, `no task or process ${id}`);
}

/** The whole log in the lines' own time order (sources stored at different paces fall into place). */
async function printPages(url: string, kind: Kind, id: string, print: (l: WireLine) => void): Promise<void> {
  let after = '0';
  for (;;) {
    const res = await fetch(new URL(`/api/${kind}/${id}/logs?order=time&after=${after}&limit=5000`, url), {
      headers: authHeaders(),
    });
    if (!res.ok) throw new ApiError(res.status, await res.text());
    const page = (await res.json()) as { entries: WireLine[]; next_cursor: string };
    for (const line of page.entries) print(line);
    if (page.entries.length < 5000) return;
    after = page.next_cursor;
  }
}

/** Follows the SSE stream, reconnecting from the last cursor if the connection drops; resolves with the final status. */
async function follow(
  url: string,
  kind: Kind,
  id: string,
  print: (l: WireLine) => void,
): Promise<string | undefined> {
  let lastId = '0';
  let failures = 0;
  for (;;) {
    let ended: EventSourceMessage | undefined;
    try {
      const res = await fetch(new URL(`/api/${kind}/${id}/logs/stream`, url), {
        headers: { ...authHeaders(), accept: 'text/event-stream', 'last-event-id': lastId },
      });
      if (!res.ok || !res.body) throw new ApiError(res.status, await res.text());
      const parser = createParser({
        onEvent: (e) => {
          if (e.id) lastId = e.id;
          if (e.event === 'end') ended = e;
          else if (e.event === undefined) print(JSON.parse(e.data) as WireLine);
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        failures = 0;
        if (ended) break;
      }
      if (ended) return (JSON.parse(ended.data) as { status?: string }).status;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      if (++failures > 5)
        throw new UnreachableError(`lost the log stream from ${url}: ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 1000 * Math.max(1, failures)));
  }
}

function printer(withTask: boolean, colour: boolean): (l: WireLine) => void {
  return (l) => {
    const task = withTask ? `${l.task_definition_name} ` : '';
    if (!colour) {
      process.stdout.write(`${l.when} ${task}[${l.source}] ${l.message}\n`);
      return;
    }
    const c = COLOURS[l.source] ?? OTHER;
    process.stdout.write(`${DIM}${l.when}${RESET} ${task}${c}[${l.source}] ${l.message}${c ? RESET : ''}\n`);
  };
}
