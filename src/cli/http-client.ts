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
  const res = await fetch(new URL(path, baseUrl), {
    method,
    headers: { ...authHeaders(), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok)
    throw new ApiError(res.status, (json as { message?: string } | undefined)?.message ?? res.statusText);
  return json;
}
