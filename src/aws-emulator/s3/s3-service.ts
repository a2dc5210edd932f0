import type { IncomingHttpHeaders } from 'node:http';
import { findOperation, resolveShape } from '../api-models.js';
import { AwsError } from '../aws-error.js';
import type { S3Store } from './s3-store.js';
import { type XmlElement, xmlDocument } from './s3-xml.js';

/** A parsed S3 REST-XML request (bucket and key already taken from the path or the Host). */
export interface S3Request {
  method: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: Buffer | string;
}

/** Which S3 operation a request is, from method, path shape and sub-resources, as in the model. */
export function s3Operation(req: S3Request): string {
  const { method, bucket, key, query } = req;
  if (!bucket) return method === 'GET' ? 'ListBuckets' : 'Unknown';
  if (key === undefined || key === '') {
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'GET') {
      if (query.has('location')) return 'GetBucketLocation';
      return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    }
    return 'Unknown';
  }
  if (method === 'PUT') return req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'DELETE') return 'DeleteObject';
  return 'Unknown';
}

/**
 * Checks header and query-string members of the operation's input against their model types
 * (an integer `max-keys`, a timestamp `If-Modified-Since`...). S3 answers InvalidArgument.
 */
function validateS3(operation: string, req: S3Request): void {
  const input = findOperation('s3', operation)?.input;
  if (!input) return;
  for (const member of Object.values(resolveShape('s3', input).members ?? {})) {
    const shape = resolveShape('s3', member);
    if (!shape.locationName || (shape.location !== 'header' && shape.location !== 'querystring')) continue;
    const raw =
      shape.location === 'header'
        ? req.headers[shape.locationName.toLowerCase()]
        : (req.query.get(shape.locationName) ?? undefined);
    if (raw === undefined || Array.isArray(raw)) continue;
    const ok =
      shape.type === 'integer' || shape.type === 'long'
        ? /^-?\d+$/.test(raw)
        : shape.type === 'boolean'
          ? raw === 'true' || raw === 'false'
          : shape.type === 'timestamp'
            ? !Number.isNaN(Date.parse(raw))
            : true;
    if (!ok) {
      throw new AwsError('InvalidArgument', `Invalid value '${raw}' for ${shape.locationName}`, 400, {
        ArgumentName: shape.locationName,
        ArgumentValue: raw,
      });
    }
  }
}

const xml = (root: string, elements: XmlElement[]): S3Response => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: xmlDocument(root, elements),
});

/** S3 (REST-XML): the object operations Sundial needs, on the shared {@link S3Store}. */
export function handleS3(store: S3Store, operation: string, req: S3Request): S3Response {
  validateS3(operation, req);
  const bucket = req.bucket ?? '';
  const key = req.key ?? '';
  switch (operation) {
    case 'CreateBucket':
      store.createBucket(bucket);
      return { status: 200, headers: { location: `/${bucket}` } };
    case 'HeadBucket':
      store.bucket(bucket);
      return { status: 200, headers: {} };
    case 'GetBucketLocation':
      store.bucket(bucket);
      return xml('LocationConstraint', []);
    case 'ListBuckets':
      return xml('ListAllMyBucketsResult', [
        ['Owner', [['ID', 'emulator']]],
        [
          'Buckets',
          [...store.buckets.values()].map(
            (b): XmlElement => [
              'Bucket',
              [
                ['Name', b.name],
                ['CreationDate', b.creationDate.toISOString()],
              ],
            ],
          ),
        ],
      ]);
    case 'PutObject': {
      const metadata: Record<string, string> = {};
      for (const [h, v] of Object.entries(req.headers)) {
        if (h.startsWith('x-amz-meta-') && typeof v === 'string') metadata[h.slice(11)] = v;
      }
      const encoding = String(req.headers['content-encoding'] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s && s !== 'aws-chunked')
        .join(',');
      const object = store.put(bucket, key, req.body, {
        contentType: req.headers['content-type'],
        contentEncoding: encoding || undefined,
        metadata,
      });
      return { status: 200, headers: { etag: object.etag } };
    }
    case 'GetObject':
    case 'HeadObject': {
      const object = store.get(bucket, key);
      const headers: Record<string, string> = {
        'content-type': object.contentType,
        etag: object.etag,
        'last-modified': object.lastModified.toUTCString(),
        'accept-ranges': 'bytes',
      };
      if (object.contentEncoding) headers['content-encoding'] = object.contentEncoding;
      for (const [k, v] of Object.entries(object.metadata)) headers[`x-amz-meta-${k}`] = v;
      let body = object.body;
      let status = 200;
      const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
      if (range && (range[1] || range[2])) {
        const size = object.body.length;
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        if (start >= size) throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416);
        body = object.body.subarray(start, end + 1);
        headers['content-range'] = `bytes ${start}-${end}/${size}`;
        status = 206;
      }
      headers['content-length'] = String(body.length);
      return { status, headers, body: operation === 'GetObject' ? body : undefined };
    }
    case 'DeleteObject':
      store.bucket(bucket).objects.delete(key);
      return { status: 204, headers: {} };
    case 'ListObjectsV2':
      return listObjectsV2(store, bucket, req.query);
    default:
      throw new AwsError(
        'NotImplemented',
        `The S3 operation ${operation} is not implemented by the emulator`,
        501,
      );
  }
}

function listObjectsV2(store: S3Store, bucket: string, query: URLSearchParams): S3Response {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Math.min(Number(query.get('max-keys') ?? 1000), 1000);
  const token = query.get('continuation-token') ?? undefined;
  const after = token ? Buffer.from(token, 'base64').toString('utf8') : (query.get('start-after') ?? '');
  const objects = store.bucket(bucket).objects;
  const contents: XmlElement[] = [];
  const prefixes = new Set<string>();
  let count = 0;
  let last = '';
  let truncated = false;
  for (const key of store.sortedKeys(bucket)) {
    if (!key.startsWith(prefix) || (after && key <= after)) continue;
    const rest = key.slice(prefix.length);
    const cut = delimiter ? rest.indexOf(delimiter) : -1;
    const common = cut >= 0 ? prefix + rest.slice(0, cut + delimiter.length) : undefined;
    if (common && prefixes.has(common)) {
      last = key;
      continue;
    }
    if (count >= maxKeys) {
      truncated = true;
      break;
    }
    count++;
    last = key;
    if (common) {
      prefixes.add(common);
      continue;
    }
    const o = objects.get(key)!;
    contents.push([
      'Contents',
      [
        ['Key', key],
        ['LastModified', o.lastModified.toISOString()],
        ['ETag', o.etag],
        ['Size', o.body.length],
        ['StorageClass', 'STANDARD'],
      ],
    ]);
  }
  const elements: XmlElement[] = [
    ['Name', bucket],
    ['Prefix', prefix],
    ['KeyCount', count],
    ['MaxKeys', maxKeys],
    ['IsTruncated', truncated],
    ...contents,
    ...[...prefixes].map((p): XmlElement => ['CommonPrefixes', [['Prefix', p]]]),
  ];
  if (delimiter) elements.push(['Delimiter', delimiter]);
  if (token) elements.push(['ContinuationToken', token]);
  if (truncated) elements.push(['NextContinuationToken', Buffer.from(last).toString('base64')]);
  return xml('ListBucketResult', elements);
}
