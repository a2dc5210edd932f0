import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { Harness, latestTasks } from '../../helpers/harness.js';
import { awsOptions, awsTask, startEmulator } from '../aws/aws-world.js';
import { newClusterJob } from '../aws/emr-world.js';
import { allLines, openSse, sseLines } from './helpers.js';

/** Far longer than the test may take: a stream that waited it out could not end in time. */
const GRACE_MS = 600_000;
const LINES = 300;

let emulator: AwsEmulator;
let h: Harness;

beforeAll(async () => {
  emulator = await startEmulator();
  h = await Harness.start({
    aws: awsOptions(emulator),
    // Nobody watches the job while it runs: every line is read by the drain after its end.
    liveLogs: { unwatchedPollMs: GRACE_MS, graceMs: GRACE_MS, drainSettleMs: 200 },
  });
});
afterAll(async () => {
  await h?.close();
  await emulator?.stop();
});

describe('the end of an AWS run', () => {
  it('is recorded after the last CloudWatch line is stored, and the log stream ends without waiting out the grace period', async () => {
    const script = `i=1; while [ $i -le ${LINES} ]; do echo "line $i"; i=$((i+1)); done`;
    await h.put({
      process_definition_name: 'drain-batch',
      task_definitions: [
        awsTask('job', {
          batch_image_command: { image: 'acme/job', command: ['sh', '-c', script], memory: 512 },
        }),
      ],
    });
    const run = await h.triggerAndWait('drain-batch');
    expect(run.status).toBe('succeeded');
    const task = latestTasks(run).get('job')!;
    const expected = Array.from({ length: LINES }, (_, i) => `line ${i + 1}`);
    // Read once, right after the run was seen ended: every line is there already.
    const stored = await allLines(h.url, `/api/tasks/${task.task_id}/logs`);
    expect(stored.filter((l) => l.source === 'cloudwatch').map((l) => l.message)).toEqual(expected);

    const sse = openSse(`${h.url}/api/processes/${run.process_id}/logs/stream`);
    await sse.ended;
    expect(sse.events.at(-1)?.event).toBe('end');
    expect(JSON.parse(sse.events.at(-1)!.data)).toMatchObject({ status: 'succeeded' });
    expect(sseLines(sse.events)).toEqual(stored);
    expect(Date.now() - Date.parse(run.end_time!)).toBeLessThan(GRACE_MS);
  });

  it('is not held up by a CloudWatch stream that never appears (an EMR job that sent nothing to its s3_log_details)', async () => {
    await h.put({
      process_definition_name: 'drain-emr',
      task_definitions: [awsTask('spark', newClusterJob())], // its stream is never created
    });
    const run = await h.triggerAndWait('drain-emr');
    expect(run.status).toBe('succeeded');
    const task = latestTasks(run).get('spark')!;
    expect(Date.parse(run.end_time!) - Date.parse(task.end_time!)).toBeLessThan(GRACE_MS);
  });
});
