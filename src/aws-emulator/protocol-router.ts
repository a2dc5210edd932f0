import type { IncomingHttpHeaders } from 'node:http';
import { findOperation, operationByPath } from './api-models.js';
import type { ServiceName } from './types.js';

/**
 * Decides which service and operation a request is for. Every service shares one endpoint (the
 * SDK sends all of them to AWS_ENDPOINT_URL), so: `X-Amz-Target` prefix for the JSON 1.1
 * services, the Batch REST paths (`POST /v1/...`, also recognised by the SigV4 credential scope),
 * EMR Serverless's REST paths by its credential scope, and everything else is S3 REST-XML.
 */

export type Route =
  | { kind: 'control'; path: string }
  | {
      kind: 'json';
      service: Exclude<ServiceName, 's3'>;
      operation: string;
      /** REST-JSON: the members the path carries (`{applicationId}` …). */
      labels?: Record<string, string>;
    }
  | { kind: 's3'; bucket?: string; key?: string }
  | { kind: 'unknown'; service: ServiceName | undefined; message: string };

const TARGET_PREFIXES: Record<string, Exclude<ServiceName, 's3' | 'batch' | 'emr-serverless'>> = {
  ElasticMapReduce: 'emr',
  AmazonEC2ContainerServiceV20141113: 'ecs',
  Logs_20140328: 'logs',
  secretsmanager: 'secretsmanager',
  AmazonSSM: 'ssm',
};

/** The service name in the SigV4 scope: `Credential=AKID/20240101/us-east-1/batch/aws4_request`. */
function signingService(headers: IncomingHttpHeaders): string | undefined {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1];
}

/** Bucket from a virtual-hosted-style Host (`bucket.localhost:4566`, `bucket.s3.amazonaws.com`). */
function virtualHostBucket(host: string, ownHost: string): string | undefined {
  const name = host.replace(/:\d+$/, '');
  if (name === ownHost || name === 'localhost' || /^[\d.]+$/.test(name) || name.startsWith('['))
    return undefined;
  const aws = /^(.+)\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com$/.exec(name);
  if (aws) return aws[1];
  for (const suffix of ['.localhost', `.${ownHost}`]) {
    if (name.endsWith(suffix) && name.length > suffix.length) return name.slice(0, -suffix.length);
  }
  return undefined;
}

export function routeRequest(method: string, url: URL, headers: IncomingHttpHeaders, ownHost: string): Route {
  if (url.pathname.startsWith('/_emulator/')) return { kind: 'control', path: url.pathname };
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const dot = target.lastIndexOf('.');
    const service = TARGET_PREFIXES[target.slice(0, dot)];
    const operation = target.slice(dot + 1);
    if (!service)
      return { kind: 'unknown', service: undefined, message: `Unknown target prefix in ${target}` };
    if (!findOperation(service, operation)) {
      return {
        kind: 'unknown',
        service,
        message: `Operation ${operation} is not part of the ${service} API`,
      };
    }
    return { kind: 'json', service, operation };
  }
  const scope = signingService(headers);
  if (scope === 'batch' || (scope === undefined && method === 'POST' && url.pathname.startsWith('/v1/'))) {
    const operation = operationByPath('batch', method, url.pathname)?.operation;
    if (!operation)
      return {
        kind: 'unknown',
        service: 'batch',
        message: `No Batch operation at ${method} ${url.pathname}`,
      };
    return { kind: 'json', service: 'batch', operation };
  }
  if (scope === 'emr-serverless') {
    const found = operationByPath('emr-serverless', method, url.pathname);
    if (!found)
      return {
        kind: 'unknown',
        service: 'emr-serverless',
        message: `No EMR Serverless operation at ${method} ${url.pathname}`,
      };
    return { kind: 'json', service: 'emr-serverless', ...found };
  }
  const hostBucket = virtualHostBucket(String(headers.host ?? ''), ownHost);
  const segments = url.pathname.slice(1);
  if (hostBucket) return { kind: 's3', bucket: hostBucket, key: decodeURIComponent(segments) || undefined };
  const slash = segments.indexOf('/');
  const bucket = decodeURIComponent(slash < 0 ? segments : segments.slice(0, slash));
  const key = slash < 0 ? undefined : decodeURIComponent(segments.slice(slash + 1));
  return { kind: 's3', bucket: bucket || undefined, key: key || undefined };
}
