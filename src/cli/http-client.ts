/** A failed call to the Sundial API, with the server's message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
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
    ...(body !== undefined && {
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok)
    throw new ApiError(res.status, (json as { message?: string } | undefined)?.message ?? res.statusText);
  return json;
}
