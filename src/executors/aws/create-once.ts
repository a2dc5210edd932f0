import { errorText, isAmbiguous, isThrottling, sleep } from './aws-errors.js';

export interface CreateOnceOptions<T> {
  /** Finds what an earlier attempt (this process's or a crashed one's) created. */
  find: () => Promise<T | undefined>;
  /** One attempt at creating it, with a client that does not retry on its own. */
  create: () => Promise<T>;
  /** Look before the first attempt: this may be a replay after a crash. */
  lookFirst: boolean;
  /** Gives up quietly once the executor is closing. */
  stopped: () => boolean;
  /** Told about each failed attempt that will be retried. */
  onRetry?: (message: string) => void;
  /** Attempts that failed other than by throttling (default 6). */
  attempts?: number;
  /** Throttled attempts: they did not happen, so they have a budget of their own (default 30). */
  throttledAttempts?: number;
  baseDelayMs?: number;
}

/** Thrown when the executor closed while a create was being retried. */
export class CreateAbandoned extends Error {
  constructor() {
    super('the executor closed before the AWS resource was created');
  }
}

/**
 * Creates an AWS resource exactly once although the create call has no idempotency token:
 * throttled attempts are simply retried (from a budget of their own, so that a burst of submits
 * under throttling does not fail tasks); an attempt whose outcome is unknown (lost response,
 * 5xx, timeout) is followed by a lookup, and only if nothing is found by another attempt. Client
 * errors (bad request, missing queue) are final and thrown.
 *
 * @example
 * const jobId = await createOnce({
 *   lookFirst: replay,
 *   stopped: () => closed,
 *   find: () => findJobByName(queue, name),
 *   create: async () => (await batchOnce.send(new SubmitJobCommand(input))).jobId!,
 * });
 */
export async function createOnce<T>(options: CreateOnceOptions<T>): Promise<T> {
  const attempts = options.attempts ?? 6;
  const throttledAttempts = options.throttledAttempts ?? 30;
  const base = options.baseDelayMs ?? 250;
  let look = options.lookFirst;
  let lastError: unknown;
  let failed = 0;
  let throttled = 0;
  for (let tries = 0; failed < attempts && throttled < throttledAttempts; tries++) {
    if (options.stopped()) throw new CreateAbandoned();
    if (tries > 0) {
      const ceiling = Math.min(10_000, base * 2 ** Math.min(failed + throttled - 1, 10));
      await sleep(ceiling * (0.5 + Math.random() / 2));
    }
    if (look) {
      try {
        const found = await options.find();
        if (found !== undefined) return found;
      } catch (err) {
        // Without an answer we cannot know whether creating is safe: try the lookup again later.
        lastError = err;
        if (isThrottling(err)) throttled++;
        else failed++;
        options.onRetry?.(`looking for an earlier attempt failed (${errorText(err)}); will retry`);
        continue;
      }
    }
    if (options.stopped()) throw new CreateAbandoned();
    try {
      return await options.create();
    } catch (err) {
      lastError = err;
      if (isThrottling(err)) {
        throttled++;
        look = false;
        options.onRetry?.(`throttled (${errorText(err)}); will retry`);
      } else if (isAmbiguous(err)) {
        failed++;
        look = true;
        options.onRetry?.(`outcome unknown (${errorText(err)}); looking for it before retrying`);
      } else {
        throw err;
      }
    }
  }
  throw lastError;
}
