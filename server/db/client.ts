import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { migrationsFolder } from '../paths.ts';
import * as schema from './schema.ts';

/** Both drivers share this surface, so services never know which one runs. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  /**
   * Runs one SQL statement and returns its rows with every value as the raw bytes the server sent (text format,
   * UTF-8), undecoded: for reading gigabytes of text without making strings of it. PostgreSQL server only.
   */
  rawRows?(query: string, params: unknown[]): Promise<(Uint8Array | null)[][]>;
  /**
   * Subscribe to a NOTIFY channel; returns an unsubscribe function. On PostgreSQL the listening connection comes back
   * by itself after an outage, but what was notified meanwhile is lost: `onResubscribed` runs each time it is back,
   * for the listener to catch up on what it may have missed.
   */
  listen(channel: string, onMessage: (payload: string) => void, onResubscribed?: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * Opens the database the URL names and brings its schema up to date:
 * postgres://… is a PostgreSQL server, memory:// an in-memory PGlite, and no URL a PGlite under dataDir.
 */
export async function openDatabase(url: string | undefined, dataDir: string): Promise<Database> {
  if (url?.startsWith('postgres')) {
    const sql = postgres(url, { max: 10, onnotice: () => {}, connection: { application_name: 'content-hub' } });
    const db = drizzlePostgres(sql, { schema });
    await migratePostgres(db, { migrationsFolder });
    return {
      db: db as unknown as Db,
      driver: 'postgres',
      // postgres.js types parameters loosely (ParameterOrJSON); the callers pass strings and arrays of strings.
      rawRows: (query, params) => sql.unsafe(query, params as postgres.ParameterOrJSON<never>[]).raw(),
      async listen(channel, onMessage, onResubscribed) {
        let subscribed = false;
        // postgres.js calls this on the first LISTEN and again after every reconnection.
        const { unlisten } = await sql.listen(channel, onMessage, () => {
          if (subscribed) onResubscribed?.();
          subscribed = true;
        });
        return unlisten;
      },
      close: () => sql.end({ timeout: 5 }),
    };
  }
  let dir: string | undefined;
  if (!url) {
    dir = path.join(dataDir, 'pglite');
    fs.mkdirSync(dir, { recursive: true });
  }
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    listen: (channel, onMessage) => client.listen(channel, onMessage),
    close: () => client.close(),
  };
}
