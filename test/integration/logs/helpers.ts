import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { backend, freshDatabase } from '../../helpers/test-database.js';

/** A line as the log API returns it. */
export interface WireLine {
  task_id: string;
  task_definition_name: string;
  cursor: string;
  when: string;
  source: string;
  message: string;
}

/**
 * A database that outlives one Sundial, for restart tests: a PostgreSQL
 * database, or a PGlite directory (in-memory PGlite dies with its Sundial).
 */
export async function durableDatabase(): Promise<{
  options: { databaseUrl?: string; dataDir?: string };
  drop(): Promise<void>;
}> {
  if (backend === 'postgres') return freshDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'sundial-logs-'));
  return { options: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** Every stored line of a task or process, paged through the JSON API with a small page size. */
export async function allLines(baseUrl: string, path: string, limit = 250): Promise<WireLine[]> {
  const lines: WireLine[] = [];
  let after = '0';
  for (;;) {
    const res = await fetch(`${baseUrl}${path}?after=${after}&limit=${limit}`);
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { entries: WireLine[]; next_cursor: string };
    lines.push(...page.entries);
    if (page.entries.length < limit) return lines;
    after = page.next_cursor;
  }
}

/** An SSE connection whose events are collected as they arrive. */
export interface SseClient {
  events: EventSourceMessage[];
  /** Resolves when the server sent `end` (or closed the stream). */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens a Server-Sent Events stream with fetch, as a browser's EventSource would.
 *
 * @example
 * const sse = openSse(`${url}/api/tasks/${id}/logs/stream`);
 * await sse.ended;
 */
export function openSse(url: string, headers: Record<string, string> = {}): SseClient {
  const abort = new AbortController();
  const events: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (e) => events.push(e) });
  const ended = (async () => {
    const res = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body!) {
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (events.some((e) => e.event === 'end')) break;
      }
    } catch (e) {
      if (!abort.signal.aborted) throw e;
    }
  })();
  ended.catch(() => {});
  return { events, ended, close: () => abort.abort() };
}

/** The log lines among SSE events, parsed. */
export function sseLines(events: readonly EventSourceMessage[]): WireLine[] {
  return events.filter((e) => e.event === undefined).map((e) => JSON.parse(e.data) as WireLine);
}
