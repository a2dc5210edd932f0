import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';

/** Every operation of the original API v2 spec: resource path + operation path, as the spec writes them. */
const SPEC_OPERATIONS: [string, string][] = [
  ['GET', '/api/process_definitions/'],
  ['GET', '/api/process_definitions/:process_definition_name'],
  ['PUT', '/api/process_definitions/:process_definition_name'],
  ['POST', '/api/process_definitions/:process_definition_name/trigger'],
  ['POST', '/api/process_definitions/:process_definition_name/pause'],
  ['POST', '/api/process_definitions/:process_definition_name/resume'],
  ['GET', '/api/processes/'],
  ['GET', '/api/processes/:process_id'],
  ['POST', '/api/processes/:process_id/retry'],
  ['POST', '/api/processes/:process_id/kill'],
  ['GET', '/api/tasks/'],
  ['POST', '/api/tasks/:task_id/log_entries'],
  ['POST', '/api/tasks/:task_id/metadata'],
  ['POST', '/api/tasks/:task_id/succeed'],
  ['POST', '/api/tasks/:task_id/fail'],
  ['GET', '/_internal_/metrics'],
  ['DELETE', '/api/process_definitions/:process_definition_name'],
];

const NAME = 'spec-paths';

describe('every path of the original spec answers with and without its trailing slash', () => {
  let h: Harness;
  const values: Record<string, string> = { process_definition_name: NAME };
  beforeAll(async () => {
    h = await Harness.start({ aws: false });
    await h.put({ process_definition_name: NAME, task_definitions: [shellTask('a', 'true')] });
    const run = await h.triggerAndWait(NAME);
    values.process_id = run.process_id;
    values.task_id = run.task[0]!.task_id;
  });
  afterAll(async () => h?.close());

  const bodyOf = (method: string, path: string) => {
    if (method === 'PUT')
      return { process_definition_name: NAME, task_definitions: [shellTask('a', 'true')] };
    if (path.endsWith('/log_entries')) return [{ when: new Date().toISOString(), source: 't', message: 'm' }];
    if (path.endsWith('/metadata')) return [{ when: new Date().toISOString(), key: 'k', value: 'v' }];
    return undefined;
  };

  it.each(SPEC_OPERATIONS)('%s %s', async (method, specPath) => {
    const path = specPath.replace(/:(\w+)/g, (_, p: string) => encodeURIComponent(values[p]!));
    const bare = path.endsWith('/') ? path.slice(0, -1) : path;
    const body = bodyOf(method, specPath);
    const call = async (url: string) => {
      const res = await fetch(`${h.url}${url}`, {
        method,
        ...(body && { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      });
      return { status: res.status, text: await res.text() };
    };
    const withSlash = await call(`${bare}/`);
    // DELETE is last and answers 404 the second time; every other pair must agree.
    const without = method === 'DELETE' ? withSlash : await call(bare);
    expect(without.status).toBe(withSlash.status);
    expect(withSlash.text).not.toMatch(/no route|must be a UUID/);
    expect(withSlash.status).toBeLessThan(
      method === 'POST' && /retry|kill|succeed|fail/.test(specPath) ? 401 : 300,
    );
  });

  it.each(SPEC_OPERATIONS.filter(([, p]) => p.includes(':')))(
    '%s %s with an empty parameter is no route',
    async (method, specPath) => {
      const path = specPath.replace(/:(\w+)/g, '');
      const res = await h.request<{ message: string }>(method, path, bodyOf(method, specPath));
      if (path.endsWith('/') && method === 'GET') {
        expect(res.status).toBe(200); // `/api/process_definitions/` is the list
      } else {
        expect(res.status).toBe(404);
        expect(res.body.message).toMatch(/^no route for /);
      }
    },
  );
});
