import { gzipSync } from 'node:zlib';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import type { TaskRun } from '../../../src/executors/executor.js';
import type { LogStreamRef } from '../../../src/logs/log-stream-ref.js';
import { waitFor } from '../../helpers/harness.js';
import { backend, freshDatabase } from '../../helpers/test-database.js';
import { clientConfig, startTestEmulator } from '../aws-emulator/helpers.js';
import { openSse, sseLines } from './helpers.js';
import { messagesOf, startRun, startStubWorld, waitForLines } from './stub-world.js';

const group = 'watched-polling';
const bucket = 'watched-step-logs';
let emulator: AwsEmulator;
let logs: CloudWatchLogsClient;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startTestEmulator();
  logs = new CloudWatchLogsClient(clientConfig(emulator));
  s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
});
afterAll(async () => {
  logs.destroy();
  s3.destroy();
  await emulator.stop();
});

/** Runs named `s3-…` follow a step log in S3, the others the CloudWatch stream named like them. */
const refOf = (run: TaskRun): LogStreamRef =>
  run.definitionName.startsWith('s3-')
    ? { kind: 's3', region: 'us-east-1', bucket, key: `${run.definitionName}.gz`, source: 'emr-stdout' }
    : { kind: 'cloudwatch', region: 'us-east-1', group, stream: run.definitionName, source: 'cloudwatch' };

const put = (stream: string, messages: string[]) =>
  logs.send(
    new PutLogEventsCommand({
      logGroupName: group,
      logStreamName: stream,
      logEvents: messages.map((message, i) => ({ timestamp: Date.now() + i, message })),
    }),
  );

describe('polling remote logs fast only while someone watches', () => {
  it('reads a log as soon as someone follows it live; streams of one group are read in the same call', async () => {
    const db = await freshDatabase();
    for (const stream of ['watched-a', 'watched-b'])
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    // Nobody watching: a stream would next be read in ten minutes.
    const world = await startStubWorld(emulator, db.options, refOf, {
      unwatchedPollMs: 600_000,
      s3UnwatchedPollMs: 600_000,
    });
    try {
      const a = await startRun(world.sundial, 'watched-a');
      const b = await startRun(world.sundial, 'watched-b');
      await waitFor(async () => (emulator.count('logs', 'FilterLogEvents') >= 1 ? true : undefined));
      await put('watched-a', ['a1', 'a2']);
      await put('watched-b', ['b1']);

      const sse = openSse(`${world.sundial.url}/api/tasks/${a.taskId}/logs/stream`);
      await waitFor(async () =>
        sseLines(sse.events).filter((l) => l.source === 'cloudwatch').length === 2 ? true : undefined,
      );
      // Nobody watches b (its next read is ten minutes away), but its stream is in a's group: the
      // read for a brings its line along, stored just after a's.
      await waitForLines(world.sundial, b.taskId, 'cloudwatch', 1);
      expect(await messagesOf(world.sundial, b.taskId, 'cloudwatch')).toEqual(['b1']);
      expect(sseLines(sse.events).map((l) => l.message)).toEqual(expect.arrayContaining(['a1', 'a2']));
      sse.close();

      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 's3-watched.gz', Body: gzipSync('s1\ns2\n') }),
      );
      const s = await startRun(world.sundial, 's3-watched');
      await waitFor(async () => (emulator.count('s3', 'GetObject') >= 1 ? true : undefined));
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: 's3-watched.gz', Body: gzipSync('s1\ns2\ns3\n') }),
      );
      const processSse = openSse(`${world.sundial.url}/api/processes/${s.processId}/logs/stream`);
      await waitForLines(world.sundial, s.taskId, 'emr-stdout', 3);
      processSse.close();
      for (const run of [a, b, s]) world.stub.end(run.taskId);
    } finally {
      await world.sundial.close();
      await db.drop();
    }
  });
});

// Several replicas share one database only with PostgreSQL.
describe.skipIf(backend !== 'postgres')('a reader on another replica', () => {
  it('makes the leader read the log it follows at once (NOTIFY sundial_log_watch)', async () => {
    const db = await freshDatabase();
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'replica-watched' }));
    const slow = { unwatchedPollMs: 600_000 };
    const leader = await startStubWorld(emulator, db.options, refOf, slow);
    const replica = await startStubWorld(emulator, db.options, refOf, slow);
    try {
      expect(leader.sundial.scheduler.isLeader).toBe(true);
      const before = emulator.count('logs', 'FilterLogEvents');
      const run = await startRun(leader.sundial, 'replica-watched');
      await waitFor(async () => (emulator.count('logs', 'FilterLogEvents') > before ? true : undefined));
      await put('replica-watched', ['r1', 'r2']);
      const sse = openSse(`${replica.sundial.url}/api/processes/${run.processId}/logs/stream`);
      await waitFor(async () =>
        sseLines(sse.events).filter((l) => l.source === 'cloudwatch').length === 2 ? true : undefined,
      );
      sse.close();
      leader.stub.end(run.taskId);
    } finally {
      await replica.sundial.close();
      await leader.sundial.close();
      await db.drop();
    }
  });
});
