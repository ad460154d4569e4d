// The visibility rule is written three ways (access/visibility.ts): as SQL for lists and counts, per asset in
// memory, and split for the search index (the sales version kept at indexing, expiry checked at query time). Over
// random asset states, rows inserted straight into the database, all three must agree on what sales see and which
// version, and staff must see everything.
import fc from 'fast-check';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audienceOf, mayView, shownVersionId, visibleTo, type Viewer } from '../../server/access/visibility.ts';
import type { Principal } from '../../server/auth/principal.ts';
import type { CurrentUser } from '../../server/auth/roles.ts';
import { assets, assetVersions, blobs } from '../../server/db/schema.ts';
import type { Db } from '../../server/db/client.ts';
import { MemorySearchIndex } from '../../server/search/memory-index.ts';
import { indexedAssets } from '../../server/search/queries.ts';
import { parseQuery } from '../../server/search/query-parser.ts';
import { STATUSES } from '../../server/assets/schemas.ts';
import { testApp, type TestApp } from '../support/app.ts';

// Whole milliseconds, as the database keeps them.
const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);
const SHA = 'a'.repeat(64);

const assetState = fc.record({
  status: fc.constantFrom(...STATUSES),
  approved: fc.boolean(),
  current: fc.boolean(),
  /** The approved version is also the current one (nothing newer waits for review). */
  sameVersion: fc.boolean(),
  expiresIn: fc.constantFrom(-1000, 0, 1000, null),
});
type AssetState = typeof assetState extends fc.Arbitrary<infer T> ? T : never;

let ctx: TestApp;
let db: Db;
let owner: CurrentUser;

beforeAll(async () => {
  ctx = await testApp();
  db = ctx.app.services.database.db;
  const created = await ctx.app.services.auth.createUser({ email: 'owner@example.com', name: 'Owner', role: 'marketing', password: 'correct horse battery' });
  owner = { id: created.id, email: created.email, name: created.name, role: created.role };
  await db.insert(blobs).values({ sha256: SHA, size: 1 });
});
afterAll(() => ctx.close());

async function insertAsset(state: AssetState, n: number): Promise<string> {
  const [asset] = await db.insert(assets).values({
    title: `Asset ${n}`, kind: 'document', status: state.status, ownerId: owner.id,
    expiresAt: state.expiresIn === null ? null : new Date(NOW + state.expiresIn),
  }).returning();
  const version = async (number: number) => (await db.insert(assetVersions).values({
    assetId: asset!.id, number, sha256: SHA, filename: `asset-${n}-v${number}.pdf`, mimeType: 'application/pdf', size: 1, uploadedBy: owner.id,
  }).returning())[0]!.id;
  const approvedVersionId = state.approved ? await version(1) : null;
  const currentVersionId = state.current ? (state.sameVersion && approvedVersionId ? approvedVersionId : await version(2)) : null;
  await db.update(assets).set({ approvedVersionId, currentVersionId }).where(eq(assets.id, asset!.id));
  return asset!.id;
}

/** What the search index finds for this viewer with an empty query (every asset it may see) at NOW: asset → version. */
async function foundByIndex(ids: string[], viewer: Viewer): Promise<Map<string, string>> {
  const index = new MemorySearchIndex();
  for (const asset of (await indexedAssets(db, { ids }, 'none')).assets) index.index(asset);
  const outcome = index.query({ query: parseQuery(''), audience: audienceOf(viewer), filters: {}, limit: 100, offset: 0, now: NOW });
  return new Map(outcome.hits.map((hit) => [hit.assetId, hit.versionId]));
}

async function visibleBySql(ids: string[], viewer: Viewer): Promise<string[]> {
  const rows = await db.select({ id: assets.id }).from(assets).where(and(inArray(assets.id, ids), visibleTo(viewer, new Date(NOW))));
  return rows.map((r) => r.id).sort();
}

describe('one visibility rule', () => {
  it('agrees in SQL, per asset and in the search index on what sales see, and which version', { timeout: 60_000 }, async () => {
    const sales: CurrentUser = { id: owner.id, email: 's@example.com', name: 'Sales', role: 'sales' };
    let n = 0;
    await fc.assert(fc.asyncProperty(fc.array(assetState, { minLength: 1, maxLength: 6 }), async (states) => {
      const ids = [];
      for (const state of states) ids.push(await insertAsset(state, ++n));
      try {
        const rows = await db.select().from(assets).where(inArray(assets.id, ids));
        const perAsset = rows.filter((row) => mayView(sales, row, NOW));
        const expected = perAsset.map((r) => r.id).sort();

        expect(await visibleBySql(ids, sales)).toEqual(expected);
        const found = await foundByIndex(ids, sales);
        expect([...found.keys()].sort()).toEqual(expected);
        for (const row of perAsset) expect(found.get(row.id)).toBe(shownVersionId(sales, row));

        // A share link sees what sales see, of its own assets only.
        const link: Principal = { kind: 'share', linkId: 'link', assetIds: ids.filter((_, i) => i % 2 === 0) };
        expect(await visibleBySql(ids, link)).toEqual(rows.filter((row) => mayView(link, row, NOW)).map((r) => r.id).sort());
        expect(rows.filter((row) => mayView(link, row, NOW)).every((row) => mayView(sales, row, NOW) && link.assetIds.includes(row.id))).toBe(true);

        // Staff see every asset; the index holds those with a version to search, each as it is now.
        expect(rows.every((row) => mayView(owner, row, NOW))).toBe(true);
        expect(await visibleBySql(ids, owner)).toEqual([...ids].sort());
        const staffFound = await foundByIndex(ids, owner);
        const withVersion = rows.filter((row) => row.currentVersionId ?? row.approvedVersionId);
        expect([...staffFound.keys()].sort()).toEqual(withVersion.map((r) => r.id).sort());
        for (const row of withVersion) expect(staffFound.get(row.id)).toBe(shownVersionId(owner, row) ?? row.approvedVersionId);
      } finally {
        await db.delete(assets).where(inArray(assets.id, ids));
      }
    }), { numRuns: 30 });
  });
});
