/** How an AWS SDK v3 error looks from the outside: the fields every service exception carries. */
interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

const THROTTLING_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'SlowDown',
]);

const shape = (err: unknown): SdkErrorShape => (typeof err === 'object' && err !== null ? err : {});

/**
 * The request was refused for its rate: nothing happened, so sending it again is safe.
 *
 * @example
 * isThrottling(new TooManyRequestsException({ message: 'slow down', $metadata: {} })) // true
 */
export function isThrottling(err: unknown): boolean {
  const e = shape(err);
  return (
    e.$metadata?.httpStatusCode === 429 ||
    e.$retryable?.throttling === true ||
    (e.name !== undefined && THROTTLING_NAMES.has(e.name))
  );
}

/**
 * We cannot tell whether the request took effect: no answer (connection lost, timeout) or a
 * server-side failure. A create call that failed like this must be looked up before it is retried.
 *
 * @example
 * isAmbiguous(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })) // true
 */
export function isAmbiguous(err: unknown): boolean {
  if (isThrottling(err)) return false;
  const status = shape(err).$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

/** `Name: message` of an SDK error, for task logs and failure reasons. */
export function errorText(err: unknown): string {
  const e = shape(err);
  const name = e.name && e.name !== 'Error' ? e.name : e.code;
  const message = e.message ?? String(err);
  return name ? `${name}: ${message}` : message;
}

/** Resolves after `ms`; the timer does not keep the process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
