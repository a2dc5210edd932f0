import {
  type CloudWatchLogsClient,
  GetLogEventsCommand,
  type OutputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import type { LogStreamRef } from '../../executors/executor.js';
import type { LogLine } from '../task-log-writer.js';
import type { RemoteLog } from './remote-log.js';

type CloudWatchRef = Extract<LogStreamRef, { kind: 'cloudwatch' }>;

/** Stored read position: the last `nextForwardToken`. */
interface CloudWatchCursor {
  token?: string;
}

const PAGE = 1000;

/**
 * A CloudWatch Logs stream read with GetLogEvents from the head, page by
 * page with `nextForwardToken`; the same token coming back means "nothing
 * new yet", as documented for tailing.
 *
 * @example
 * const log = cloudWatchLog(clients.logs(ref.region), ref);
 */
export function cloudWatchLog(client: CloudWatchLogsClient, ref: CloudWatchRef): RemoteLog {
  return {
    async *read(cursor, _final, signal) {
      let token = (cursor as CloudWatchCursor | null)?.token;
      for (;;) {
        const out = await client.send(
          new GetLogEventsCommand({
            logGroupName: ref.group,
            logStreamName: ref.stream,
            startFromHead: true,
            limit: PAGE,
            ...(token && { nextToken: token }),
          }),
          { abortSignal: signal },
        );
        const next = out.nextForwardToken;
        const events = out.events ?? [];
        if (events.length > 0)
          yield { lines: events.flatMap((e) => toLines(e, ref.source)), cursor: { token: next } };
        if (!next || next === token) return;
        token = next;
      }
    },
  };
}

/** An event may hold several lines (a stack trace sent as one event); each becomes a log line. */
function toLines(event: OutputLogEvent, source: string): LogLine[] {
  const at = new Date(event.timestamp ?? Date.now());
  const text = (event.message ?? '').replace(/\r?\n$/, '');
  return text.split(/\r?\n/).map((message) => ({ at, source, message }));
}
