import type { AwsLogClients } from '../../logs/tailers/aws-log-clients.js';
import type { AwsClientSettings } from './aws-options.js';
import { LazyClientPool } from './lazy-client-pool.js';
import type { CallRate } from './token-bucket.js';

/**
 * The log tailers' CloudWatch Logs and S3 clients, built like the executors' ones: one pool per
 * service, so every read of a log stream or step log takes a token from that service's bucket in
 * its region and a throttled read pauses the other readers too, instead of each client slowing
 * down on its own. Each SDK is loaded at the first read that needs it.
 *
 * @example
 * const liveLogs = new LiveLogs({ db, logger, replicaId, clients: pooledLogClients(settings, rate) });
 */
export function pooledLogClients(settings: AwsClientSettings | undefined, rate: CallRate): AwsLogClients {
  // A custom endpoint (emulator, MinIO…) rarely resolves bucket subdomains.
  const forcePathStyle = Boolean(
    settings?.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
  );
  const logs = new LazyClientPool(
    () => import('@aws-sdk/client-cloudwatch-logs'),
    (sdk, c) => new sdk.CloudWatchLogsClient(c),
    settings,
    rate,
  );
  const s3 = new LazyClientPool(
    () => import('@aws-sdk/client-s3'),
    (sdk, c) => new sdk.S3Client({ ...c, forcePathStyle }),
    settings,
    rate,
  );
  return {
    filterLogEvents: (region, input, options) =>
      logs.call(region, (client, sdk) => client.send(new sdk.FilterLogEventsCommand(input), options)),
    getObject: (region, input, options) =>
      s3.call(region, (client, sdk) => client.send(new sdk.GetObjectCommand(input), options)),
    destroy() {
      logs.destroy();
      s3.destroy();
    },
  };
}
