import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assets as assetTable, searchLog, usageEvents } from '../../server/db/schema.ts';
import { rows } from '../../server/reports/measures.ts';
import { usageSource } from '../../server/reports/source.ts';
import { rollUpUsage, spanRanges } from '../../server/reports/rollup.ts';
import { reportService, type ReportService } from '../../server/reports/service.ts';
import { reportWindow } from '../../server/reports/window.ts';
import { testApp, useTestApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';

// The daily rollup is a faster way to read the same events: every report, as JSON and as CSV, over every window,
// is the same read from the rollup as from the raw events — with events on the window's edges and on midnights,
// share-link visitors, marketing's uncounted handling, a late event written into a day already rolled up, and an
// asset deleted after its days were rolled up; read from the per-asset spans summed in advance and without them.

const DAY = 86_400_000;
const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });
/** The moment every window ends at: fixed, so both readings ask for the same window. */
const now = new Date(Math.floor(Date.now() / DAY) * DAY + 13 * 3_600_000 + 1_234);
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const midnight = (daysBack: number) => new Date(Math.floor(now.getTime() / DAY) * DAY - daysBack * DAY);

let raw: ReportService;
let rolled: ReportService;
let assetIds: string[];
let salesIds: string[];
const db = () => t.app.services.database.db;

async function userId(headers: Record<string, string>): Promise<string> {
  return (await t.app.inject({ method: 'GET', url: '/api/me', headers })).json().id;
}

/** Every report of the API, as JSON and CSV, for one window length. */
async function everyReport(reports: ReportService, days: number) {
  const text = async (stream: Promise<NodeJS.ReadableStream>) => {
    let out = '';
    for await (const chunk of await stream) out += String(chunk);
    return out;
  };
  return {
    summary: await reports.summary(days),
    unused: await reports.unused(days, {}, 100),
    unusedCell: await reports.unused(days, { persona: 'cfo' }, 100),
    unusedCsv: await text(reports.unusedCsv(days, {})),
    assets: await Promise.all((['-uses', 'uses', '-lastUsedAt', 'title'] as const).map((sort) => reports.assets(days, {}, sort, 100))),
    assetsCell: await reports.assets(days, { stage: 'evaluation' }, '-uses', 100),
    assetsCsv: await text(reports.assetsCsv(days, {}, '-uses')),
    coverage: await reports.coverage(days),
    searches: await reports.searches(days, {}),
    searchesCell: await reports.searches(days, { persona: 'cfo' }),
    searchesCsv: await text(reports.searchesCsv(days, {})),
    coverageCsv: await text(reports.coverageCsv(days)),
    trendDay: await reports.trend(days, 'day'),
    trendWeek: await reports.trend(days, 'week'),
    trendCsv: await text(reports.trendCsv(days, 'week')),
    hints: await reports.hints(days, 100),
    hintsCsv: await text(reports.hintsCsv(days)),
  };
}

async function expectSameReports() {
  for (const days of [1, 2, 7, 30, 90, 365]) expect(await everyReport(rolled, days), `${days} days`).toEqual(await everyReport(raw, days));
}

async function spans(): Promise<string[]> {
  return (await rows<{ span: string }>(db(), sql`
    select to_char(from_day, 'YYYY-MM-DD') || '/' || to_char(to_day, 'YYYY-MM-DD') as span from usage_spans order by 1`)).map((r) => r.span);
}

/** Whether the window's whole days are read from a span summed in advance. */
const readsSpan = async (days: number) => (await usageSource(db(), reportWindow(days, now))).span !== null;

async function staleDays(): Promise<string[]> {
  return (await rows<{ day: string }>(db(), sql`select to_char(day, 'YYYY-MM-DD') as day from usage_rollup_days where stale order by day`)).map((r) => r.day);
}

