import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AwsCall } from '../../../src/executors/aws/aws-options.js';
import { LazyClientPool } from '../../../src/executors/aws/lazy-client-pool.js';
import { pooledLogClients } from '../../../src/executors/aws/log-client-pools.js';

/** A real HTTP receiver standing in for CloudWatch Logs and S3: it records each request. */
let server: ReturnType<typeof createServer>;
let endpoint: string;
const requests: { method?: string; url?: string; target?: string }[] = [];

beforeEach(async () => {
  requests.length = 0;
  server = createServer((req: IncomingMessage, res) => {
    req.resume();
    requests.push({ method: req.method, url: req.url, target: req.headers['x-amz-target'] as string });
    if (req.headers['x-amz-target'] === 'Logs_20140328.FilterLogEvents') {
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      res.end(
        JSON.stringify({ events: [{ logStreamName: 's1', timestamp: 1, message: 'hi', eventId: 'e1' }] }),
      );
    } else {
      res.setHeader('etag', '"7"');
      res.end('step output\n');
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => server.close());

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('the log tailers’ AWS clients', () => {
  it('read CloudWatch Logs and S3 (path-style at a custom endpoint), each call counted like the executors’', async () => {
    const calls: AwsCall[] = [];
    const clients = pooledLogClients(
      { endpoint, region: 'us-east-1', credentials, onCall: (c) => calls.push(c) },
      { perSecond: 50, burst: 50 },
    );
    try {
      const events = await clients.filterLogEvents('us-east-1', {
        logGroupName: '/g',
        logStreamNames: ['s1'],
      });
      expect(events.events?.[0]).toMatchObject({ logStreamName: 's1', message: 'hi' });
      const object = await clients.getObject('eu-west-1', { Bucket: 'logs', Key: 'j-1/steps/s-1/stdout.gz' });
      expect(object.ETag).toBe('"7"');
      expect(await object.Body?.transformToString()).toBe('step output\n');
      expect(requests).toEqual([
        { method: 'POST', url: '/', target: 'Logs_20140328.FilterLogEvents' },
        { method: 'GET', url: '/logs/j-1/steps/s-1/stdout.gz?x-id=GetObject', target: undefined },
      ]);
      expect(calls).toEqual([
        { service: 'cloudwatchlogs', operation: 'FilterLogEvents', outcome: 'ok' },
        { service: 's3', operation: 'GetObject', outcome: 'ok' },
      ]);
    } finally {
      clients.destroy();
    }
  });

  it('refuse reads once destroyed', async () => {
    const clients = pooledLogClients(
      { endpoint, region: 'us-east-1', credentials },
      { perSecond: 5, burst: 5 },
    );
    clients.destroy();
    await expect(clients.filterLogEvents('us-east-1', { logGroupName: '/g' })).rejects.toThrow(/closed/);
    expect(requests).toEqual([]);
  });
});

describe('a lazily loaded client pool', () => {
  it('imports its SDK once, at the first call, and a failed import fails the calls but not the destroy', async () => {
    let loads = 0;
    const failing = new LazyClientPool(
      async () => {
        loads += 1;
        throw new Error('no such package');
      },
      () => {
        throw new Error('never made');
      },
    );
    expect(loads).toBe(0);
    await expect(failing.call('us-east-1', async () => 'x')).rejects.toThrow('no such package');
    await expect(failing.call('us-east-1', async () => 'x')).rejects.toThrow('no such package');
    expect(loads).toBe(1);
    failing.destroy();
    await new Promise((resolve) => setTimeout(resolve, 10)); // an unhandled rejection would fail the run here
  });
});
