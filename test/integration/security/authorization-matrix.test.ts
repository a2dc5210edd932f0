import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAccess } from '../../../src/api/auth/principal.js';
import { type Role, roleAllows } from '../../../src/domain/roles.js';
import { Harness, shellTask, waitFor } from '../../helpers/harness.js';
import { bearer, makeToken, taskTokenOf } from './auth-helpers.js';

type Who = 'anonymous' | Role | 'task token of this task' | 'task token of another task';
const EVERYONE: Who[] = [
  'anonymous',
  'viewer',
  'operator',
  'admin',
  'task token of this task',
  'task token of another task',
];

/** What the rules say: allowed, or refused with 401 (no credential) / 403 (not enough). */
function expected(route: RouteAccess, who: Who): 'allowed' | 401 | 403 {
  if (route.access === 'public') return 'allowed';
  if (who === 'anonymous') return 401;
  if (who === 'task token of this task') return route.access === 'task' ? 'allowed' : 403;
  if (who === 'task token of another task') return 403;
  return roleAllows(who, route.access === 'task' ? 'operator' : route.access) ? 'allowed' : 403;
}

// Routes whose effect would end the runs the matrix needs are called on targets that do not
// exist: authorization is decided before the route looks, so 404 still means "allowed".
const ENDS_THINGS = /\/(kill|retry)$|^DELETE /;

const NAME = 'matrix';

const EXPECTED_ACCESS: Record<string, RouteAccess['access']> = {
  'GET /_internal_/healthcheck': 'public',
  'GET /api/openapi.json': 'public',
  'GET /': 'public',
  'GET /*': 'public',
  'GET /metrics': 'viewer',
  'GET /_internal_/metrics': 'viewer',
  'GET /api/process_definitions': 'viewer',
  'GET /api/process_definitions/:name': 'viewer',
  'PUT /api/process_definitions/:name': 'admin',
  'DELETE /api/process_definitions/:name': 'admin',
  'POST /api/process_definitions/:name/trigger': 'operator',
  'POST /api/process_definitions/:name/pause': 'operator',
  'POST /api/process_definitions/:name/resume': 'operator',
  'GET /api/processes': 'viewer',
  'GET /api/processes/:id': 'viewer',
  'POST /api/processes/:id/kill': 'operator',
  'POST /api/processes/:id/retry': 'operator',
  'GET /api/processes/:id/logs': 'viewer',
  'GET /api/processes/:id/logs/stream': 'viewer',
  'GET /api/tasks': 'viewer',
  'GET /api/tasks/:id': 'viewer',
  'GET /api/tasks/:id/logs': 'viewer',
  'GET /api/tasks/:id/logs/stream': 'viewer',
  'POST /api/tasks/:id/log_entries': 'task',
  'POST /api/tasks/:id/metadata': 'task',
  'POST /api/tasks/:id/succeed': 'task',
  'POST /api/tasks/:id/fail': 'task',
  'POST /api/tokens': 'admin',
  'GET /api/tokens': 'admin',
  'DELETE /api/tokens/:id': 'admin',
  'GET /api/audit': 'admin',
  'GET /api/session': 'public',
  'POST /api/session': 'public',
  'DELETE /api/session': 'public',
};