beforeAll(async () => {
  const more = await Promise.all([t.as('sales'), t.as('sales')]);
  salesIds = await Promise.all([t.sales, ...more].map(userId));
  const fields: Record<string, string | string[]>[] = [
    { personas: 'cfo', stages: 'evaluation' }, { personas: 'cfo', stages: 'awareness' }, { personas: 'cio', stages: 'evaluation' },
    { personas: ['cfo', 'cio'], stages: ['intent', 'purchase'] }, { personas: 'cio', stages: 'interest' }, {},
  ];
  assetIds = [];
  for (const [i, tags] of fields.entries()) assetIds.push(await approvedAsset(t, t.marketing, t.approver, { title: `Rolled ${i}`, ...tags }));
  await db().update(assetTable).set({ approvedAt: ago(200) }).where(eq(assetTable.id, assetIds[4]!));
  await db().update(assetTable).set({ expiresAt: ago(-10) }).where(eq(assetTable.id, assetIds[5]!));
  const kinds = ['view', 'click', 'download', 'share', 'copy_link', 'presented'] as const;
  const events: (typeof usageEvents.$inferInsert)[] = [];
  // A spread over 400 days: repeats by one person on a day, share-link visitors (no user), uncounted handling.
  for (let i = 0; i < 600; i++) {
    const assetId = assetIds[(i * 7) % 5]!;
    const at = ago(((i * 37) % 4000) / 10);
    events.push({ assetId, userId: i % 11 === 0 ? null : salesIds[i % 3]!, kind: kinds[(i * 5) % kinds.length]!, counted: i % 13 !== 0, at });
  }
  // On the edges: exactly at midnights, exactly at the start of the 7- and 30-day windows (outside them) and at
  // their end (inside), a millisecond either side.
  for (const at of [midnight(0), midnight(1), midnight(2), new Date(midnight(3).getTime() - 1), ago(7), new Date(ago(7).getTime() + 1), ago(30), now, ago(1)]) {
    events.push({ assetId: assetIds[1]!, userId: salesIds[0]!, kind: 'download', counted: true, at });
    events.push({ assetId: assetIds[2]!, userId: salesIds[1]!, kind: 'view', counted: true, at });
  }
  await db().insert(usageEvents).values(events);
  const searches: (typeof searchLog.$inferInsert)[] = [];
  for (let i = 0; i < 120; i++) {
    const at = i === 0 ? midnight(4) : ago(((i * 53) % 1200) / 10);
    searches.push({
      userId: salesIds[i % 3]!, query: i % 10 === 0 ? '' : `query ${i % 9}`, filters: i % 4 === 0 ? { persona: ['cfo'], stage: ['evaluation'] } : {},
      resultCount: i % 6 === 0 ? 0 : 3, shownAssetIds: i % 6 === 0 ? [] : [assetIds[i % 6]!, assetIds[(i + 2) % 6]!], counted: i % 17 !== 0,
      at, clickedAt: i % 5 === 1 ? new Date(at.getTime() + 5_000) : null,
    });
  }
  await db().insert(searchLog).values(searches);
  const usage = t.app.services.usage;
  raw = reportService(db(), usage, { now: () => now, rollup: false });
  rolled = reportService(db(), usage, { now: () => now });
});

