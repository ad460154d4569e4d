import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { buildApp, type App } from '../../server/app.ts';
import type { Role } from '../../server/auth/roles.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';

// The app each API test file runs against, and the users it signs in. Most files start with one line:
//   const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });
// and then use t.app, t.marketing (headers with that user's session cookie), t.as('sales') for one more user.

export interface TestApp {
  app: App;
  config: Config;
  /** Signs in a new user of this role and returns headers carrying their session cookie. */
  as(role: Role, email?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * A fresh database for one test file: in-memory PGlite by default, or a throwaway database
 * on the PostgreSQL server named by DATABASE_URL (CI runs both).
 */
export async function freshDatabase(dataDir: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const database = await openDatabase('memory://', dataDir);
    return { database, drop: async () => {} };
  }
  const name = `ch_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase(url.toString(), dataDir);
  return {
    database,
    drop: async () => {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function testApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-test-'));
  // Jobs run only when a test drains the queue (app.services.processing.drain()), so results are deterministic.
  // LibreOffice (seconds per file) only where a test asks for it: test/api/processing-libreoffice.test.ts.
  const config = loadConfig({}, { dataDir, serveWeb: false, logLevel: 'silent', backgroundJobs: false, libreOffice: false, ...overrides });
  const { database, drop } = await freshDatabase(dataDir);
  const app = await buildApp(config, database);
  let counter = 0;
  return {
    app,
    config,
    async as(role, email) {
      const address = email ?? `${role}${++counter}@example.com`;
      const password = 'correct horse battery';
      if (!(await app.services.auth.findUserByEmail(address))) {
        await app.services.auth.createUser({ email: address, name: `${role} ${counter}`, role, password });
      }
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: address, password } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return { cookie: sessionCookie(res) };
    },
    async close() {
      await app.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const header = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('ch_session='));
  if (!header) throw new Error('no session cookie in the response');
  return header.split(';')[0]!;
}

/** Headers carrying a signed-in user's session cookie, as t.as() returns them. */
export type SessionHeaders = Record<string, string>;

/** A test app with one signed-in user per role asked for: t.marketing, t.approver, … */
export type SignedInApp<R extends Role> = TestApp & { readonly [role in R]: SessionHeaders };

export interface UseTestAppOptions<R extends Role> {
  /** One user per role, signed in as <role>@example.com before the tests run. */
  signIn?: readonly R[];
  /** Config for this app, on top of the test defaults in testApp(). */
  config?: Partial<Config>;
  /** A new app (and database) for every test instead of one for the whole file or describe block. */
  perTest?: boolean;
}

/**
 * The preamble of an API test file in one call: registers the hooks that build a fresh app and sign in the
 * users (beforeAll, or beforeEach with perTest) and close it afterwards. Call it at the top of the file or of a
 * describe block; its fields are there once the hooks have run, so read them inside tests and hooks only.
 */
export function useTestApp<R extends Role = never>(options: UseTestAppOptions<R> = {}): SignedInApp<R> {
  const roles = options.signIn ?? [];
  let current: { t: TestApp; users: Map<Role, SessionHeaders> } | undefined;
  const ready = () => {
    if (!current) throw new Error('useTestApp: the app is built in a before hook; read it inside a test or hook, not while the file loads');
    return current;
  };

  (options.perTest ? beforeEach : beforeAll)(async () => {
    const t = await testApp(options.config);
    current = { t, users: new Map() };
    const headers = await Promise.all(roles.map((role) => t.as(role, `${role}@example.com`)));
    roles.forEach((role, i) => current!.users.set(role, headers[i]!));
  });
  (options.perTest ? afterEach : afterAll)(async () => {
    // Also after a failed before hook, which may have left no app or a half-signed-in one.
    const t = current?.t;
    current = undefined;
    await t?.close();
  });

  const signedIn: TestApp = {
    get app() { return ready().t.app; },
    get config() { return ready().t.config; },
    as: (role, email) => ready().t.as(role, email),
    // The after hook closes it; close is here so the value passes wherever a TestApp does.
    close: () => ready().t.close(),
  };
  for (const role of roles) {
    Object.defineProperty(signedIn, role, { enumerable: true, get: () => ready().users.get(role)! });
  }
  return signedIn as SignedInApp<R>;
}
