import { request } from 'node:http';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEmulator } from '../../../src/aws-emulator/index.js';
import { clientConfig, startTestEmulator } from './helpers.js';

let emulator: AwsEmulator;
let s3: S3Client;

beforeAll(async () => {
  emulator = await startTestEmulator();
  s3 = new S3Client({ ...clientConfig(emulator), forcePathStyle: true });
});
afterAll(async () => {
  s3.destroy();
  await emulator.stop();
});

describe('S3', () => {
  it('puts, gets, heads and lists objects (with prefix and continuation)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'data' }));
    for (const key of ['in/a.csv', 'in/b.csv', 'in/c.csv', 'out/x.csv']) {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'data',
          Key: key,
          Body: `content of ${key}`,
          ContentType: 'text/csv',
          Metadata: { owner: 'sundial' },
        }),
      );
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: 'data', Key: 'in/b.csv' }));
    expect(await got.Body!.transformToString()).toBe('content of in/b.csv');
    expect(got.ContentType).toBe('text/csv');
    expect(got.Metadata).toEqual({ owner: 'sundial' });
    const head = await s3.send(new HeadObjectCommand({ Bucket: 'data', Key: 'in/a.csv' }));
    expect(head.ContentLength).toBe('content of in/a.csv'.length);
    const page1 = await s3.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'in/', MaxKeys: 2 }));
    expect(page1.Contents?.map((o) => o.Key)).toEqual(['in/a.csv', 'in/b.csv']);
    expect(page1.IsTruncated).toBe(true);
    const page2 = await s3.send(
      new ListObjectsV2Command({
        Bucket: 'data',
        Prefix: 'in/',
        MaxKeys: 2,
        ContinuationToken: page1.NextContinuationToken,
      }),
    );
    expect(page2.Contents?.map((o) => o.Key)).toEqual(['in/c.csv']);
    expect(page2.IsTruncated).toBe(false);
    const dirs = await s3.send(new ListObjectsV2Command({ Bucket: 'data', Delimiter: '/' }));
    expect(dirs.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['in/', 'out/']);
  });

  it('auto-creates buckets on write and answers NoSuchKey / 404 like S3', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'fresh', Key: 'k', Body: Buffer.from([1, 2, 3]) }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'fresh', Key: 'k' }));
    expect([...(await got.Body!.transformToByteArray())]).toEqual([1, 2, 3]);
    await expect(s3.send(new GetObjectCommand({ Bucket: 'fresh', Key: 'missing' }))).rejects.toBeInstanceOf(
      NoSuchKey,
    );
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'fresh', Key: 'missing' }))).rejects.toBeInstanceOf(
      NotFound,
    );
    const err = await s3.send(new ListObjectsV2Command({ Bucket: 'ghost-bucket' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(S3ServiceException);
    expect((err as S3ServiceException).name).toBe('NoSuchBucket');
    expect((err as S3ServiceException).$metadata.httpStatusCode).toBe(404);
  });

  it('accepts virtual-hosted-style requests (bucket in the Host header)', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt', Body: 'hello' }));
    const { port } = new URL(emulator.url);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/dir/file.txt', headers: { host: `vhost.localhost:${port}` } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve(text));
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('hello');
  });
});
