// Several app processes on one PostgreSQL each hold their own index; they catch up through LISTEN/NOTIFY.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';

const serverUrl = process.env.DATABASE_URL;

describe.skipIf(!serverUrl)('several processes on one PostgreSQL', () => {
  const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });
  let other: App;
  let otherDatabase: Database;
  let otherDataDir: string;

  beforeAll(async () => {
    // A second app on the very same database, as a second process behind a load balancer would be.
    const [row] = await t.app.services.database.db.execute(sql`select current_database() as name`) as unknown as { name: string }[];
    const url = new URL(serverUrl!);
    url.pathname = `/${row!.name}`;
    otherDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-test-'));
    otherDatabase = await openDatabase(url.toString(), otherDataDir);
    other = await buildApp({ ...t.config, dataDir: otherDataDir }, otherDatabase);
  });
  afterAll(async () => {
    await other.close();
    await otherDatabase.close();
    fs.rmSync(otherDataDir, { recursive: true, force: true });
  });

  /** Titles the other process finds for sales, asked until `done` holds (NOTIFY arrives asynchronously). */
  async function otherFinds(q: string, done: (titles: string[]) => boolean): Promise<string[]> {
    let titles: string[] = [];
    for (let attempt = 0; attempt < 50; attempt++) {
      const res = await other.inject({ method: 'GET', url: '/api/search', query: { q }, headers: t.sales });
      expect(res.statusCode, res.body).toBe(200);
      titles = res.json().hits.map((h: { asset: { title: string } }) => h.asset.title);
      if (done(titles)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return titles;
  }

  it('finds in one process an asset approved through another', async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Larkspur field guide' });
    expect(await otherFinds('larkspur', (titles) => titles.length > 0)).toEqual(['Larkspur field guide']);
  });

  it('drops from every process an asset archived through one, and shows edits everywhere', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Foxglove pitch' });
    expect(await otherFinds('foxglove', (titles) => titles.length > 0)).toEqual(['Foxglove pitch']);
    await t.app.inject({ method: 'PATCH', url: `/api/assets/${id}`, headers: t.marketing, payload: { title: 'Foxglove pitch, revised' } });
    // A live asset's new title reaches sales once approved.
    await t.app.inject({ method: 'POST', url: `/api/assets/${id}/submit`, headers: t.marketing });
    await t.app.inject({ method: 'POST', url: `/api/assets/${id}/approve`, headers: t.approver });
    expect(await otherFinds('foxglove', (titles) => titles[0] === 'Foxglove pitch, revised')).toEqual(['Foxglove pitch, revised']);
    await t.app.inject({ method: 'POST', url: `/api/assets/${id}/archive`, headers: t.approver });
    expect(await otherFinds('foxglove', (titles) => titles.length === 0)).toEqual([]);
  });

  it('searches a taxonomy label renamed through one process by its new name in every process', async () => {
    const admin = await t.as('admin');
    await t.app.inject({ method: 'POST', url: '/api/taxonomy/product/terms', headers: admin, payload: { label: 'Bramblecrest' } });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Suite brochure', products: 'bramblecrest' });
    expect(await otherFinds('bramblecrest', (titles) => titles.length > 0)).toEqual(['Suite brochure']);
    await t.app.inject({ method: 'PATCH', url: '/api/taxonomy/product/terms/bramblecrest', headers: admin, payload: { label: 'Thistledown' } });
    expect(await otherFinds('thistledown', (titles) => titles.length > 0)).toEqual(['Suite brochure']);
  });

  it('keeps drafts made elsewhere from sales but shows them to marketing', async () => {
    await upload(t, t.marketing, { title: 'Hellebore draft' });
    let titles: string[] = [];
    for (let attempt = 0; attempt < 50 && titles.length === 0; attempt++) {
      const res = await other.inject({ method: 'GET', url: '/api/search', query: { q: 'hellebore' }, headers: t.marketing });
      titles = res.json().hits.map((h: { asset: { title: string } }) => h.asset.title);
      if (titles.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(titles).toEqual(['Hellebore draft']);
    expect(await otherFinds('hellebore', () => true)).toEqual([]);
  });
});
