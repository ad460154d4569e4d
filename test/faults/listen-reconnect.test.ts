// The LISTEN connection of a process is lost with PostgreSQL (a restart, a terminated backend): it comes back by
// itself, and says so, so that search and the session cache catch up on what was notified while it was away.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import type { Database } from '../../server/db/client.ts';
import { freshDatabase } from '../support/app.ts';
import { waitFor } from '../support/processes.ts';

describe.skipIf(!process.env.DATABASE_URL)('LISTEN after its connection is lost', () => {
  let database: Database;
  let drop: () => Promise<void>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-listen-'));

  beforeAll(async () => ({ database, drop } = await freshDatabase(dataDir)));
  afterAll(async () => {
    await drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes back by itself, tells the listener, and delivers what is notified after', async () => {
    const received: string[] = [];
    let resubscribed = 0;
    const unlisten = await database.listen('content_hub_listen_test', (payload) => received.push(payload), () => resubscribed++);
    const { db } = database;
    await db.execute(sql`select pg_notify('content_hub_listen_test', 'before')`);
    await waitFor(() => received.includes('before'), 5_000, 'the first notification');
    expect(resubscribed).toBe(0);

    // Another connection ends the listening backend, as a restart of PostgreSQL would.
    const [current] = await db.execute(sql`select current_database() as name`) as unknown as { name: string }[];
    const killer = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    try {
      await killer`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${current!.name} and query ilike 'listen%' and pid <> pg_backend_pid()`;
    } finally {
      await killer.end();
    }
    await waitFor(() => resubscribed === 1, 15_000, 'the listener to be told LISTEN is back');
    await db.execute(sql`select pg_notify('content_hub_listen_test', 'after')`);
    await waitFor(() => received.includes('after'), 5_000, 'a notification after the reconnection');
    await unlisten();
  });
});
