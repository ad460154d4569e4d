// A restart loads the saved index and re-reads only the assets changed since, instead of every document's text.
import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CurrentUser } from '../../server/auth/roles.ts';
import { assets, assetVersions } from '../../server/db/schema.ts';
import { SearchClosed, searchService, type SearchService } from '../../server/search/service.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';
import { pdf } from '../support/files.ts';

describe('search after a restart', () => {
  const t = useTestApp({ signIn: ['marketing', 'approver', 'admin', 'sales'], perTest: true });
  let sales: CurrentUser;
  let snapshotFile: string;
  const restarted: SearchService[] = [];

  beforeEach(async () => {
    sales = (await t.app.services.auth.findUserByEmail('sales@example.com'))!;
    snapshotFile = path.join(t.config.dataDir, 'search', 'index.snapshot');
  });
  afterEach(async () => {
    for (const service of restarted.splice(0)) await service.close();
  });

  /** A second search service on the same database and data directory, as the next process would start. */
  async function restart() {
    const service = searchService(t.app.services.database, t.app.services.taxonomy, t.app.services.usage, { snapshotFile });
    restarted.push(service);
    return { service, report: await service.start() };
  }

  const titles = async (service: SearchService, q: string) => (await service.search(sales, { q, limit: 20, offset: 0 })).hits.map((h) => h.asset.title).sort();

  it('loads the saved index and catches up on what changed while it was down', async () => {
    const renamed = await approvedAsset(t, t.marketing, t.approver, { title: 'Juniper pricing sheet' });
    const archived = await approvedAsset(t, t.marketing, t.approver, { title: 'Sorrel battlecard' });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Wisteria case study' },
      { name: 'wisteria.pdf', content: await pdf(['How the trellis programme cut onboarding time']), type: 'application/pdf' });
    await t.app.inject({ method: 'POST', url: '/api/taxonomy/product/terms', headers: t.admin, payload: { label: 'Quillwort' } });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Suite overview', products: 'quillwort' });
    // Untouched while down, so the changes below are the minority a restart catches up on.
    for (const title of ['Alder brief', 'Birch brief', 'Cedar brief', 'Dogwood brief']) await approvedAsset(t, t.marketing, t.approver, { title });
    await t.app.services.processing.drain();
    await t.app.services.search.start();
    await t.app.services.search.saveIndex();
    expect(fs.existsSync(snapshotFile)).toBe(true);

    // What happens while the next process is not running yet.
    await t.app.inject({ method: 'PATCH', url: `/api/assets/${renamed}`, headers: t.marketing, payload: { title: 'Tamarind pricing sheet' } });
    // A live asset's new title reaches sales once approved.
    await t.app.inject({ method: 'POST', url: `/api/assets/${renamed}/submit`, headers: t.marketing });
    await t.app.inject({ method: 'POST', url: `/api/assets/${renamed}/approve`, headers: t.approver });
    await t.app.inject({ method: 'POST', url: `/api/assets/${archived}/archive`, headers: t.approver });
    await t.app.inject({ method: 'PATCH', url: '/api/taxonomy/product/terms/quillwort', headers: t.admin, payload: { label: 'Marigold' } });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Field notes' },
      { name: 'notes.pdf', content: await pdf(['Rollout lessons from the zephyrine programme']), type: 'application/pdf' });
    await t.app.services.processing.drain();

    const { service, report } = await restart();
    // The renamed, archived, relabelled and new assets; the untouched one comes from the snapshot as it was.
    expect(report).toMatchObject({ from: 'snapshot', assets: 9, reindexed: 4 });
    // Both documents' texts are on local disk for snippets: one kept from before, one read while catching up.
    expect(report.storedTexts).toBe(2);
    const [trellis] = (await service.search(sales, { q: 'trellis', limit: 20, offset: 0 })).hits;
    expect(trellis!.snippet).toMatchObject({ field: 'text', text: expect.stringContaining('trellis programme') });
    expect(await titles(service, 'tamarind')).toEqual(['Tamarind pricing sheet']);
    expect(await titles(service, 'juniper')).toEqual([]);
    expect(await titles(service, 'sorrel')).toEqual([]);
    expect(await titles(service, 'wisteria')).toEqual(['Wisteria case study']);
    expect(await titles(service, 'marigold')).toEqual(['Suite overview']);
    expect(await titles(service, 'quillwort')).toEqual([]);
    expect(await titles(service, 'zephyrine')).toEqual(['Field notes']);
    // And it finds what the process that saw every change happen finds, with the same facets and snippets (scores,
    // so the order of near-equal hits, differ a little: idf counts the documents a process replaced, and the two
    // replaced different ones).
    for (const q of ['pricing', 'suite', 'field notes', 'case', 'onboarding', 'brief', '']) {
      const [seen, caughtUp] = await Promise.all([t.app.services.search, service].map(async (s) => {
        const { queryId: _, hits, ...rest } = await s.search(sales, { q, limit: 20, offset: 0 });
        return { ...rest, hits: hits.map(({ score: __, ...hit }) => hit).sort((a, b) => a.asset.id.localeCompare(b.asset.id)) };
      }));
      expect(caughtUp, q).toEqual(seen);
    }
  });

  it('builds a first index from the terms processing stored, then copies the texts for snippets in the background', async () => {
    const trellis = await approvedAsset(t, t.marketing, t.approver, { title: 'Wisteria case study' },
      { name: 'wisteria.pdf', content: await pdf(['How the trellis programme cut onboarding time', 'Étude de cas: la sécurité du programme']), type: 'application/pdf' });
    const older = await approvedAsset(t, t.marketing, t.approver, { title: 'Field notes' },
      { name: 'notes.pdf', content: await pdf(['Rollout lessons from the zephyrine programme']), type: 'application/pdf' });
    await t.app.services.processing.drain();
    const { db } = t.app.services.database;
    const terms = async (assetId: string) => (await db.select({ terms: assetVersions.searchTerms }).from(assetVersions)
      .innerJoin(assets, eq(assets.currentVersionId, assetVersions.id)).where(eq(assets.id, assetId)))[0]!.terms;
    // Processing stored each distinct word once, folded, with how often it occurs.
    expect(await terms(trellis)).toMatch(/^t1 \d+\n(\d+ [^\n]+\n)+$/);
    expect((await terms(trellis))!.split('\n').find((line) => line.startsWith('2 '))).toBe('2 programme');
    expect(await terms(trellis)).toContain('etude');
    // Terms in a form this build can't read (written by another release) are passed over for the text.
    await db.execute(sql`update asset_versions v set search_terms = 't0 rollout' from assets a where a.current_version_id = v.id and a.id = ${older}`);

    const cold = searchService(t.app.services.database, t.app.services.taxonomy, t.app.services.usage, { snapshotFile: path.join(t.config.dataDir, 'first-boot', 'index.snapshot') });
    restarted.push(cold);
    // The text the build read (for the version without usable terms) is stored at once.
    expect(await cold.start()).toMatchObject({ from: 'database', assets: 2, storedTexts: 1 });
    expect(await titles(cold, 'trellis')).toEqual(['Wisteria case study']);
    expect(await titles(cold, 'etude securite')).toEqual(['Wisteria case study']);
    expect(await titles(cold, 'zephyrine')).toEqual(['Field notes']);
    // The other text follows in the background.
    expect(await cold.textsStored()).toMatchObject({ texts: 1 });
    const [hit] = (await cold.search(sales, { q: 'trellis', limit: 20, offset: 0 })).hits;
    expect(hit!.snippet).toMatchObject({ field: 'text', text: expect.stringContaining('trellis programme') });
    await cold.close();
    const next = searchService(t.app.services.database, t.app.services.taxonomy, t.app.services.usage, { snapshotFile: path.join(t.config.dataDir, 'first-boot', 'index.snapshot') });
    restarted.push(next);
    expect(await next.start()).toMatchObject({ from: 'snapshot', reindexed: 0, storedTexts: 2 });
  });

  it('stops a build when the service closes under it, before the database goes, without calling it a failure', async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Juniper pricing sheet' });
    const warnings: string[] = [];
    const service = searchService(t.app.services.database, t.app.services.taxonomy, t.app.services.usage, { snapshotFile, warn: (message) => warnings.push(message) });
    const building = service.start();
    await service.close();
    await expect(building).rejects.toBeInstanceOf(SearchClosed);
    expect(warnings).toEqual([]);
    // The database is still there for what closes after the search service.
    expect((await restart()).report).toMatchObject({ from: 'database', assets: 1 });
  });

  it('builds from the database when most assets changed since the snapshot, as after restoring a dump', async () => {
    for (const title of ['Juniper pricing sheet', 'Sorrel battlecard', 'Wisteria case study']) await approvedAsset(t, t.marketing, t.approver, { title });
    await t.app.services.processing.drain();
    await t.app.services.search.start();
    await t.app.services.search.saveIndex();
    // Every row written anew, contents unchanged: what a dump and restore (or a migration rewriting rows) does.
    await t.app.services.database.db.execute(sql`update assets set updated_at = updated_at`);
    const { service, report } = await restart();
    expect(report).toMatchObject({ from: 'database', assets: 3, reindexed: 3 });
    expect(await titles(service, 'sorrel')).toEqual(['Sorrel battlecard']);
    expect(await titles(service, 'pricing')).toEqual(['Juniper pricing sheet']);
  });

  it('builds from the database when the saved index is damaged, and saves a good one', async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Juniper pricing sheet' });
    await t.app.services.search.start();
    await t.app.services.search.saveIndex();
    const bytes = fs.readFileSync(snapshotFile);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(snapshotFile, bytes);

    const first = await restart();
    expect(first.report).toMatchObject({ from: 'database', assets: 1 });
    expect(await titles(first.service, 'juniper')).toEqual(['Juniper pricing sheet']);
    await first.service.close();

    const second = await restart();
    expect(second.report).toMatchObject({ from: 'snapshot', assets: 1, reindexed: 0 });
    expect(await titles(second.service, 'juniper')).toEqual(['Juniper pricing sheet']);
  });
});
