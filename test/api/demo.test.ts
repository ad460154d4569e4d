// npm run demo on an empty instance: a library across the taxonomy with a few deliberate gaps, and 90 days of use
// with the skew of real libraries (a handful of assets used a lot, most never), searches that found nothing, and
// nothing added by a second run.
import { and, count, countDistinct, eq, gt, inArray, isNotNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveForSales } from '../../server/access/visibility.ts';
import { runCommand } from '../../server/cli/commands.ts';
import { DELIBERATE_GAPS } from '../../server/cli/demo-library.ts';
import { assets, assetTerms, assetVersions, jobs, searchLog, terms, usageEvents, users } from '../../server/db/schema.ts';
import type { CommandOutput } from '../../server/instance/control-socket.ts';
import { RANKED_KINDS } from '../../server/usage/uses.ts';
import { testApp, type TestApp } from '../support/app.ts';

let t: TestApp;
const printed: string[] = [];
const out: CommandOutput = { print: (line) => printed.push(line), warn: (line) => printed.push(line), progress: () => {} };
const demo = () => runCommand(t.app.services, { command: 'demo', argv: [] }, out, new AbortController().signal, 'server');
const db = () => t.app.services.database.db;
const since90Days = sql`now() - interval '90 days'`;

beforeAll(async () => {
  t = await testApp();
  // As on the command line, where the first admin exists before any command runs.
  await t.app.services.auth.ensureAdmin('root@example.com', 'root-password-1');
  expect(await demo()).toBe(0);
}, 120_000);
afterAll(() => t.close());

