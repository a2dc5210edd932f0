import { isIP } from 'node:net';

/**
 * Whether `host` only accepts connections from this machine.
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 * isLoopback('0.0.0.0');   // false
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses to serve an unauthenticated API beyond this machine: whoever can
 * PUT a definition runs commands on the scheduler host.
 *
 * @example
 * assertSafeBind('0.0.0.0', false); // throws, saying how to enable auth
 */
export function assertSafeBind(host: string, authEnabled: boolean): void {
  if (authEnabled || isLoopback(host)) return;
  throw new Error(
    `refusing to listen on ${host} without authentication (anyone reaching it could run commands on this host). ` +
      'Create an admin token with `sundial token create --role admin --name NAME`, then start the server with ' +
      '--auth (or SUNDIAL_AUTH=on); or listen on 127.0.0.1 only.',
  );
}
