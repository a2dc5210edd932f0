import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { GetObjectCommandInput, GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { RemoteLog, RemotePage } from '../../../src/logs/tailers/remote-log.js';
import { s3StepLog } from '../../../src/logs/tailers/s3-step-log.js';

const signal = new AbortController().signal;

async function pages(log: RemoteLog, cursor: unknown, final = false): Promise<RemotePage[]> {
  const out: RemotePage[] = [];
  for await (const p of log.read(cursor, final, signal)) out.push(p);
  return out;
}

/** An S3 GetObject serving one object whose content the test sets. */
function fakeS3(object: { text: string; etag: string }) {
  const calls: GetObjectCommandInput[] = [];
  const client = async (input: GetObjectCommandInput) => {
    calls.push(input);
    if (input.IfNoneMatch === object.etag)
      throw Object.assign(new Error('Not Modified'), { $metadata: { httpStatusCode: 304 } });
    return {
      Body: Readable.from([gzipSync(object.text)]),
      ETag: object.etag,
    } as unknown as GetObjectCommandOutput;
  };
  return { client, calls };
}

const ref = {
  kind: 's3',
  region: 'us-east-1',
  bucket: 'b',
  key: 'j/steps/s/stdout.gz',
  source: 'emr-stdout',
} as const;

describe('S3 step logs', () => {
  it('emits complete lines past the stored count; the unterminated tail only on the final read', async () => {
    const object = { text: 'a\nb\nc\nhalf', etag: '"1"' };
    const { client, calls } = fakeS3(object);
    const log = s3StepLog(client, ref);
    const first = await pages(log, null);
    expect(first.flatMap((p) => p.lines.map((l) => l.message))).toEqual(['a', 'b', 'c']);
    expect(first.at(-1)!.cursor).toEqual({ lines: 3, etag: '"1"' });

    expect(await pages(log, { lines: 3, etag: '"1"' })).toEqual([]); // unchanged: not even downloaded
    expect(calls.at(-1)).toMatchObject({ IfNoneMatch: '"1"' });

    Object.assign(object, { text: 'a\nb\nc\nhalf done\nd\n', etag: '"2"' });
    const second = await pages(log, { lines: 3, etag: '"1"' });
    expect(second.flatMap((p) => p.lines.map((l) => l.message))).toEqual(['half done', 'd']);

    Object.assign(object, { text: 'a\nb\nc\nhalf done\nd\nlast', etag: '"3"' });
    const final = await pages(log, { lines: 5, etag: '"3"' }, true);
    expect(final.flatMap((p) => p.lines.map((l) => l.message))).toEqual(['last']);
    expect(calls.at(-1)?.IfNoneMatch).toBeUndefined(); // the final read always fetches
  });

  it('pages large objects; pages before the last keep the old ETag so a stop mid-object loses nothing', async () => {
    const text = `${Array.from({ length: 2500 }, (_, i) => `l${i + 1}`).join('\n')}\n`;
    const log = s3StepLog(fakeS3({ text, etag: '"9"' }).client, ref);
    const all = await pages(log, { lines: 0, etag: '"8"' });
    expect(all.map((p) => p.lines.length)).toEqual([1000, 1000, 500]);
    expect(all.map((p) => p.cursor)).toEqual([
      { lines: 1000, etag: '"8"' },
      { lines: 2000, etag: '"8"' },
      { lines: 2500, etag: '"9"' },
    ]);
  });
});
