import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';
import { bearer, makeToken } from './auth-helpers.js';

interface ErrorBody {
  message: string;
}

describe('limits answer with a clear 4xx', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ aws: false, auth: 'on', rateLimitPerMinute: 5 });
    h.token = await makeToken(h.sundial.db, 'admin');
  });
  afterAll(async () => h?.close());

  it('a definition over 4 MiB is a 413 naming the limit', async () => {
    const def = {
      process_definition_name: 'big',
      task_definitions: [shellTask('a', `echo ${'x'.repeat(4 * 1024 * 1024)}`)],
    };
    const res = await h.sundial.api.inject({
      method: 'PUT',
      url: '/api/process_definitions/big',
      payload: def,
      headers: bearer(h.token),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<ErrorBody>().message).toBe("body: larger than this route's limit of 4194304 bytes");
  });

  it('more than 10,000 tasks in one definition is a 400', async () => {
    const tasks = Array.from({ length: 10_001 }, (_, i) => shellTask(`t${i}`, 'true'));
    const res = await h.sundial.api.inject({
      method: 'PUT',
      url: '/api/process_definitions/wide',
      payload: { process_definition_name: 'wide', task_definitions: tasks },
      headers: bearer(h.token),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<ErrorBody>().message).toBe(
      'task_definitions: holds 10001 tasks; at most 10000 are allowed',
    );
  });

  it('a token over its rate limit gets 429s, other tokens and the probes do not', async () => {
    const busy = await makeToken(h.sundial.db, 'viewer', 'busy');
    const calm = await makeToken(h.sundial.db, 'viewer', 'calm');
    const get = (token: string) =>
      h.sundial.api.inject({ method: 'GET', url: '/api/processes', headers: bearer(token) });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await get(busy)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await get(busy);
    expect(limited.json<ErrorBody>().message).toMatch(
      /^rate limit: more than 5 requests a minute from token 'busy'; retry in/,
    );
    expect((await get(calm)).statusCode).toBe(200);
    for (let i = 0; i < 10; i++) {
      expect((await h.sundial.api.inject({ method: 'GET', url: '/_internal_/healthcheck' })).statusCode).toBe(
        200,
      );
    }
  });
});
