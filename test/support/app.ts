import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../../server/app.ts';
import type { Role } from '../../server/auth/roles.ts';
import { loadConfig, type Config } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';

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