describe('the daily rollup', () => {
  it('rolls up every day that has ended, and reads it', async () => {
    await rollUpUsage(db(), { now, maxDays: 1_000 });
    const today = now.toISOString().slice(0, 10);
    expect(await staleDays()).toEqual([today]);
    const source = await usageSource(db(), reportWindow(90, now));
    // The whole days inside the window are read from the rollup; the first and the last are partial and read raw.
    expect(source.rolled).toEqual({ from: ago(89).toISOString().slice(0, 10), to: today, except: [] });
    expect(source.rawRanges).toEqual([{ from: new Date(ago(90).getTime() + 1), to: midnight(89) }, { from: midnight(0), to: new Date(now.getTime() + 1) }]);
    // Those days are summed per asset in advance, for this window and each standard one (and the windows before).
    expect(source.span).toEqual({ from: source.rolled.from, to: source.rolled.to });
    expect(await spans()).toEqual(spanRanges(now).map((range) => `${range.from}/${range.to}`).sort());
    expect(spanRanges(now)).toHaveLength(8);
  });

  it('gives every report the same figures as the raw events', { timeout: 120_000 }, expectSameReports);

  it('reads a day again from the raw events when a late event is written for it, until it is rolled up again', async () => {
    const late = ago(10);
    const day = late.toISOString().slice(0, 10);
    const before = (await raw.summary(30)).events.presented;
    await db().insert(usageEvents).values({ assetId: assetIds[3]!, userId: salesIds[2]!, kind: 'presented', counted: true, at: late });
    expect(await staleDays()).toContain(day);
    expect(await readsSpan(30)).toBe(false);
    expect(await readsSpan(7)).toBe(true);
    expect((await rolled.summary(30)).events.presented).toBe(before + 1);
    await expectSameReports();
    await rollUpUsage(db(), { now });
    expect(await staleDays()).not.toContain(day);
    expect(await readsSpan(30)).toBe(true);
    expect((await rolled.summary(30)).events.presented).toBe(before + 1);
    await expectSameReports();
  }, 240_000);

  it('reads a day again when a search of it gets its click later', async () => {
    await rollUpUsage(db(), { now, maxDays: 1_000 });
    const [search] = await rows<{ id: string; day: string }>(db(), sql`
      select id, to_char(at at time zone 'UTC', 'YYYY-MM-DD') as day from search_log
      where clicked_at is null and counted and query <> '' and at < ${midnight(3).toISOString()}::timestamptz and at > ${ago(80).toISOString()}::timestamptz limit 1`);
    await db().update(searchLog).set({ clickedAt: now }).where(eq(searchLog.id, search!.id));
    expect(await staleDays()).toContain(search!.day);
    expect(await readsSpan(90)).toBe(false);
    await expectSameReports();
    await rollUpUsage(db(), { now });
    expect(await readsSpan(90)).toBe(true);
    await expectSameReports();
  }, 240_000);

  it('forgets a deleted asset in the rollup as in the raw events', async () => {
    await db().delete(assetTable).where(eq(assetTable.id, assetIds[0]!));
    // Its days are rolled up again (their totals counted it), and until then read raw.
    expect((await staleDays()).length).toBeGreaterThan(1);
    expect(await readsSpan(90)).toBe(false);
    await expectSameReports();
    await rollUpUsage(db(), { now, maxDays: 1_000 });
    expect(await readsSpan(90)).toBe(true);
    await expectSameReports();
  }, 120_000);

  it('is run by the app as a scheduled job', async () => {
    // An app of its own, with background jobs, and a day to roll up written before it starts them.
    const other = await testApp({ backgroundJobs: true });
    try {
      const otherDb = other.app.services.database.db;
      const owner = await other.app.services.auth.createUser({ email: 'owner@example.com', name: 'Owner', role: 'marketing', password: 'correct horse battery' });
      const [asset] = await otherDb.insert(assetTable).values({ title: 'Rolled by the job', kind: 'document', ownerId: owner.id }).returning();
      await otherDb.insert(usageEvents).values({ assetId: asset!.id, userId: null, kind: 'view', counted: true, at: ago(3) });
      const stale = async () => (await rows<{ n: number }>(otherDb, sql`select count(*)::int as n from usage_rollup_days where stale and day < current_date`))[0]!.n;
      expect(await stale()).toBe(1);
      await other.app.ready();
      await expect.poll(stale, { timeout: 15_000, interval: 200 }).toBe(0);
      expect(await rows(otherDb, sql`select * from usage_daily`)).toHaveLength(1);
    } finally {
      await other.close();
    }
  }, 30_000);
});
