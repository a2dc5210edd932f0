import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import type { TaskRun } from '../../../src/executors/executor.js';
import { waitFor } from '../../helpers/harness.js';
import { freshDatabase } from '../../helpers/test-database.js';
import { clientConfig, startTestEmulator } from '../aws-emulator/helpers.js';
import { durableDatabase, openSse, sseLines } from './helpers.js';
import { lineRange, messagesOf, startRun, startStubWorld, waitForLines } from './stub-world.js';

const group = '/aws/batch/job';
let emulator: AwsEmulator;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  logs = new CloudWatchLogsClient(clientConfig(emulator));
  // The emulator, like a Batch account, may have the group already.
  await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(() => {});
});
afterAll(async () => {
  logs.destroy();
  await emulator.stop();
});

/** Each process definition's task writes to the stream named like the definition. */
const refOf = (run: TaskRun) =>
  ({
    kind: 'cloudwatch',
    region: 'us-east-1',
    group,
    stream: run.definitionName,
    source: 'cloudwatch',
  }) as const;

async function put(stream: string, from: number, to: number): Promise<void> {
  const t0 = Date.now();
  const logEvents = [];
  for (let i = from; i <= to; i++) logEvents.push({ timestamp: t0 + i, message: `line ${i}` });
  await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents }));
}

describe('CloudWatch Logs tailing', () => {
  it('follows a stream in order, none twice, across a scheduler restart mid-stream, and late lines', async () => {
    const db = await durableDatabase();
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'cw-restart' }));
    await put('cw-restart', 1, 40);
    let world = await startStubWorld(emulator, db.options, refOf);
    try {
      const { processId, taskId } = await startRun(world.sundial, 'cw-restart');
      await waitForLines(world.sundial, taskId, 'cloudwatch', 40);

      await put('cw-restart', 41, 1200); // more than a page: the tailer is mid-stream when we stop it
      await waitFor(async () =>
        (await messagesOf(world.sundial, taskId, 'cloudwatch')).length > 40 ? true : undefined,
      );
      await world.sundial.close();
      await put('cw-restart', 1201, 1300); // written while no scheduler runs

      world = await startStubWorld(emulator, db.options, refOf);
      await waitForLines(world.sundial, taskId, 'cloudwatch', 1300);
      const sse = openSse(`${world.sundial.url}/api/processes/${processId}/logs/stream`);
      world.stub.end(taskId);
      await put('cw-restart', 1301, 1305); // late lines, within the drain's settle period (1 s)
      await sse.ended;
      expect(sse.events.at(-1)?.event).toBe('end');
      const streamed = sseLines(sse.events).filter((l) => l.source === 'cloudwatch');
      expect(streamed.map((l) => l.message)).toEqual(lineRange(1, 1305));
      expect(await messagesOf(world.sundial, taskId, 'cloudwatch')).toEqual(lineRange(1, 1305));
    } finally {
      await world.sundial.close();
      await db.drop();
    }
  });

  it('backs off and carries on when CloudWatch throttles', async () => {
    const db = await freshDatabase(); // no restart here: PGlite may stay in memory
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'cw-throttle' }));
    // Two SDK attempts a call (not 6) keep the SDK's own throttling backoff, seconds long, out of the wait.
    const aws = { ...clientConfig(emulator), maxAttempts: 2 };
    const world = await startStubWorld(emulator, db.options, refOf, { aws });
    try {
      // More than the SDK's own attempts: a call fails and the tailer backs off itself.
      emulator.resetStats();
      emulator.injectFault({ type: 'throttle', service: 'logs', operation: 'FilterLogEvents', count: 3 });
      const { taskId } = await startRun(world.sundial, 'cw-throttle');
      await put('cw-throttle', 1, 30);
      await waitForLines(world.sundial, taskId, 'cloudwatch', 30);
      expect(await messagesOf(world.sundial, taskId, 'cloudwatch')).toEqual(lineRange(1, 30));
      expect(emulator.count('logs', 'FilterLogEvents')).toBeGreaterThan(3);
      // Said once in the task's log, with what AWS answered.
      const said = (await messagesOf(world.sundial, taskId, 'scheduler')).filter((m) =>
        m.includes('throttles'),
      );
      expect(said).toEqual([
        expect.stringMatching(
          /^AWS throttles reading CloudWatch stream \/aws\/batch\/job\/cw-throttle; backing off: Throttling\w*: .+ \(AWS request id \S+\)$/,
        ),
      ]);
      world.stub.end(taskId);
    } finally {
      emulator.clearFaults();
      await world.sundial.close();
      await db.drop();
    }
  });

  it('reads the streams of a group that exist while another one does not yet (AWS fails a call naming it)', async () => {
    const db = await freshDatabase();
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'cw-present' }));
    await put('cw-present', 1, 20);
    const world = await startStubWorld(emulator, db.options, refOf);
    try {
      const present = await startRun(world.sundial, 'cw-present');
      const late = await startRun(world.sundial, 'cw-late'); // its container has not started: no stream yet
      await waitForLines(world.sundial, present.taskId, 'cloudwatch', 20);
      await put('cw-present', 21, 30);
      await waitForLines(world.sundial, present.taskId, 'cloudwatch', 30);
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'cw-late' }));
      await put('cw-late', 1, 15);
      await waitForLines(world.sundial, late.taskId, 'cloudwatch', 15);
      expect(await messagesOf(world.sundial, present.taskId, 'cloudwatch')).toEqual(lineRange(1, 30));
      expect(await messagesOf(world.sundial, late.taskId, 'cloudwatch')).toEqual(lineRange(1, 15));
      world.stub.end(present.taskId);
      world.stub.end(late.taskId);
    } finally {
      await world.sundial.close();
      await db.drop();
    }
  });
});
