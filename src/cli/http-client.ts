/** A failed call to the Sundial API, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let apiToken = process.env.SUNDIAL_TOKEN || undefined;

/** The API token the client commands send (`--token`, else SUNDIAL_TOKEN). */
export function useApiToken(token: string | undefined): void {
  if (token) apiToken = token;
}

/** `Authorization: Bearer …` when a token is set. */
export function authHeaders(): Record<string, string> {
  return apiToken ? { authorization: `Bearer ${apiToken}` } : {};
}

/** Sundial could not be reached, or what answered is not Sundial. */
export class UnreachableError extends Error {}

/**
 * The server URL as given by `--url` or SUNDIAL_URL; `host:port` without a
 * scheme means http.
 *
 * @example
 * serverUrl('localhost:8080') // 'http://localhost:8080'
 */
export function serverUrl(given: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(given) ? given : `http://${given}`;
}

const HINT = 'is the server running? set --url or SUNDIAL_URL';

/**
 * A request to Sundial: connection trouble and answers that are not
 * Sundial's (HTML, another service's JSON) become an {@link UnreachableError}
 * saying what and where; refusals an {@link ApiError} with the server's message.
 *
 * @example
 * const res = await request('http://localhost:8080', 'POST', '/api/process_definitions/x/trigger');
 */
export async function request(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const url = serverUrl(baseUrl);
  let res: Response;
  try {
    res = await fetch(new URL(path, url), {
      method,
      headers: { ...authHeaders(), ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new UnreachableError(`cannot reach Sundial at ${url} (${reason(e)}): ${HINT}`);
  }
  const text = await res.text();
  if (res.status === 204 && text === '') return { status: 204, headers: res.headers, json: undefined };
  let json: unknown;
  try {
    if (!res.headers.get('content-type')?.includes('json')) throw new Error('not JSON');
    json = JSON.parse(text);
  } catch {
    throw notSundial(
      url,
      `${method} ${path} answered ${res.status} with ${res.headers.get('content-type') ?? 'no content type'}`,
    );
  }
  if (!res.ok) {
    const message = (json as { message?: unknown } | null)?.message;
    if (typeof message !== 'string') throw notSundial(url, `${method} ${path} answered ${res.status}`);
    throw new ApiError(res.status, message);
  }
  return { status: res.status, headers: res.headers, json };
}

/**
 * Calls the Sundial API and returns the parsed JSON (undefined for 204).
 *
 * @example
 * const defs = await callApi('http://localhost:8080', 'GET', '/api/process_definitions');
 */
export async function callApi(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  return (await request(baseUrl, method, path, body)).json;
}

/** For answers whose shape a command checks: what answered is not Sundial. */
export function notSundial(url: string, what: string): UnreachableError {
  return new UnreachableError(`${url} does not look like Sundial (${what}): ${HINT}`);
}

function reason(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'timed out';
    default:
      return cause?.message ?? (e as Error).message;
  }
}
