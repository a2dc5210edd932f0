import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, shellTask } from '../../helpers/harness.js';
import { bearer, makeToken } from './auth-helpers.js';

describe('web UI sign-in: an API token becomes an HttpOnly, SameSite=Strict session cookie', () => {
  let h: Harness;
  let operator = '';
  beforeAll(async () => {
    h = await Harness.start({ aws: false, auth: 'on' });
    h.token = await makeToken(h.sundial.db, 'admin');
    await h.put({ process_definition_name: 'ui', task_definitions: [shellTask('a', 'true')] });
    h.token = undefined;
    operator = await makeToken(h.sundial.db, 'operator', 'alice');
  });
  afterAll(async () => h?.close());

  const signIn = async (token: string) => {
    const res = await fetch(`${h.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    return { res, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? '' };
  };

  it('signs in, reads and acts through the cookie, and says who is signed in', async () => {
    const { res, cookie } = await signIn(operator);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ auth: true, name: 'alice', role: 'operator' });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^sundial_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/);
    expect(setCookie).not.toContain(operator);

    const session = await fetch(`${h.url}/api/session`, { headers: { cookie } });
    expect(await session.json()).toEqual({ auth: true, name: 'alice', role: 'operator' });
    expect((await fetch(`${h.url}/api/processes`, { headers: { cookie } })).status).toBe(200);
    const trigger = await fetch(`${h.url}/api/process_definitions/ui/trigger`, {
      method: 'POST',
      headers: { cookie, 'x-sundial-csrf': '1' },
    });
    expect(trigger.status).toBe(204);
    // The role still applies: an operator's session cannot write definitions.
    const del = await fetch(`${h.url}/api/process_definitions/ui`, {
      method: 'DELETE',
      headers: { cookie, 'x-sundial-csrf': '1' },
    });
    expect(del.status).toBe(403);
  });

  it('a write through the cookie without the CSRF header is refused (what a forged cross-site form sends)', async () => {
    const { cookie } = await signIn(operator);
    const res = await fetch(`${h.url}/api/process_definitions/ui/pause`, {
      method: 'POST',
      headers: { cookie },
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/X-Sundial-CSRF/);
  });

  it('a wrong token, a forged cookie, a revoked token or signing out ends access', async () => {
    expect((await signIn('sda_wrong')).res.status).toBe(401);
    const forged = 'sundial_session=00000000-0000-4000-8000-000000000000.99999999999.AAAA';
    expect((await fetch(`${h.url}/api/processes`, { headers: { cookie: forged } })).status).toBe(401);

    const viewer = await makeToken(h.sundial.db, 'viewer', 'bob');
    const { cookie } = await signIn(viewer);
    expect((await fetch(`${h.url}/api/processes`, { headers: { cookie } })).status).toBe(200);
    const admin = await makeToken(h.sundial.db, 'admin', 'root');
    await fetch(`${h.url}/api/tokens/bob`, { method: 'DELETE', headers: bearer(admin) });
    expect((await fetch(`${h.url}/api/processes`, { headers: { cookie } })).status).toBe(401);

    const out = await fetch(`${h.url}/api/session`, { method: 'DELETE' });
    expect(out.headers.get('set-cookie')).toMatch(/^sundial_session=; .*Max-Age=0/);
  });

  it('the audit log shows who did what, on what, from where, and is for admins only', async () => {
    const admin = await makeToken(h.sundial.db, 'admin', 'auditor');
    const entries = async () => {
      const res = await fetch(`${h.url}/api/audit?actor=token:alice`, { headers: bearer(admin) });
      return (await res.json()) as {
        actor: string;
        role: string;
        action: string;
        target: object;
        status: number;
        remote_address: string;
        at: string;
      }[];
    };
    const trigger = (await entries()).find((e) => e.action === 'POST /api/process_definitions/:name/trigger');
    expect(trigger).toMatchObject({
      actor: 'token:alice',
      role: 'operator',
      target: { name: 'ui' },
      status: 204,
      remote_address: '127.0.0.1',
    });
    const refused = (await entries()).find((e) => e.action === 'DELETE /api/process_definitions/:name');
    expect(refused?.status).toBe(403);
    expect((await fetch(`${h.url}/api/audit`, { headers: bearer(operator) })).status).toBe(403);
  });
});
