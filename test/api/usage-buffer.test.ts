// Usage events and logged searches go through one write buffer: written together in batches of a few statements,
// held while the database is away and written once it is back, and none lost when the app closes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { count, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/app.ts';
import type { CurrentUser } from '../../server/auth/roles.ts';
import { loadConfig } from '../../server/config.ts';
import type { Db } from '../../server/db/client.ts';
import * as schema from '../../server/db/schema.ts';
import { assets, searchLog, usageEvents, users } from '../../server/db/schema.ts';
import { migrationsFolder } from '../../server/paths.ts';
import { usageService } from '../../server/usage/service.ts';
import { freshDatabase } from '../support/app.ts';
import { aMinuteLater } from '../support/clock.ts';

/** A clock a minute on at every reading: each event is a use of its own, not a repeat within a burst. */
function spaced() {
  let now = Date.now();
  return () => (now += 61_000);
}

/** The one Db a service keeps, while behind it the database goes and comes back (a restart of PostgreSQL, here PGlite on disk). */
function behind(current: () => Db): Db {
  return new Proxy({} as Db, {
    get: (_, key) => {
      const value = Reflect.get(current(), key);
      return typeof value === 'function' ? value.bind(current()) : value;
    },
  });
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-usage-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A PGlite database (in `dir`, or in memory) whose statements are counted, with one salesperson and one asset. */
async function countedDatabase(dir?: string) {
  const statements: string[] = [];
  const client = new PGlite(dir);
  const pglite = drizzle(client, { schema, logger: { logQuery: (query) => statements.push(query) } });
  await migrate(pglite, { migrationsFolder });
  // As openDatabase hands it to the services (both drivers share this surface).
  const db = pglite as unknown as Db;
  let [user] = await db.select().from(users);
  if (!user) [user] = await db.insert(users).values({ email: 'sales@example.com', name: 'Sal', role: 'sales', passwordHash: 'x' }).returning();
  let [asset] = await db.select().from(assets);
  if (!asset) [asset] = await db.insert(assets).values({ title: 'Pricing deck', kind: 'presentation', ownerId: user!.id }).returning();
  statements.length = 0;
  const sales: CurrentUser = { id: user!.id, email: user!.email, name: user!.name, role: 'sales' };
  return { client, db, statements, sales, assetId: asset!.id };
}

const rows = async (db: Db, table: typeof usageEvents | typeof searchLog) => (await db.select({ n: count() }).from(table))[0]!.n;

describe('the usage write buffer', () => {
  let memory: Awaited<ReturnType<typeof countedDatabase>>;
  beforeAll(async () => { memory = await countedDatabase(); });
  afterAll(() => memory.client.close());
  beforeEach(async () => {
    await memory.db.delete(usageEvents);
    await memory.db.delete(searchLog);
    memory.statements.length = 0;
  });

  it('writes events and searches in one batch, the click after the search it refers to, within 50 ms', async () => {
    const { db, statements, sales, assetId } = memory;
    const transactions = vi.spyOn(db, 'transaction');
    const usage = usageService(db, { now: spaced() });
    const queryId = crypto.randomUUID();
    usage.logSearch(sales, { id: queryId, userId: sales.id, query: 'pricing', filters: { persona: ['cfo'] }, resultCount: 1, shownAssetIds: [assetId] });
    await usage.record(sales, { assetId, kind: 'click', queryId });
    await usage.record(sales, { assetId, kind: 'download' });
    // Nothing waited on a write: it is still to come.
    expect(statements).toEqual([]);
    await vi.waitFor(async () => expect(await rows(db, usageEvents)).toBe(2), { timeout: 1_000, interval: 10 });
    expect(transactions).toHaveBeenCalledTimes(1);
    // The search, the events, the click: three statements.
    expect(statements.filter((s) => !s.startsWith('select'))).toHaveLength(3);
    const [logged] = await db.select().from(searchLog).where(eq(searchLog.id, queryId));
    expect(logged).toMatchObject({ query: 'pricing', filters: { persona: ['cfo'] }, clickedAssetId: assetId });
    await usage.close();
  });

  it('writes a burst of 1,000 events in a few statements', async () => {
    const { db, statements, sales, assetId } = memory;
    const usage = usageService(db, { now: spaced() });
    for (let i = 0; i < 1_000; i++) await usage.record(sales, { assetId, kind: i % 2 ? 'view' : 'presented' });
    await usage.flush();
    expect(await rows(db, usageEvents)).toBe(1_000);
    // Two batches of 500, or three when the 50 ms timer fires between them on a busy machine: never one per event.
    expect(statements.filter((s) => s.startsWith('insert')).length).toBeLessThanOrEqual(3);
    await usage.close();
  });

  it('holds what is recorded while the database is away and writes it once the database is back', async () => {
    const dir = path.join(work, 'restarted');
    let current = await countedDatabase(dir);
    const db = behind(() => current.db);
    const warnings: string[] = [];
    const usage = usageService(db, { now: spaced(), retryMs: 100, warn: (message) => warnings.push(message) });
    const { sales, assetId } = current;
    await usage.record(sales, { assetId, kind: 'view' });
    await usage.flush();
    await current.client.close();
    const queryId = crypto.randomUUID();
    usage.logSearch(sales, { id: queryId, userId: sales.id, query: 'pricing', filters: {}, resultCount: 1, shownAssetIds: [assetId] });
    for (let i = 0; i < 30; i++) await usage.record(sales, { assetId, kind: 'view' });
    await usage.record(sales, { assetId, kind: 'click', queryId });
    // Tried and held: the database is closed.
    await usage.flush();
    current = await countedDatabase(dir);
    // Written by the next try on its own.
    await vi.waitFor(async () => expect(await rows(db, usageEvents)).toBe(32), { timeout: 5_000, interval: 20 });
    const [logged] = await db.select().from(searchLog).where(eq(searchLog.id, queryId));
    expect(logged!.clickedAssetId).toBe(assetId);
    expect(warnings).toEqual([]);
    await usage.close();
    await current.client.close();
    // Two starts of a PGlite on disk, slow on a busy machine.
  }, 120_000);

  it('refuses new events with 503 once it holds its bound, and loses none it took, while the database is away', async () => {
    const dir = path.join(work, 'full');
    let current = await countedDatabase(dir);
    const db = behind(() => current.db);
    const warnings: string[] = [];
    const usage = usageService(db, { now: spaced(), retryMs: 100, held: 10, warn: (message) => warnings.push(message) });
    const { sales, assetId } = current;
    await current.client.close();
    // The first write finds the database away; from then on the buffer takes up to its bound.
    await usage.record(sales, { assetId, kind: 'view' });
    await usage.flush();
    let accepted = 1;
    let refused: unknown;
    for (let i = 0; i < 20 && !refused; i++) {
      try {
        await usage.record(sales, { assetId, kind: 'presented' });
        accepted++;
      } catch (error) {
        refused = error;
      }
    }
    expect(accepted).toBe(10);
    expect(refused).toMatchObject({ statusCode: 503, code: 'UNAVAILABLE' });
    expect((refused as { retryAfterSec: number }).retryAfterSec).toBeGreaterThan(0);
    // A search is still answered; only its log row is left out.
    usage.logSearch(sales, { id: crypto.randomUUID(), userId: sales.id, query: 'pricing', filters: {}, resultCount: 1, shownAssetIds: [assetId] });

    current = await countedDatabase(dir);
    await vi.waitFor(async () => expect(await rows(db, usageEvents)).toBe(accepted), { timeout: 5_000, interval: 20 });
    expect(warnings).toEqual([expect.stringContaining('1 searches were not logged')]);
    // Back to taking events as before.
    await usage.record(sales, { assetId, kind: 'view' });
    await usage.close();
    expect(await rows(db, usageEvents)).toBe(accepted + 1);
    await current.client.close();
  }, 120_000);

  it('writes what is pending when it closes', async () => {
    const { db, sales, assetId } = memory;
    const usage = usageService(db, { now: spaced() });
    for (let i = 0; i < 1_200; i++) await usage.record(sales, { assetId, kind: 'download' });
    await usage.close();
    expect(await rows(db, usageEvents)).toBe(1_200);
  });
});

describe('the app', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => { database = await freshDatabase(work); });
  afterAll(() => database.drop());

  it('writes the events still buffered before its database closes', async () => {
    const config = loadConfig({}, { dataDir: work, serveWeb: false, logLevel: 'silent', backgroundJobs: false, libreOffice: false });
    const app = await buildApp(config, database.database);
    const [owner] = await database.database.db.insert(users).values({ email: 'owner@example.com', name: 'Owner', role: 'marketing', passwordHash: 'x' }).returning();
    const [asset] = await database.database.db.insert(assets).values({ title: 'Closing deck', kind: 'presentation', ownerId: owner!.id }).returning();
    for (let i = 0; i < 40; i++) {
      await app.services.usage.record(null, { assetId: asset!.id, kind: 'share' });
      aMinuteLater();
    }
    await app.close();
    expect(await rows(database.database.db, usageEvents)).toBe(40);
  });
});
