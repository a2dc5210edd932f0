import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * How the tailers reach AWS: clients per region, shared by every tailer. The server builds them
 * like the executors' clients (one rate budget per service and region); tests may pass their own.
 */
export interface AwsLogClients {
  logs(region: string): CloudWatchLogsClient;
  s3(region: string): S3Client;
  destroy(): void;
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
