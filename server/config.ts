import os from 'node:os';
import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… for a PostgreSQL server, memory:// for an in-memory PGlite, undefined for PGlite under dataDir. */
  databaseUrl: string | undefined;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  maxUploadBytes: number;
  publicUrl: string;
  /** Serve the built web app from web/dist (off in API tests). */
  serveWeb: boolean;
  logLevel: string;
  /** Number of proxy hops to trust for the client address; 0 = none. Never `true`, so X-Forwarded-For cannot be forged. */
  trustProxyHops: number;
  /** Time a client has to send its request headers. */
  headersTimeoutMs: number;
  /** Time a client has to send a request body other than an upload (JSON forms are small). */
  bodyTimeoutMs: number;
  /** Uploads may take as long as they need, but below this rate over `uploadStallMs` they are cut off with 408. */
  uploadMinBytesPerSec: number;
  uploadStallMs: number;
  /** Open sockets one client address may hold; 0 = no cap. Behind a proxy it caps requests in flight per forwarded address instead. */
  maxConnectionsPerAddress: number;
  /** Usage events (POST /api/events) one person may report per minute; past it 429, others unaffected. */
  eventsPerMinute: number;
  /** Run queued jobs (thumbnails, text extraction) in the background; API tests turn it off and drain the queue themselves. */
  backgroundJobs: boolean;
  /** Worker threads for file processing, and so jobs this process runs at once. */
  processingThreads: number;
  /** Time limit of processing one file; past it the worker thread is stopped and the file reported as too slow. */
  processingTimeoutMs: number;
  /** Render Office files with LibreOffice when it is on PATH; LIBREOFFICE=off keeps to the thumbnails in the files. */
  libreOffice: boolean;
  /** Four eyes: nobody approves an asset they own or changes they made (REQUIRE_SECOND_APPROVER=1); off, such approvals are marked in the audit log. */
  requireSecondApprover: boolean;
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST || '127.0.0.1';
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^(postgres(ql)?|memory):\/\//.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or memory://, got "${databaseUrl.replace(/:[^:@/]*@/, ':***@')}"`);
  }
  const adminEmail = env.ADMIN_EMAIL || undefined;
  const adminPassword = env.ADMIN_PASSWORD || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('ADMIN_PASSWORD must be at least 8 characters');
  }
  const publicUrl = (env.PUBLIC_URL || `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL, got "${publicUrl}"`);
  }
  return {
    port,
    host,
    dataDir: path.resolve(env.DATA_DIR || './storage'),
    databaseUrl,
    adminEmail,
    adminPassword,
    maxUploadBytes: integer(env, 'MAX_UPLOAD_BYTES', 2 * 1024 ** 3, 1, Number.MAX_SAFE_INTEGER),
    publicUrl,
    serveWeb: true,
    logLevel: env.LOG_LEVEL || 'info',
    trustProxyHops: integer(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_SEC', 20, 1, 3600) * 1000,
    bodyTimeoutMs: integer(env, 'BODY_TIMEOUT_SEC', 30, 1, 3600) * 1000,
    // 4 KB/s is a poor mobile line; a client sending less than that for 30 s is holding the socket, not uploading.
    uploadMinBytesPerSec: integer(env, 'UPLOAD_MIN_KB_PER_SEC', 4, 0, 1_000_000) * 1024,
    uploadStallMs: integer(env, 'UPLOAD_STALL_SEC', 30, 1, 3600) * 1000,
    maxConnectionsPerAddress: integer(env, 'MAX_CONNECTIONS_PER_ADDRESS', 64, 0, 1_000_000),
    // Five a second, all minute long, is more than any person clicking through assets; a flood is a script.
    eventsPerMinute: integer(env, 'EVENTS_PER_MINUTE', 300, 1, 1_000_000),
    backgroundJobs: env.BACKGROUND_JOBS !== '0' && env.BACKGROUND_JOBS !== 'false',
    // One core stays free for answering requests.
    processingThreads: integer(env, 'PROCESSING_THREADS', Math.max(1, Math.min(4, os.availableParallelism() - 1)), 1, 64),
    processingTimeoutMs: integer(env, 'PROCESSING_TIMEOUT_SEC', 120, 1, 86_400) * 1000,
    libreOffice: env.LIBREOFFICE !== 'off' && env.LIBREOFFICE !== '0',
    requireSecondApprover: env.REQUIRE_SECOND_APPROVER === '1' || env.REQUIRE_SECOND_APPROVER === 'true',
    ...overrides,
  };
}