describe('npm run demo', () => {
  it('covers every persona × stage cell with live assets except the deliberate gaps', async () => {
    const tagged = await db().select({ assetId: assets.id, facet: terms.facetKey, slug: terms.slug }).from(assets)
      .innerJoin(assetTerms, eq(assetTerms.assetId, assets.id)).innerJoin(terms, eq(terms.id, assetTerms.termId))
      .where(and(liveForSales(), inArray(terms.facetKey, ['persona', 'stage'])));
    const personaTerms = await db().select({ slug: terms.slug }).from(terms).where(eq(terms.facetKey, 'persona'));
    const stageTerms = await db().select({ slug: terms.slug }).from(terms).where(eq(terms.facetKey, 'stage'));
    const of = (id: string, facet: string) => tagged.filter((r) => r.assetId === id && r.facet === facet).map((r) => r.slug);
    const covered = new Set(tagged.flatMap((r) => of(r.assetId, 'persona').flatMap((p) => of(r.assetId, 'stage').map((s) => `${p}×${s}`))));
    const empty = personaTerms.flatMap((p) => stageTerms.map((s) => `${p.slug}×${s.slug}`)).filter((cell) => !covered.has(cell));
    expect(personaTerms).toHaveLength(6);
    expect(stageTerms).toHaveLength(6);
    expect(empty.sort()).toEqual(DELIBERATE_GAPS.map(([p, s]) => `${p}×${s}`).sort());
  });

  it('makes a library of a few dozen assets in every state, with people of every role', async () => {
    const byStatus = Object.fromEntries((await db().select({ status: assets.status, n: count() }).from(assets).groupBy(assets.status)).map((r) => [r.status, r.n]));
    const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(36);
    expect(total).toBeLessThanOrEqual(48);
    expect(byStatus.approved).toBeGreaterThanOrEqual(total * 0.75);
    expect(byStatus.in_review).toBeGreaterThanOrEqual(2);
    expect(byStatus.draft).toBeGreaterThanOrEqual(1);
    const [expiring] = await db().select({ n: count() }).from(assets)
      .where(and(liveForSales(), sql`${assets.expiresAt} < now() + interval '30 days'`));
    expect(expiring!.n).toBeGreaterThanOrEqual(2);

    const roles = Object.fromEntries((await db().select({ role: users.role, n: count() }).from(users).groupBy(users.role)).map((r) => [r.role, r.n]));
    expect(roles).toMatchObject({ admin: 1, approver: 1 });
    expect(roles.marketing).toBeGreaterThanOrEqual(1);
    expect(roles.sales).toBeGreaterThanOrEqual(4);
    expect(roles.sales).toBeLessThanOrEqual(6);

    // Uploaded through the assets service: every version has its blob and its processing job.
    const kinds = await db().selectDistinct({ mimeType: assetVersions.mimeType }).from(assetVersions);
    expect(kinds.map((k) => k.mimeType)).toEqual(expect.arrayContaining([
      'application/pdf', 'image/png',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    ]));
    const [versions] = await db().select({ n: count() }).from(assetVersions);
    const [queued] = await db().select({ n: count() }).from(jobs);
    expect(queued!.n).toBeGreaterThanOrEqual(versions!.n);
  });

  it('leaves most live assets unused in the last 90 days, and a handful used a lot', async () => {
    const live = await db().select({ id: assets.id }).from(assets).where(liveForSales());
    const uses = await db().select({ assetId: usageEvents.assetId, n: count() }).from(usageEvents)
      .where(and(eq(usageEvents.counted, true), inArray(usageEvents.kind, [...RANKED_KINDS]), gt(usageEvents.at, since90Days)))
      .groupBy(usageEvents.assetId);
    const usesOf = new Map(uses.map((u) => [u.assetId, u.n]));
    const unused = live.filter((a) => !usesOf.has(a.id));
    expect(unused.length / live.length).toBeGreaterThanOrEqual(0.6);
    const ranked = live.map((a) => usesOf.get(a.id) ?? 0).sort((a, b) => b - a);
    expect(ranked.slice(0, 5).every((n) => n >= 50), `uses of the top five: ${ranked.slice(0, 5).join(', ')}`).toBe(true);
    // Zipf-like: the most used asset alone carries more use than the bottom half of the used ones together.
    const used = ranked.filter((n) => n > 0);
    expect(ranked[0]!).toBeGreaterThan(used.slice(Math.floor(used.length / 2)).reduce((a, b) => a + b, 0));
  });

  it('counts what sales did and keeps, uncounted, what marketing did', async () => {
    const byRole = await db().select({ role: users.role, counted: usageEvents.counted, n: count() }).from(usageEvents)
      .innerJoin(users, eq(users.id, usageEvents.userId)).groupBy(users.role, usageEvents.counted);
    expect(byRole.filter((r) => r.role === 'sales').every((r) => r.counted)).toBe(true);
    expect(byRole.filter((r) => r.role !== 'sales').every((r) => !r.counted)).toBe(true);
    expect(byRole.find((r) => r.role === 'marketing' && !r.counted)?.n).toBeGreaterThan(0);
    const kinds = await db().selectDistinct({ kind: usageEvents.kind }).from(usageEvents);
    // Shares: the demo's share links (demo-shares.ts).
    expect(kinds.map((k) => k.kind).sort()).toEqual(['click', 'copy_link', 'download', 'presented', 'share', 'view']);
  });

  it('spreads events over the 90 days, with weekday peaks', async () => {
    const perDay = await db().select({ day: sql<string>`to_char(${usageEvents.at} at time zone 'UTC', 'YYYY-MM-DD')`, n: count() }).from(usageEvents)
      .groupBy(sql`1`);
    expect(perDay.length).toBeGreaterThanOrEqual(60);
    const weekend = perDay.filter((d) => [0, 6].includes(new Date(`${d.day}T00:00:00Z`).getUTCDay()));
    const weekdays = perDay.filter((d) => !weekend.includes(d));
    const mean = (days: typeof perDay) => days.reduce((a, d) => a + d.n, 0) / Math.max(1, days.length);
    expect(mean(weekdays)).toBeGreaterThan(4 * mean(weekend));
    const [oldest] = await db().select({ at: sql<string>`min(${usageEvents.at})::text` }).from(usageEvents).where(gt(usageEvents.at, since90Days));
    expect(Date.now() - new Date(oldest!.at).getTime()).toBeGreaterThan(80 * 86_400_000);
  });

  it('logs searches: clicked ones with their click event, and ones that found nothing, some filtered', async () => {
    const clicked = await db().select({ id: searchLog.id, assetId: searchLog.clickedAssetId }).from(searchLog).where(isNotNull(searchLog.clickedAssetId));
    expect(clicked.length).toBeGreaterThan(200);
    const [clicks] = await db().select({ n: countDistinct(usageEvents.queryId) }).from(usageEvents)
      .innerJoin(searchLog, and(eq(searchLog.id, usageEvents.queryId), eq(searchLog.clickedAssetId, usageEvents.assetId)))
      .where(eq(usageEvents.kind, 'click'));
    expect(clicks!.n).toBe(clicked.length);

    const fruitless = await db().select({ query: searchLog.query, filters: searchLog.filters }).from(searchLog).where(eq(searchLog.resultCount, 0));
    expect(fruitless.length).toBeGreaterThanOrEqual(50);
    expect(fruitless.map((s) => s.query)).toEqual(expect.arrayContaining(['pricing for healthcare', 'soc 2 type ii']));
    expect(fruitless.some((s) => s.filters.persona?.length && s.filters.stage?.length)).toBe(true);
    const [unclicked] = await db().select({ n: count() }).from(searchLog).where(and(gt(searchLog.resultCount, 0), sql`${searchLog.clickedAssetId} is null`));
    expect(unclicked!.n).toBeGreaterThan(0);
  });

  it('makes real documents: PDFs of several pages of text', { timeout: 120_000 }, async () => {
    await t.app.services.processing.drain();
    const pdfs = await db().select({ pages: assetVersions.pages, text: assetVersions.text }).from(assetVersions).where(eq(assetVersions.mimeType, 'application/pdf'));
    expect(pdfs.length).toBeGreaterThanOrEqual(20);
    expect(pdfs.filter((p) => (p.pages ?? 0) >= 4).length).toBeGreaterThanOrEqual(10);
    expect(pdfs.every((p) => (p.text?.length ?? 0) > 200)).toBe(true);
    // Found by words of its text, not only of its title.
    const found = await t.app.services.search.search((await t.app.services.auth.findUserByEmail('sam@demo.local'))!, { q: 'month-end reporting payback', limit: 10, offset: 0 });
    await t.app.services.usage.flush();
    expect(found.hits.map((h) => h.asset.title)).toContain('ROI calculator for finance leaders');
  });

  it('has share links read by prospects (one forwarded, one scanned, one unopened) and pitch kits', async () => {
    const priya = await t.app.services.auth.findUserByEmail('priya@demo.local');
    const links = await t.app.services.sharing.list((await t.app.services.auth.findUserByEmail('maya@demo.local'))!, true);
    expect(links.length).toBeGreaterThanOrEqual(3);
    expect(links.some((link) => link.visitCount === 0)).toBe(true);
    const read = await t.app.services.sharing.detail(priya!, links.find((link) => link.recipient.startsWith('Dana'))!.id);
    expect(read.visits.length).toBe(3);
    expect(read.visits.some((visit) => visit.forwarded)).toBe(true);
    expect(read.visits.every((visit) => visit.activeSec > 0 && visit.pages.length > 0)).toBe(true);
    expect(read.bots.length).toBe(1);
    expect((await t.app.services.notifications.list(priya!)).unread).toBeGreaterThan(0);
    const kits = await t.app.services.kits.list(priya!);
    expect(kits.find((kit) => kit.name === 'CFO — evaluation')?.assetIds.length).toBeGreaterThanOrEqual(2);
  });

  it("has the field's voice: feedback, requests from failed searches (one planned, one done), a watched search, and deals for the influence report", async () => {
    const maya = (await t.app.services.auth.findUserByEmail('maya@demo.local'))!;
    const requests = (await t.app.services.requests.list(maya, { limit: 50 })).items;
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.filter((r) => r.query)).not.toEqual([]);
    expect(requests.map((r) => r.status)).toEqual(expect.arrayContaining(['planned', 'done']));
    expect(requests.some((r) => r.votes > 1)).toBe(true);
    const influence = await t.app.services.influence.report(90);
    expect(influence.items.some((item) => item.wonDeals > 0)).toBe(true);
    expect(influence.items.some((item) => item.lostDeals > 0)).toBe(true);
    const backlog = await t.app.services.backlog(90, 50);
    expect(backlog.length).toBeGreaterThan(0);
    expect(backlog.some((topic) => topic.request !== null)).toBe(true);
    const top = (await t.app.services.reports.assets(90, {}, '-uses', 5)).items;
    expect(top.some((item) => item.helpful > 0)).toBe(true);
  });

  it('adds nothing on a second run', async () => {
    const counts = async () => Promise.all([assets, assetVersions, usageEvents, searchLog, users].map(async (table) => (await db().select({ n: count() }).from(table))[0]!.n));
    const before = await counts();
    printed.length = 0;
    expect(await demo()).toBe(0);
    expect(printed.join('\n')).toContain('already here');
    expect(await counts()).toEqual(before);
  });
});
