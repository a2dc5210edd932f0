/**
 * SQLSTATEs after which the same statement may well work on a new
 * connection: the connection broke (class 08), the server is shutting down
 * or restarting (57P01-57P03), too many connections for now (53300), or the
 * transaction lost a race that PostgreSQL rolled back whole (40001, 40P01).
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);
/** Socket errors of a connection that broke or could not be opened yet. */
const TRANSIENT_SOCKET_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** What `pg` says, without a code, when the connection under a statement dies or cannot be had. */
const TRANSIENT_MESSAGES =
  /Connection terminated|encountered a connection error|timeout exceeded when trying to connect/i;

/**
 * Whether a statement failed because of its connection, not because of what
 * it asked: a database restart, a failover, `pg_terminate_backend`, a network
 * cut. Such a transaction was rolled back (or never began) and may be tried
 * again on a fresh connection.
 *
 * @example
 * try { await db.transaction(write); } catch (e) { if (isTransientConnectionError(e)) retryLater(); else throw e; }
 */
export function isTransientConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SOCKET_CODES.has(code))
      return true;
  }
  return TRANSIENT_MESSAGES.test(err.message);
}
