/**
 * Why a delivery did not happen, and whether trying again can help:
 * `retry` (the relay is down, a timeout, a 5xx or 429), `permanent` (the
 * receiver refused this message: trying again sends the same refusal), or
 * `not_sent` (this server is not set up to send it at all).
 *
 * @example
 * throw new DeliveryError('retry', 'connect ECONNREFUSED 127.0.0.1:25');
 */
export class DeliveryError extends Error {
  constructor(
    readonly kind: 'retry' | 'permanent' | 'not_sent',
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/**
 * POSTs a JSON body and classifies the answer: 2xx is delivered; 408, 429
 * and 5xx (and no answer) are worth retrying; other statuses are refusals.
 * Returns the status line for the attempt's record.
 *
 * @example
 * await postJson('https://hooks.example.com/x', '{"a":1}', {}, 10_000);
 */
export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'sundial', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    throw new DeliveryError(
      'retry',
      `no answer from ${new URL(url).host}: ${err.cause?.message ?? err.message}`,
    );
  }
  const answer = (await res.text().catch(() => '')).slice(0, 200);
  const line = `HTTP ${res.status}${answer ? `: ${answer}` : ''}`;
  if (res.ok) return line;
  const transient = res.status === 408 || res.status === 429 || res.status >= 500;
  throw new DeliveryError(transient ? 'retry' : 'permanent', line);
}
