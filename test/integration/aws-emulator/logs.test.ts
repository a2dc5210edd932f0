import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator } from './helpers.js';

let emulator: AwsEmulator;
let logs: CloudWatchLogsClient;
const group = '/sundial/test';

beforeAll(async () => {
  emulator = await startTestEmulator();
  logs = new CloudWatchLogsClient(clientConfig(emulator));
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'a' }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'b' }));
});
afterAll(async () => {
  logs.destroy();
  await emulator.stop();
});

const put = (stream: string, messages: string[], t0: number) =>
  logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ timestamp: t0 + i, message })),
    }),
  );

describe('CloudWatch Logs', () => {
  it('pages GetLogEvents forward; nextForwardToken stays the same when nothing is new', async () => {
    const t0 = Date.now();
    await put('a', ['m1', 'm2', 'm3', 'm4', 'm5'], t0);
    const p1 = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'a', startFromHead: true, limit: 2 }),
    );
    expect(p1.events?.map((e) => e.message)).toEqual(['m1', 'm2']);
    const p2 = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: 'a',
        nextToken: p1.nextForwardToken,
        limit: 2,
      }),
    );
    expect(p2.events?.map((e) => e.message)).toEqual(['m3', 'm4']);
    const p3 = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: 'a',
        nextToken: p2.nextForwardToken,
        limit: 2,
      }),
    );
    expect(p3.events?.map((e) => e.message)).toEqual(['m5']);
    const p4 = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'a', nextToken: p3.nextForwardToken }),
    );
    expect(p4.events).toEqual([]);
    expect(p4.nextForwardToken).toBe(p3.nextForwardToken);
    await put('a', ['m6'], t0 + 10);
    const p5 = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'a', nextToken: p4.nextForwardToken }),
    );
    expect(p5.events?.map((e) => e.message)).toEqual(['m6']);
    expect(p5.nextForwardToken).not.toBe(p4.nextForwardToken);
    // Without startFromHead the newest events come back; the backward token pages to older ones.
    const tail = await logs.send(
      new GetLogEventsCommand({ logGroupName: group, logStreamName: 'a', limit: 2 }),
    );
    expect(tail.events?.map((e) => e.message)).toEqual(['m5', 'm6']);
    const older = await logs.send(
      new GetLogEventsCommand({
        logGroupName: group,
        logStreamName: 'a',
        limit: 2,
        nextToken: tail.nextBackwardToken,
      }),
    );
    expect(older.events?.map((e) => e.message)).toEqual(['m3', 'm4']);
  });

  it('filters events across streams and describes streams', async () => {
    const t0 = Date.now() + 1000;
    await put('b', ['ERROR disk full', 'INFO ok', 'ERROR again'], t0);
    const filtered = await logs.send(
      new FilterLogEventsCommand({ logGroupName: group, filterPattern: 'ERROR', limit: 1 }),
    );
    expect(filtered.events?.map((e) => [e.logStreamName, e.message])).toEqual([['b', 'ERROR disk full']]);
    const rest = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        filterPattern: 'ERROR',
        nextToken: filtered.nextToken,
      }),
    );
    expect(rest.events?.map((e) => e.message)).toEqual(['ERROR again']);
    expect(rest.nextToken).toBeUndefined();
    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: group, logStreamNamePrefix: 'b' }),
    );
    expect(streams.logStreams?.map((s) => s.logStreamName)).toEqual(['b']);
    expect(streams.logStreams?.[0]?.lastEventTimestamp).toBe(t0 + 2);
  });

  it('answers ResourceNotFound / ResourceAlreadyExists as typed exceptions', async () => {
    await expect(
      logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'nope',
          logEvents: [{ timestamp: 1, message: 'x' }],
        }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: group }))).rejects.toBeInstanceOf(
      ResourceAlreadyExistsException,
    );
  });
});
