import type {
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
} from '@aws-sdk/client-cloudwatch-logs';
import type { GetObjectCommandInput, GetObjectCommandOutput } from '@aws-sdk/client-s3';

/** What a read may be given: the signal that abandons it when its tailer closes. */
export interface ReadOptions {
  abortSignal?: AbortSignal;
}

/**
 * The two AWS reads the tailers make, by region. The server's implementation shares one client
 * per service and region (one rate budget) and loads the SDK at the first read; tests may pass
 * their own.
 */
export interface AwsLogClients {
  filterLogEvents(
    region: string,
    input: FilterLogEventsCommandInput,
    options?: ReadOptions,
  ): Promise<FilterLogEventsCommandOutput>;
  getObject(
    region: string,
    input: GetObjectCommandInput,
    options?: ReadOptions,
  ): Promise<GetObjectCommandOutput>;
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
