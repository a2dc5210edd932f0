import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sda_';

/**
 * A new API token: 32 random bytes (256 bits), shown once. Only its SHA-256 is
 * stored: a fast hash is enough because the token is random, not a password
 * a person chose (nobody can guess their way back from the hash), and it keeps
 * the per-request check to one indexed lookup.
 *
 * @example
 * const { token, hash, prefix } = newApiToken(); // token: 'sda_…', shown to the user once
 */
export function newApiToken(): { token: string; hash: string; prefix: string } {
  const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashToken(token), prefix: token.slice(0, PREFIX.length + 6) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
