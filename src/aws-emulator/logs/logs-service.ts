import type {
  CreateLogGroupRequest,
  CreateLogStreamRequest,
  DescribeLogGroupsRequest,
  DescribeLogStreamsRequest,
  FilterLogEventsRequest,
  GetLogEventsRequest,
  PutLogEventsRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../aws-error.js';
import { type EmulatorContext, type JsonService, typed } from '../context.js';
import type { JsonObject } from '../types.js';
import type { LogStream, StoredLogEvent } from './log-store.js';
import {
  formatToken,
  matchesFilterPattern,
  offsetToken,
  parseOffsetToken,
  parseToken,
} from './log-tokens.js';

/** CloudWatch Logs (JSON 1.1, target prefix `Logs_20140328`). */
export function createLogsService(ctx: EmulatorContext): JsonService {
  const store = ctx.logs;
  const { region, accountId } = ctx.config;
  const groupArn = (name: string) => `arn:aws:logs:${region}:${accountId}:log-group:${name}`;

  /** Logs accepts either a name or an ARN in `logGroupIdentifier`. */
  const groupName = (req: { logGroupName?: string; logGroupIdentifier?: string }): string => {
    const id = req.logGroupName ?? req.logGroupIdentifier;
    if (!id)
      throw new AwsError(
        'InvalidParameterException',
        'Either logGroupName or logGroupIdentifier must be given',
      );
    const arn = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)/.exec(id);
    return arn?.[1] ?? id;
  };

  const inWindow = (e: StoredLogEvent, start?: number, end?: number) =>
    (start === undefined || e.timestamp >= start) && (end === undefined || e.timestamp < end);

  const outputEvent = (e: StoredLogEvent): JsonObject => ({
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime: e.ingestionTime,
  });

  const describeStream = (group: string, s: LogStream): JsonObject => {
    const first = s.events[0];
    const last = s.events[s.events.length - 1];
    const out: JsonObject = {
      logStreamName: s.name,
      creationTime: s.creationTime,
      arn: `${groupArn(group)}:log-stream:${s.name}`,
      storedBytes: s.storedBytes,
    };
    if (first && last) {
      out.firstEventTimestamp = first.timestamp;
      out.lastEventTimestamp = last.timestamp;
      out.lastIngestionTime = last.ingestionTime;
    }
    return out;
  };

  return {
    service: 'logs',
    state: () => ({
      logGroups: [...store.groups.values()].map((g) => ({
        logGroupName: g.name,
        logStreams: [...g.streams.values()].map((s) => ({ logStreamName: s.name, events: s.events.length })),
      })),
    }),
    shutdown: async () => {},
    operations: {
      CreateLogGroup: (raw) => {
        store.createGroup(typed<CreateLogGroupRequest>(raw).logGroupName!);
        return {};
      },
      CreateLogStream: (raw) => {
        const req = typed<CreateLogStreamRequest>(raw);
        store.createStream(req.logGroupName!, req.logStreamName!);
        return {};
      },
      DescribeLogGroups: (raw) => {
        const req = typed<DescribeLogGroupsRequest>(raw);
        const groups = [...store.groups.values()]
          .filter((g) => !req.logGroupNamePrefix || g.name.startsWith(req.logGroupNamePrefix))
          .sort((a, b) => a.name.localeCompare(b.name));
        const start = parseOffsetToken(req.nextToken);
        const limit = req.limit ?? 50;
        const page = groups.slice(start, start + limit);
        const out: JsonObject = {
          logGroups: page.map((g) => ({
            logGroupName: g.name,
            creationTime: g.creationTime,
            arn: `${groupArn(g.name)}:*`,
          })),
        };
        if (start + limit < groups.length) out.nextToken = offsetToken(start + limit);
        return out;
      },
      PutLogEvents: (raw) => {
        const req = typed<PutLogEventsRequest>(raw);
        const stream = store.stream(req.logGroupName!, req.logStreamName!);
        const events = (req.logEvents ?? []).map((e) => ({ timestamp: e.timestamp!, message: e.message! }));
        if (events.length === 0) {
          throw new AwsError(
            'InvalidParameterException',
            "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1",
          );
        }
        for (let i = 1; i < events.length; i++) {
          if ((events[i]?.timestamp ?? 0) < (events[i - 1]?.timestamp ?? 0)) {
            throw new AwsError(
              'InvalidParameterException',
              'Log events in a single PutLogEvents request must be in chronological order.',
            );
          }
        }
        store.append(stream, events);
        return { nextSequenceToken: String(stream.events.length).padStart(56, '0') };
      },
      GetLogEvents: (raw) => {
        const req = typed<GetLogEventsRequest>(raw);
        const stream = store.stream(groupName(req), req.logStreamName!);
        const events = stream.events.filter((e) => inWindow(e, req.startTime, req.endTime));
        const limit = Math.min(req.limit ?? 10000, 10000);
        let from: number;
        let to: number;
        if (req.nextToken) {
          const token = parseToken(req.nextToken);
          if (token.direction === 'f') {
            from = Math.min(token.position, events.length);
            to = Math.min(from + limit, events.length);
          } else {
            to = Math.min(token.position, events.length);
            from = Math.max(0, to - limit);
          }
        } else if (req.startFromHead) {
          from = 0;
          to = Math.min(limit, events.length);
        } else {
          to = events.length;
          from = Math.max(0, to - limit);
        }
        return {
          events: events.slice(from, to).map(outputEvent),
          // Same position → same token: "nothing new yet".
          nextForwardToken: formatToken('f', to),
          nextBackwardToken: formatToken('b', from),
        };
      },
      FilterLogEvents: (raw) => {
        const req = typed<FilterLogEventsRequest>(raw);
        const name = groupName(req);
        const group = store.group(name);
        if (req.logStreamNames && req.logStreamNamePrefix) {
          throw new AwsError(
            'InvalidParameterException',
            'logStreamNames and logStreamNamePrefix are mutually exclusive',
          );
        }
        // As on AWS, one listed stream that does not exist (yet) fails the whole call.
        if (req.logStreamNames?.some((n) => !group.streams.has(n)))
          throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
        const streams = [...group.streams.values()].filter(
          (s) =>
            (!req.logStreamNames || req.logStreamNames.includes(s.name)) &&
            (!req.logStreamNamePrefix || s.name.startsWith(req.logStreamNamePrefix)),
        );
        const matches = streams
          .flatMap((s) => s.events.map((e) => ({ stream: s.name, e })))
          .filter(
            ({ e }) =>
              inWindow(e, req.startTime, req.endTime) && matchesFilterPattern(req.filterPattern, e.message),
          )
          .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.eventId.localeCompare(b.e.eventId));
        const start = parseOffsetToken(req.nextToken);
        const limit = Math.min(req.limit ?? 10000, 10000);
        const page = matches.slice(start, start + limit);
        const out: JsonObject = {
          events: page.map(({ stream, e }) => ({
            logStreamName: stream,
            eventId: e.eventId,
            ...outputEvent(e),
          })),
          searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: true })),
        };
        if (start + limit < matches.length) out.nextToken = offsetToken(start + limit);
        return out;
      },
      DescribeLogStreams: (raw) => {
        const req = typed<DescribeLogStreamsRequest>(raw);
        const name = groupName(req);
        if (req.orderBy === 'LastEventTime' && req.logStreamNamePrefix) {
          throw new AwsError(
            'InvalidParameterException',
            'Cannot order by LastEventTime with a logStreamNamePrefix.',
          );
        }
        const streams = [...store.group(name).streams.values()].filter(
          (s) => !req.logStreamNamePrefix || s.name.startsWith(req.logStreamNamePrefix),
        );
        const lastTime = (s: LogStream) => s.events[s.events.length - 1]?.timestamp ?? 0;
        streams.sort((a, b) =>
          req.orderBy === 'LastEventTime' ? lastTime(a) - lastTime(b) : a.name.localeCompare(b.name),
        );
        if (req.descending) streams.reverse();
        const start = parseOffsetToken(req.nextToken);
        const limit = req.limit ?? 50;
        const out: JsonObject = {
          logStreams: streams.slice(start, start + limit).map((s) => describeStream(name, s)),
        };
        if (start + limit < streams.length) out.nextToken = offsetToken(start + limit);
        return out;
      },
    },
  };
}
