import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { Harness, latestTasks, waitFor } from '../../helpers/harness.js';
import { awsOptions, awsTask, startEmulator, triggerUntil } from '../aws/aws-world.js';
import { newClusterJob } from '../aws/emr-world.js';
import { allLines, openSse, sseLines, type WireLine } from './helpers.js';

let emulator: AwsEmulator;
let h: Harness;

beforeAll(async () => {
  emulator = await startEmulator();
  h = await Harness.start({
    aws: awsOptions(emulator),
    liveLogs: { minPollMs: 50, maxPollMs: 200, graceMs: 500, s3GraceMs: 500 },
  });
});
afterAll(async () => {
  await h?.close();
  await emulator?.stop();
});

const messages = (lines: readonly WireLine[], source?: string) =>
  lines.filter((l) => source === undefined || l.source === source).map((l) => l.message);

/** No line was stored twice (a remote line re-read would appear twice, with two cursors). */
function expectNoRepeats(lines: readonly WireLine[]): void {
  const remote = lines.filter((l) => l.source !== 'scheduler').map((l) => `${l.source} ${l.message}`);
  expect(new Set(remote).size).toBe(remote.length);
}

describe('live logs of AWS jobs, end to end through the API', () => {
  it('Batch: the CloudWatch output streams while the job runs; a kill ends the stream', async () => {
    await h.put({
      process_definition_name: 'logs-batch',
      task_definitions: [
        awsTask('job', {
          batch_image_command: {
            image: 'acme/job',
            command: ['sundial-job', 'batch-hello', '--sleep', '60'],
            memory: 512,
          },
        }),
      ],
    });
    const run = await triggerUntil(h, 'logs-batch', 'running');
    const sse = openSse(`${h.url}/api/processes/${run.process_id}/logs/stream`);
    await waitFor(async () =>
      messages(sseLines(sse.events)).some((m) => m.includes('args batch-hello')) ? true : undefined,
    );
    expect((await h.process(run.process_id)).status).toBe('running'); // the job sleeps for a minute yet
    expect((await h.request('POST', `/api/processes/${run.process_id}/kill`)).status).toBe(204);
    await sse.ended;
    const lines = sseLines(sse.events);
    expect(sse.events.at(-1)?.event).toBe('end');
    expect(messages(lines, 'scheduler')).toContainEqual(
      expect.stringMatching(/^killing the job: killed by request/),
    );
    expect(messages(lines, 'cloudwatch').filter((m) => m.includes('args batch-hello'))).toHaveLength(1);
    expectNoRepeats(lines);
  });

  it('ECS: stdout and stderr from CloudWatch, each line once, next to the scheduler events', async () => {
    await h.put({
      process_definition_name: 'logs-ecs',
      task_definitions: [
        awsTask('report', {
          docker_image_command: {
            image: 'acme/report',
            tag: '1',
            command: ['sundial-job', 'ecs-hello', '--exit', '2'],
          },
        }),
      ],
    });
    const run = await h.triggerAndWait('logs-ecs');
    expect(run.status).toBe('failed');
    const task = latestTasks(run).get('report')!;
    const sse = openSse(`${h.url}/api/tasks/${task.task_id}/logs/stream`);
    await sse.ended;
    const lines = sseLines(sse.events);
    // awslogs sends stdout and stderr to one stream: both are 'cloudwatch' lines.
    expect(messages(lines, 'cloudwatch').filter((m) => m.includes('args ecs-hello --exit 2'))).toHaveLength(
      1,
    );
    expect(messages(lines, 'cloudwatch')).toContainEqual(expect.stringContaining('sundial-job exits 2'));
    expect(messages(lines, 'scheduler')[0]).toBe('task started (attempt 1) on ecs');
    expect(messages(lines, 'scheduler')).toContainEqual(expect.stringMatching(/^task failed: /));
    expectNoRepeats(lines);
    expect(await allLines(h.url, `/api/tasks/${task.task_id}/logs`)).toEqual(lines);
  });

  it('EMR without s3_log_details: the step output comes from the gzipped step logs in S3', async () => {
    await h.put({
      process_definition_name: 'logs-emr-s3',
      task_definitions: [
        awsTask('spark', newClusterJob({ args: ['emr-s3-hello'], s3_log_details: undefined })),
      ],
    });
    const run = await h.triggerAndWait('logs-emr-s3');
    expect(run.status).toBe('succeeded');
    const task = latestTasks(run).get('spark')!;
    const lines = await waitFor(async () => {
      const all = await allLines(h.url, `/api/tasks/${task.task_id}/logs`);
      return all.some((l) => l.message.includes('args emr-s3-hello')) ? all : undefined;
    });
    expect(messages(lines, 'emr-stdout')).toContainEqual(
      expect.stringMatching(/^spark-submit stand-in: jar \S+ on cluster j-/),
    );
    expect(messages(lines, 'emr-stdout').filter((m) => m.includes('args emr-s3-hello'))).toHaveLength(1);
    expectNoRepeats(lines);
  });

  it('EMR with s3_log_details: the lines the job sends to CloudWatch arrive while it runs', async () => {
    const group = 'spark-emr-log-group';
    const stream = `spark-emr-log-stream-${Date.now()}`;
    const logs = new CloudWatchLogsClient(awsOptions(emulator).client!);
    await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(() => {});
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
    await h.put({
      process_definition_name: 'logs-emr-live',
      task_definitions: [
        awsTask(
          'spark',
          newClusterJob({
            args: ['emr-live-hello', '--sleep', '60'],
            s3_log_details: { log_group_name: group, log_stream_name: stream },
          }),
        ),
      ],
    });
    const run = await triggerUntil(h, 'logs-emr-live', 'running');
    const sse = openSse(`${h.url}/api/processes/${run.process_id}/logs/stream`);
    // What the job's log4j CloudWatch appender would send.
    const t0 = Date.now();
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: stream,
        logEvents: [1, 2, 3].map((i) => ({ timestamp: t0 + i, message: `appender line ${i}` })),
      }),
    );
    await waitFor(async () =>
      messages(sseLines(sse.events)).includes('appender line 3') ? true : undefined,
    );
    expect((await h.process(run.process_id)).status).toBe('running');
    await h.request('POST', `/api/processes/${run.process_id}/kill`);
    await sse.ended;
    const lines = sseLines(sse.events);
    expect(messages(lines, 'cloudwatch').filter((m) => m.startsWith('appender line'))).toEqual([
      'appender line 1',
      'appender line 2',
      'appender line 3',
    ]);
    expectNoRepeats(lines);
    logs.destroy();
  });
});
