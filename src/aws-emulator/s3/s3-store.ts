import { createHash } from 'node:crypto';
import { AwsError } from '../aws-error.js';

export interface S3Object {
  key: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
  contentType: string;
  contentEncoding?: string;
  metadata: Record<string, string>;
}

export interface S3Bucket {
  name: string;
  creationDate: Date;
  objects: Map<string, S3Object>;
}

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  metadata?: Record<string, string>;
}

/**
 * S3 objects in memory. Written by PutObject and directly by the EMR step log uploader; buckets
 * are created on first write so jobs never trip over a missing log bucket.
 */
export class S3Store {
  readonly buckets = new Map<string, S3Bucket>();

  createBucket(name: string): S3Bucket {
    if (this.buckets.has(name)) {
      throw new AwsError(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
      );
    }
    const bucket: S3Bucket = { name, creationDate: new Date(), objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  bucket(name: string): S3Bucket {
    const bucket = this.buckets.get(name);
    if (!bucket)
      throw new AwsError('NoSuchBucket', 'The specified bucket does not exist', 404, { BucketName: name });
    return bucket;
  }

  put(bucketName: string, key: string, body: Buffer, options: PutOptions = {}): S3Object {
    const bucket = this.buckets.get(bucketName) ?? this.createBucket(bucketName);
    const object: S3Object = {
      key,
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      lastModified: new Date(),
      contentType: options.contentType ?? 'binary/octet-stream',
      contentEncoding: options.contentEncoding,
      metadata: options.metadata ?? {},
    };
    bucket.objects.set(key, object);
    return object;
  }

  get(bucketName: string, key: string): S3Object {
    const object = this.bucket(bucketName).objects.get(key);
    if (!object) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
    return object;
  }

  /** Keys of a bucket in UTF-8 binary order, as S3 lists them. */
  sortedKeys(bucketName: string): string[] {
    return [...this.bucket(bucketName).objects.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/** Splits `s3://bucket/prefix` (also s3n/s3a) into bucket and key prefix (no trailing slash). */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3[an]?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) return undefined;
  return { bucket: match[1] ?? '', prefix: (match[2] ?? '').replace(/\/+$/, '') };
}
