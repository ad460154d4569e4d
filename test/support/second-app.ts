// A second app on the very database of a test app, as a second process behind a load balancer would run
// (PostgreSQL only: PGlite belongs to one process).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { buildApp, type App } from '../../server/app.ts';
import { openDatabase } from '../../server/db/client.ts';
import type { TestApp } from './app.ts';

export async function secondApp(t: TestApp): Promise<{ app: App; close(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error('a second app needs PostgreSQL (DATABASE_URL)');
  const [row] = await t.app.services.database.db.execute(sql`select current_database() as name`) as unknown as { name: string }[];
  const url = new URL(serverUrl);
  url.pathname = `/${row!.name}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-test-'));
  const database = await openDatabase(url.toString(), dataDir);
  const app = await buildApp({ ...t.config, dataDir }, database);
  return {
    app,
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
