/**
 * A JSON call to a Sundial server's API that throws on any answer but 2xx; resolves with the
 * parsed body, or undefined when there is none (204).
 *
 * @example
 * const call = apiCaller('http://127.0.0.1:8080');
 * await call('POST', '/api/process_definitions/fan/trigger');
 */
export function apiCaller(baseUrl: string) {
  return async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined && {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}
