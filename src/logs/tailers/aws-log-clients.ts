import { CloudWatchLogsClient, type CloudWatchLogsClientConfig } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';

/**
 * How the tailers reach AWS. Empty means the SDK's own resolution
 * (AWS_REGION, AWS_ENDPOINT_URL, the credential chain); tests pass the
 * emulator's URL and dummy credentials.
 */
export interface AwsClientConfig {
  endpoint?: string;
  /** Static credentials or a provider, as every SDK v3 client accepts. */
  credentials?: CloudWatchLogsClientConfig['credentials'];
}

/** Clients per region, built once and shared by every tailer. */
export interface AwsLogClients {
  logs(region: string): CloudWatchLogsClient;
  s3(region: string): S3Client;
  destroy(): void;
}

/**
 * Builds clients with the SDK's adaptive retry (client-side rate limiting
 * on throttling) on top of the tailers' own backoff.
 *
 * @example
 * const clients = awsLogClients({ endpoint: emulator.url, credentials: { accessKeyId: 't', secretAccessKey: 't' } });
 * await clients.logs('us-east-1').send(new GetLogEventsCommand({ ... }));
 */
export function awsLogClients(config: AwsClientConfig = {}): AwsLogClients {
  const logs = new Map<string, CloudWatchLogsClient>();
  const s3 = new Map<string, S3Client>();
  const common = (region: string) => ({
    region,
    maxAttempts: 4,
    retryMode: 'adaptive',
    ...(config.endpoint && { endpoint: config.endpoint }),
    ...(config.credentials && { credentials: config.credentials }),
  });
  // A custom endpoint (emulator, MinIO…) rarely resolves bucket subdomains.
  const pathStyle = Boolean(
    config.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL,
  );
  return {
    logs(region) {
      let client = logs.get(region);
      if (!client) {
        client = new CloudWatchLogsClient(common(region));
        logs.set(region, client);
      }
      return client;
    },
    s3(region) {
      let client = s3.get(region);
      if (!client) {
        client = new S3Client({ ...common(region), forcePathStyle: pathStyle });
        s3.set(region, client);
      }
      return client;
    },
    destroy() {
      for (const c of [...logs.values(), ...s3.values()]) c.destroy();
      logs.clear();
      s3.clear();
    },
  };
}

/** AWS said "slow down": the tailer backs off harder than on an idle stream. */
export function isThrottling(e: unknown): boolean {
  const err = e as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    err?.$retryable?.throttling === true ||
    err?.$metadata?.httpStatusCode === 429 ||
    /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown/i.test(err?.name ?? '')
  );
}

/** The stream or object does not exist yet (the job has not written anything): keep waiting. */
export function isNotFoundYet(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    err?.name === 'ResourceNotFoundException' ||
    err?.name === 'NoSuchKey' ||
    err?.$metadata?.httpStatusCode === 404
  );
}
