import { createHmac, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'sundial_session';

/** How long a browser session lasts before the token must be entered again. */
export const SESSION_SECONDS = 12 * 60 * 60;

/**
 * The web UI's session: the API token's id and an expiry, signed with a
 * server key (the token itself never goes into the cookie). The token is
 * looked up on every request, so revoking it ends its sessions at once.
 *
 * @example
 * const value = sessionValue(key, tokenId, new Date());
 * sessionTokenId(key, value, new Date()); // tokenId
 */
export function sessionValue(key: string, tokenId: string, now: Date): string {
  const expires = Math.floor(now.getTime() / 1000) + SESSION_SECONDS;
  const body = `${tokenId}.${expires}`;
  return `${body}.${mac(key, body)}`;
}

/** The token id of a valid, unexpired session cookie value. */
export function sessionTokenId(key: string, value: string, now: Date): string | undefined {
  const [tokenId, expires, given] = value.split('.');
  if (!tokenId || !expires || !given) return undefined;
  const expected = Buffer.from(mac(key, `${tokenId}.${expires}`));
  const actual = Buffer.from(given);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  return Number(expires) * 1000 > now.getTime() ? tokenId : undefined;
}

/** The `Set-Cookie` header: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function sessionCookieHeader(value: string, secure: boolean, maxAge = SESSION_SECONDS): string {
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? '; Secure' : ''}`;
}

/** A cookie's value from a `Cookie` header. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function mac(key: string, body: string): string {
  return createHmac('sha256', key).update(`session:${body}`).digest('base64url');
}