describe('authorization matrix: every registered route × every kind of caller', () => {
  let h: Harness;
  const tokens: Partial<Record<Who, string>> = {};
  const ids = { process: '', thisTask: '', otherTask: '' };

  beforeAll(async () => {
    h = await Harness.start({ aws: false, auth: 'on' });
    const db = h.sundial.db;
    for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = await makeToken(db, role);
    const put = await fetch(`${h.url}/api/process_definitions/${NAME}`, {
      method: 'PUT',
      headers: { ...bearer(tokens.admin), 'content-type': 'application/json' },
      body: JSON.stringify({
        process_definition_name: NAME,
        task_definitions: [shellTask('this', 'sleep 120'), shellTask('other', 'sleep 120')],
      }),
    });
    expect(put.status).toBe(200);
    await fetch(`${h.url}/api/process_definitions/${NAME}/trigger`, {
      method: 'POST',
      headers: bearer(tokens.operator),
    });
    const run = await waitFor(async () => {
      const res = await fetch(`${h.url}/api/processes?process_definition_name=${NAME}`, {
        headers: bearer(tokens.viewer),
      });
      const [p] = (await res.json()) as {
        process_id: string;
        task: { task_id: string; task_definition_name: string }[];
      }[];
      return p && p.task.length === 2 ? p : undefined;
    });
    ids.process = run.process_id;
    ids.thisTask = run.task.find((t) => t.task_definition_name === 'this')!.task_id;
    ids.otherTask = run.task.find((t) => t.task_definition_name === 'other')!.task_id;
    tokens['task token of this task'] = await taskTokenOf(db, ids.thisTask);
    tokens['task token of another task'] = await taskTokenOf(db, ids.otherTask);
  });
  afterAll(async () => h?.close());

  const urlOf = (route: RouteAccess) => {
    const ends = ENDS_THINGS.test(`${route.method} ${route.url}`);
    return route.url.replace(/:(\w+)/g, () => {
      if (route.url.startsWith('/api/process_definitions')) return ends ? 'no-such-definition' : NAME;
      if (route.url.startsWith('/api/processes')) return ends ? randomUUID() : ids.process;
      if (route.url.startsWith('/api/tasks')) return ids.thisTask;
      return randomUUID(); // tokens: revoking one that does not exist
    });
  };
  const bodyOf = (route: RouteAccess) => {
    const when = new Date().toISOString();
    if (route.url.endsWith('/log_entries')) return [{ when, source: 'matrix', message: 'hello' }];
    if (route.url.endsWith('/metadata')) return [{ when, key: 'k', value: 'v' }];
    if (route.method === 'PUT')
      return {
        process_definition_name: NAME,
        task_definitions: [shellTask('this', 'sleep 120'), shellTask('other', 'sleep 120')],
      };
    if (route.method === 'POST' && route.url === '/api/tokens')
      return { name: `made-${randomUUID().slice(0, 8)}`, role: 'viewer' };
    return undefined;
  };

  it('covers every route the server registered, and the routes that matter require what they should', () => {
    const routes = h.sundial.api.routeAccess;
    expect(routes.length).toBeGreaterThan(25);
    // Written out independently of route-access.ts: a wrong rule there fails here.
    const declared = Object.fromEntries(routes.map((r) => [`${r.method} ${r.url}`, r.access]));
    for (const [route, access] of Object.entries(EXPECTED_ACCESS)) {
      for (const method of route.startsWith('GET ') ? ['GET', 'HEAD'] : [route.split(' ')[0]!]) {
        const key = `${method} ${route.split(' ')[1]}`;
        if (key.endsWith('/stream') && method === 'HEAD') continue;
        expect(declared[key], key).toBe(access);
      }
    }
  });

  it('every route answers every caller as its access rule says', async () => {
    const wrong: string[] = [];
    for (const route of h.sundial.api.routeAccess) {
      for (const who of EVERYONE) {
        const body = bodyOf(route);
        const res = await fetch(`${h.url}${urlOf(route)}`, {
          method: route.method,
          headers: { ...bearer(tokens[who]), ...(body && { 'content-type': 'application/json' }) },
          ...(body && { body: JSON.stringify(body) }),
        });
        await res.body?.cancel(); // log streams stay open otherwise
        const want = expected(route, who);
        const ok =
          want === 'allowed'
            ? res.status !== 401 && res.status !== 403 && res.status < 500
            : res.status === want;
        if (!ok) wrong.push(`${route.method} ${route.url} as ${who}: ${res.status}, expected ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a revoked token stops working at once', async () => {
    const token = await makeToken(h.sundial.db, 'viewer', 'short-lived');
    expect((await fetch(`${h.url}/api/tasks`, { headers: bearer(token) })).status).toBe(200);
    const revoke = await fetch(`${h.url}/api/tokens/short-lived`, {
      method: 'DELETE',
      headers: bearer(tokens.admin),
    });
    expect(revoke.status).toBe(204);
    const after = await fetch(`${h.url}/api/tasks`, { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('a forged task token, or a malformed header, is refused', async () => {
    const forged = `sdt_${ids.thisTask}.${'A'.repeat(43)}`;
    const url = `${h.url}/api/tasks/${ids.thisTask}/succeed`;
    expect((await fetch(url, { method: 'POST', headers: bearer(forged) })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', headers: { authorization: 'Basic abc' } })).status).toBe(401);
  });

  it('a task token stops working when its task ends', async () => {
    const kill = await fetch(`${h.url}/api/processes/${ids.process}/kill`, {
      method: 'POST',
      headers: bearer(tokens.operator),
    });
    expect(kill.status).toBe(204);
    h.token = tokens.viewer;
    await h.waitForEnd(ids.process);
    const res = await fetch(`${h.url}/api/tasks/${ids.thisTask}/metadata`, {
      method: 'POST',
      headers: { ...bearer(tokens['task token of this task']), 'content-type': 'application/json' },
      body: JSON.stringify([{ when: new Date().toISOString(), key: 'late', value: 'x' }]),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/has ended/);
  });
});
