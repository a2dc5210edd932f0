import { gzipSync } from 'node:zlib';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { waitFor } from '../../helpers/harness.js';
import { clientConfig, startTestEmulator } from '../aws-emulator/helpers.js';
import { durableDatabase, openSse, sseLines } from './helpers.js';
import { lineRange, messagesOf, startRun, startStubWorld, waitForLines } from './stub-world.js';

let emulator: AwsEmulator;
let s3: S3Client;
const bucket = 'emr-logs';
const key = 'logs/j-TEST/steps/s-TEST/stdout.gz';
const ref = { kind: 's3', region: 'us-east-1', bucket, key, source: 'emr-stdout' } as const;

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
});
afterAll(async () => {
  s3.destroy();
  await emulator.stop();
});

/** EMR's upload: the whole step output so far, gzipped; `tail` is a line still being written. */
async function upload(lines: number, tail = ''): Promise<void> {
  const text = `${lineRange(1, lines).join('\n')}\n${tail}`;
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzipSync(text) }));
}

describe('EMR step logs from S3', () => {
  it('emits each line once, in order, as the object grows, across a restart, with the last line at the end', async () => {
    const db = await durableDatabase();
    await upload(100, 'line 101 (still being writ');
    let world = await startStubWorld(emulator, db.options, () => ref, { s3GraceMs: 1000 });
    try {
      const { taskId } = await startRun(world.sundial, 's3-restart');
      await waitForLines(world.sundial, taskId, 'emr-stdout', 100); // not the unfinished line
      expect(await messagesOf(world.sundial, taskId, 'emr-stdout')).toEqual(lineRange(1, 100));

      await upload(2500); // more than a page: the tailer is mid-object when we stop it
      await waitFor(async () =>
        (await messagesOf(world.sundial, taskId, 'emr-stdout')).length > 100 ? true : undefined,
      );
      await world.sundial.close();
      await upload(3000, 'line 3001'); // uploaded while no scheduler runs; its last line has no newline

      world = await startStubWorld(emulator, db.options, () => ref, { s3GraceMs: 1000 });
      await waitForLines(world.sundial, taskId, 'emr-stdout', 3000);
      const sse = openSse(`${world.sundial.url}/api/tasks/${taskId}/logs/stream`);
      world.stub.end(taskId); // the step ended: one more read takes the unterminated last line
      await sse.ended;
      expect(sse.events.at(-1)?.event).toBe('end');
      expect(
        sseLines(sse.events)
          .filter((l) => l.source === 'emr-stdout')
          .map((l) => l.message),
      ).toEqual(lineRange(1, 3001));
    } finally {
      await world.sundial.close();
      await db.drop();
    }
  });
});
