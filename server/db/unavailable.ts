// What "the database is away" looks like from either driver, so callers answer 503 or retry later instead of
// taking the failure for the request's or the file's fault.

/**
 * Connection-level failures (postgres.js and Node socket codes) and the SQLSTATEs of a server that is shutting
 * down, restarting, recovering or out of connections: 57P01 admin_shutdown (also pg_terminate_backend),
 * 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300 too_many_connections, class 08 connection exceptions.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08004', '08006', '08P01',
]);

const UNAVAILABLE_MESSAGE = /connection (terminated|ended|closed)|PGlite is closed|write CONNECTION_CLOSED|the database system is (shutting down|starting up|in recovery mode)/i;

/** True when the error (or what it wraps: drizzle puts the driver's error in `cause`) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if ((typeof code === 'string' && UNAVAILABLE_CODES.has(code)) || UNAVAILABLE_MESSAGE.test(e.message)) return true;
  }
  return false;
}
