import { describe, expect, it } from 'vitest';
import { pooledLogClients } from '../../../src/executors/aws/log-client-pools.js';

describe('the log tailers’ AWS clients', () => {
  it('take a token from the service’s bucket for each attempt, like the executors’ clients', async () => {
    const clients = pooledLogClients(
      { endpoint: 'http://127.0.0.1:1', region: 'us-east-1' },
      { perSecond: 5, burst: 5 },
    );
    try {
      for (const client of [clients.logs('us-east-1'), clients.s3('eu-west-1')]) {
        expect(client.middlewareStack.identify().some((m) => m.startsWith('sundialTokenBucket'))).toBe(true);
        expect(await client.config.retryStrategy()).toMatchObject({ mode: 'standard' });
      }
      expect(clients.s3('us-east-1').config.forcePathStyle).toBe(true);
      // One client per region, shared by every tailer.
      expect(clients.logs('us-east-1')).toBe(clients.logs('us-east-1'));
    } finally {
      clients.destroy();
    }
  });
});
