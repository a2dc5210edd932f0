import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsLogClients } from '../../logs/tailers/aws-log-clients.js';
import type { AwsClientSettings } from './aws-options.js';
import { ClientPool } from './client-pool.js';
import type { CallRate } from './token-bucket.js';

/**
 * The log tailers' CloudWatch Logs and S3 clients, built like the executors' ones: one
 * {@link ClientPool} per service, so every read of a log stream or step log takes a token from
 * that service's bucket in its region and a throttled read pauses the other readers too, instead
 * of each client slowing down on its own.
 *
 * @example
 * const liveLogs = new LiveLogs({ db, logger, replicaId, clients: pooledLogClients(settings, rate) });
 */
export function pooledLogClients(settings: AwsClientSettings | undefined, rate: CallRate): AwsLogClients {
  // A custom endpoint (emulator, MinIO…) rarely resolves bucket subdomains.
  const forcePathStyle = Boolean(
    settings?.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
  );
  const logs = new ClientPool((c) => new CloudWatchLogsClient(c), settings, rate);
  const s3 = new ClientPool((c) => new S3Client({ ...c, forcePathStyle }), settings, rate);
  return {
    logs: (region) => logs.get(region),
    s3: (region) => s3.get(region),
    destroy() {
      logs.destroy();
      s3.destroy();
    },
  };
}
