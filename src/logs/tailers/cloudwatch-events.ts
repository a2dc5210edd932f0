import type { FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import type { LogLine } from '../task-log-writer.js';

/**
 * Where reading a CloudWatch stream resumes: the timestamp of the last event stored and the ids
 * of the events stored with exactly that timestamp. FilterLogEvents is asked from `ts` on
 * (inclusive), so events sharing the last timestamp come back and are told apart by id.
 */
export interface CloudWatchCursor {
  ts: number;
  ids: string[];
}

/**
 * The stored cursor of a CloudWatch stream, if it has one of this shape (a cursor of the
 * GetLogEvents tailer before it, `{ token }`, does not: such a stream is read from its floor).
 *
 * @example
 * cloudWatchCursor({ ts: 1700000000000, ids: ['3796…'] }) // { ts: 1700000000000, ids: ['3796…'] }
 * cloudWatchCursor(null) // undefined
 */
export function cloudWatchCursor(value: unknown): CloudWatchCursor | undefined {
  const c = value as Partial<CloudWatchCursor> | null;
  return c && typeof c.ts === 'number' && Array.isArray(c.ids) ? { ts: c.ts, ids: c.ids } : undefined;
}

/**
 * The lines of the events past `cursor` (events of one stream, oldest first, as FilterLogEvents
 * returns them) and the cursor after them; events older than the cursor, or already stored at
 * its timestamp, are left out. An event may hold several lines (a stack trace sent as one
 * event): each becomes a log line.
 *
 * @example
 * newLines({ ts: 5, ids: ['a'] }, [{ eventId: 'a', timestamp: 5, message: 'x' }, { eventId: 'b', timestamp: 5, message: 'y' }], 'cloudwatch')
 * // { lines: [{ at: new Date(5), source: 'cloudwatch', message: 'y' }], cursor: { ts: 5, ids: ['a', 'b'] } }
 */
export function newLines(
  cursor: CloudWatchCursor,
  events: readonly FilteredLogEvent[],
  source: string,
): { lines: LogLine[]; cursor: CloudWatchCursor } {
  let ts = cursor.ts;
  let ids = new Set(cursor.ids);
  const lines: LogLine[] = [];
  for (const event of events) {
    const at = event.timestamp ?? 0;
    const id = event.eventId ?? `${at}:${event.message ?? ''}`;
    if (at < ts || (at === ts && ids.has(id))) continue;
    if (at > ts) {
      ts = at;
      ids = new Set();
    }
    ids.add(id);
    const text = (event.message ?? '').replace(/\r?\n$/, '');
    for (const message of text.split(/\r?\n/)) lines.push({ at: new Date(at), source, message });
  }
  return { lines, cursor: { ts, ids: [...ids] } };
}
