import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchLog } from '../../server/db/schema.ts';
import { aMinuteLater } from '../support/clock.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { docx, multipart } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });

interface Hit { asset: { id: string; title: string; status: string; version: { filename: string } }; score: number; snippet: { field: string; text: string; highlights: { start: number; end: number }[] } | null; usage: { last30Days: number } }
interface Result { queryId: string; total: number; hits: Hit[]; facets: Record<string, { value: string; label: string; count: number }[]> }

async function search(headers: Record<string, string>, query: Record<string, string | string[] | number> = {}) {
  return t.app.inject({ method: 'GET', url: '/api/search', headers, query: Object.fromEntries(Object.entries(query).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v])) });
}

async function found(headers: Record<string, string>, query: Record<string, string | string[] | number>): Promise<Result> {
  const res = await search(headers, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const ids = (result: Result) => result.hits.map((h) => h.asset.id);

const post = (url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method: 'POST', url, headers, payload });

describe('matching', () => {
  it('finds an asset by a word of its title, description, tags and file name', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, {
      title: 'Zephyrine onboarding plan', description: 'How quorvantic teams roll out', tags: 'plumbago',
    }, { name: 'xylander-rollout.pdf', content: (await import('../support/files.ts').then((f) => f.pdf())) });
    for (const q of ['zephyrine', 'quorvantic', 'plumbago', 'xylander']) {
      expect(ids(await found(t.sales, { q })), q).toEqual([id]);
    }
  });

  it('finds "Étude de cas" when sales type "etude de cas"', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Étude de cas : Brasserie Lumière', language: 'fr' });
    const result = await found(t.sales, { q: 'etude de cas brasserie lumiere' });
    expect(ids(result)[0]).toBe(id);
    expect(ids(await found(t.sales, { q: 'ÉTUDE DE CAS BRASSERIE' }))[0]).toBe(id);
  });

  it('finds assets by their taxonomy labels ("CFO", "evaluation")', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Kestrelwood board memo', personas: 'cfo', stages: 'evaluation' });
    expect(ids(await found(t.sales, { q: 'kestrelwood CFO' }))).toEqual([id]);
    expect(ids(await found(t.sales, { q: 'evaluation kestrelwood' }))).toEqual([id]);
  });

  it('completes the word being typed', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Marmalux pricing handbook' });
    expect(ids(await found(t.sales, { q: 'marmalux pric' }))).toEqual([id]);
    expect(ids(await found(t.sales, { q: 'marma' }))).toEqual([id]);
    // A finished word (followed by a space) is not completed.
    expect((await found(t.sales, { q: 'marma ' })).total).toBe(0);
  });

  it('tolerates typos, more of them in longer words, none in short ones', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Vellichor cybersecurity overview' });
    expect(ids(await found(t.sales, { q: 'velichor' }))).toEqual([id]); // 8 letters: one typo
    expect(ids(await found(t.sales, { q: 'cybrsecuirty' }))).toEqual([id]); // 12 letters: two typos
    await approvedAsset(t, t.marketing, t.approver, { title: 'Qoph memo' });
    expect((await found(t.sales, { q: 'qopz' })).total).toBe(0); // 4 letters: exact only
  });

  it('ranks assets with all the words above those with some, and exact words above typos', async () => {
    const both = await approvedAsset(t, t.marketing, t.approver, { title: 'Ombrivale rollout', description: 'the tandril checklist' });
    const one = await approvedAsset(t, t.marketing, t.approver, { title: 'Ombrivale Ombrivale Ombrivale', tags: 'ombrivale' });
    expect(ids(await found(t.sales, { q: 'ombrivale tandril' }))).toEqual([both, one]);
    const typo = await approvedAsset(t, t.marketing, t.approver, { title: 'Grendalor guide' });
    const exact = await approvedAsset(t, t.marketing, t.approver, { title: 'Grendalar guide' });
    expect(ids(await found(t.sales, { q: 'grendalar' }))).toEqual([exact, typo]);
  });

  it('finds words inside documents and says so in the snippet, with the words marked', async () => {
    const text = 'Our retention programme cut churn by a third. The halcyonite method pairs every account with a coach.';
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Customer programme' }, { name: 'programme.docx', content: docx([text]) });
    await t.app.services.processing.drain();
    const result = await found(t.sales, { q: 'halcyonite coach' });
    expect(ids(result)).toEqual([id]);
    const { snippet } = result.hits[0]!;
    expect(snippet?.field).toBe('text');
    const marked = snippet!.highlights.map((h) => snippet!.text.slice(h.start, h.end));
    expect(marked).toEqual(['halcyonite', 'coach']);
  });

  it('finds assets by a taxonomy label right after an admin renames it', async () => {
    const admin = await t.as('admin');
    const added = await t.app.inject({ method: 'POST', url: '/api/taxonomy/product/terms', headers: admin, payload: { label: 'Quorvane' } });
    expect(added.statusCode).toBe(201);
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Platform overview', products: 'quorvane' });
    expect(ids(await found(t.sales, { q: 'quorvane' }))).toEqual([id]);
    const renamed = await t.app.inject({ method: 'PATCH', url: '/api/taxonomy/product/terms/quorvane', headers: admin, payload: { label: 'Zephyrine Cloud' } });
    expect(renamed.statusCode).toBe(200);
    const result = await found(t.sales, { q: 'zephyrine cloud' });
    expect(ids(result)[0]).toBe(id);
    expect(result.facets.product).toContainEqual({ value: 'quorvane', label: 'Zephyrine Cloud', count: 1 });
    expect(ids(await found(t.sales, { q: 'quorvane' }))).not.toContain(id);
  });

  it('cuts the snippet of a long document around a word found far into it', async () => {
    const filler = Array.from({ length: 600 }, (_, i) => `Section ${i} covers the usual onboarding steps in detail.`);
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Long handbook' },
      { name: 'handbook.docx', content: docx([...filler, 'Appendix: the quillwort escalation path for outages.']) });
    await t.app.services.processing.drain();
    const { hits } = await found(t.sales, { q: 'quillwort' });
    expect(hits.map((h) => h.asset.id)).toEqual([id]);
    expect(hits[0]!.snippet?.field).toBe('text');
    expect(hits[0]!.snippet?.text).toContain('quillwort escalation path');
  });

  it('shows where a metadata match came from', async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Sorrelmoor Battlecard' });
    const { snippet } = (await found(t.sales, { q: 'sorrelmoor' })).hits[0]!;
    expect(snippet).toEqual({ field: 'title', text: 'Sorrelmoor Battlecard', highlights: [{ start: 0, end: 10 }] });
  });
});

describe('ranking by use', () => {
  it('puts what sales use first among equal matches, and says how often it was used', async () => {
    const used = await approvedAsset(t, t.marketing, t.approver, { title: 'Tamarisk deck' });
    // Approved last, so freshness alone would put it first.
    const unused = await approvedAsset(t, t.marketing, t.approver, { title: 'Tamarisk deck' });
    for (let i = 0; i < 5; i++) {
      expect((await post('/api/events', t.sales, { assetId: used, kind: 'view' })).statusCode).toBe(202);
      aMinuteLater();
    }
    // Marketing's own views are not use.
    for (let i = 0; i < 9; i++) await post('/api/events', t.marketing, { assetId: unused, kind: 'view' });
    await t.app.services.search.refreshUsage();
    const after = await found(t.sales, { q: 'tamarisk' });
    expect(ids(after)).toEqual([used, unused]);
    expect(after.hits.map((h) => h.usage.last30Days)).toEqual([5, 0]);
  });

  it('browses most used first when the query is empty', async () => {
    const popular = await approvedAsset(t, t.marketing, t.approver, { title: 'Popular one' });
    for (let i = 0; i < 20; i++) {
      await post('/api/events', t.sales, { assetId: popular, kind: i % 2 ? 'view' : 'presented' });
      aMinuteLater();
    }
    await t.app.services.search.refreshUsage(true);
    const result = await found(t.sales, {});
    expect(result.hits[0]!.asset.id).toBe(popular);
    expect(result.hits[0]!.snippet).toBeNull();
  });
});

describe('visibility', () => {
  it('never shows sales drafts, assets in review, rejected or archived ones, not even in facet counts', async () => {
    const draft = (await upload(t, t.marketing, { title: 'Quillon draft', personas: 'procurement' })).json().id;
    const inReview = (await upload(t, t.marketing, { title: 'Quillon review', personas: 'procurement' })).json().id;
    await post(`/api/assets/${inReview}/submit`, t.marketing);
    const rejected = (await upload(t, t.marketing, { title: 'Quillon rejected', personas: 'procurement' })).json().id;
    await post(`/api/assets/${rejected}/submit`, t.marketing);
    await post(`/api/assets/${rejected}/reject`, t.approver, { comment: 'no' });
    const archived = await approvedAsset(t, t.marketing, t.approver, { title: 'Quillon archived', personas: 'procurement' });
    await post(`/api/assets/${archived}/archive`, t.approver);
    const live = await approvedAsset(t, t.marketing, t.approver, { title: 'Quillon live', personas: 'procurement' });

    const forSales = await found(t.sales, { q: 'quillon' });
    expect(ids(forSales)).toEqual([live]);
    expect(forSales.facets.persona).toEqual([{ value: 'procurement', label: 'Procurement', count: 1 }]);
    const forMarketing = await found(t.marketing, { q: 'quillon' });
    expect(new Set(ids(forMarketing))).toEqual(new Set([draft, inReview, rejected, archived, live]));
    expect(forMarketing.hits.find((h) => h.asset.id === archived)!.asset.status).toBe('archived');
  });

  it('hides an asset from sales once it expires, without anything being written', async () => {
    const expiresAt = Date.now() + 3000;
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Ephemeralis offer', expiresAt: new Date(expiresAt).toISOString() });
    expect(ids(await found(t.sales, { q: 'ephemeralis' }))).toEqual([id]);
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 50));
    expect((await found(t.sales, { q: 'ephemeralis' })).total).toBe(0);
    expect((await found(t.sales, {})).hits.map((h) => h.asset.id)).not.toContain(id);
    expect(ids(await found(t.marketing, { q: 'ephemeralis' }))).toEqual([id]);
  });

  it('finds an asset approved one request earlier', async () => {
    const id = (await upload(t, t.marketing, { title: 'Brightwater launch kit' })).json().id;
    await post(`/api/assets/${id}/submit`, t.marketing);
    expect((await found(t.sales, { q: 'brightwater' })).total).toBe(0);
    expect((await post(`/api/assets/${id}/approve`, t.approver)).statusCode).toBe(200);
    expect(ids(await found(t.sales, { q: 'brightwater' }))).toEqual([id]);
  });

  it('searches the approved version for sales while a newer version waits for review', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Solution brief' },
      { name: 'azurite-brief.docx', content: docx(['The azurite edition of the brief']) });
    const body = await multipart({}, { name: 'obsidianne-brief.docx', content: docx(['The obsidianne edition of the brief']) });
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload })).statusCode).toBe(201);
    await t.app.services.processing.drain();
    expect(ids(await found(t.sales, { q: 'azurite' }))).toEqual([id]);
    expect((await found(t.sales, { q: 'obsidianne' })).total).toBe(0);
    const hit = (await found(t.sales, { q: 'azurite' })).hits[0]!;
    expect(hit.asset.version.filename).toBe('azurite-brief.docx');
    expect(ids(await found(t.marketing, { q: 'obsidianne' }))).toEqual([id]);
    expect((await found(t.marketing, { q: 'azurite' })).total).toBe(0);
  });

  it('forgets a deleted asset', async () => {
    const id = (await upload(t, t.marketing, { title: 'Vanishing zircon note' })).json().id;
    expect(ids(await found(t.marketing, { q: 'zircon' }))).toEqual([id]);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/assets/${id}`, headers: t.marketing })).statusCode).toBe(204);
    expect((await found(t.marketing, { q: 'zircon' })).total).toBe(0);
  });

  it('answers 401 to anyone not signed in', async () => {
    expect((await search({}, { q: 'x' })).statusCode).toBe(401);
  });

  it('gives each hit the same asset JSON as the asset endpoint, for sales and marketing, before and after processing', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Malachite rollout plan', personas: 'cio', stages: 'intent', tags: 'rollout' },
      { name: 'malachite.docx', content: docx(['Malachite rollout in three waves.']) });
    // A newer version waits for review: sales keep the approved one, marketing see the newest.
    const body = await multipart({}, { name: 'malachite-v2.docx', content: docx(['Malachite rollout, revised.']) });
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload })).statusCode).toBe(201);
    const same = async () => {
      for (const who of [t.sales, t.marketing]) {
        const hit = (await found(who, { q: 'malachite' })).hits.find((h) => h.asset.id === id);
        // The detail adds the version history; the rest is the same asset JSON.
        const { versions: _history, ...detail } = (await t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: who })).json();
        expect(hit?.asset).toEqual(detail);
      }
    };
    await same();
    await t.app.services.processing.drain();
    await same();
  });
});

describe('facets', () => {
  beforeAll(async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Facetta one', personas: 'cfo', stages: 'awareness', language: 'en' });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Facetta two', personas: 'cfo', stages: 'purchase', language: 'fr' });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Facetta three', personas: 'cio', stages: 'purchase', language: 'en' });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Facetta four', personas: ['cfo', 'cio'], stages: 'awareness', language: 'en', industries: 'retail' });
    await upload(t, t.marketing, { title: 'Facetta draft', personas: 'cfo' });
  });

  const counts = (result: Result, facet: string) => Object.fromEntries(result.facets[facet]!.map((v) => [v.value, v.count]));

  it('counts values for the query, and for each facet the other selected filters', async () => {
    const all = await found(t.sales, { q: 'facetta' });
    expect(all.total).toBe(4);
    expect(counts(all, 'persona')).toEqual({ cfo: 3, cio: 2 });
    expect(counts(all, 'kind')).toEqual({ image: 4 });
    const cfo = await found(t.sales, { q: 'facetta', persona: 'cfo' });
    expect(cfo.total).toBe(3);
    // Persona counts ignore the persona selection (what ticking another value would add)…
    expect(counts(cfo, 'persona')).toEqual({ cfo: 3, cio: 2 });
    // …the other facets count within it.
    expect(counts(cfo, 'stage')).toEqual({ awareness: 2, purchase: 1 });
    expect(counts(cfo, 'language')).toEqual({ en: 2, fr: 1 });
    expect(cfo.facets.persona!.find((v) => v.value === 'cfo')!.label).toBe('CFO');
  });

  it('agrees with the hit list: filtering on a value returns as many hits as its count', async () => {
    const base = { q: 'facetta', stage: 'purchase' };
    const result = await found(t.sales, base);
    for (const facet of ['persona', 'language', 'industry', 'kind'] as const) {
      for (const { value, count } of result.facets[facet]!) {
        const narrowed = await found(t.sales, { ...base, [facet]: value });
        expect(narrowed.total, `${facet}=${value}`).toBe(count);
        expect(narrowed.hits).toHaveLength(count);
      }
    }
    // Several values of one facet match any of them.
    expect((await found(t.sales, { q: 'facetta', language: ['en', 'fr'] })).total).toBe(4);
  });
});

describe('bad input', () => {
  it('cuts a very long query instead of refusing it', async () => {
    const result = await found(t.sales, { q: `facetta ${'lorem ipsum '.repeat(600)}` });
    expect(result.hits.length).toBeGreaterThan(0);
    await t.app.services.usage.flush();
    const [logged] = await t.app.services.database.db.select().from(searchLog).where(eq(searchLog.id, result.queryId));
    expect(logged!.query.length).toBeLessThanOrEqual(200);
  });

  it('takes punctuation alone as an empty query and copes with unbalanced quotes', async () => {
    expect((await found(t.sales, { q: '!!! ?? ... "' })).total).toBeGreaterThan(0);
    expect((await found(t.sales, { q: '"facetta one' })).hits[0]!.asset.title).toBe('Facetta one');
    expect((await found(t.sales, { q: '"""' })).total).toBeGreaterThan(0);
  });

  it('refuses an unknown filter value with 400, naming the valid ones', async () => {
    const res = await search(t.sales, { q: 'x', persona: 'cfoo' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'UNKNOWN_FILTER_VALUE' });
    expect(res.json().message).toContain('"cfoo"');
    expect(res.json().message).toContain('cfo, cio, head-of-sales');
    const kind = await search(t.sales, { kind: 'hologram' });
    expect(kind.statusCode).toBe(400);
    expect(kind.json().message).toContain('document, presentation, spreadsheet');
  });

  it.each([['limit', 0], ['limit', 101], ['offset', -1], ['offset', 1001], ['limit', 'ten']])('refuses %s=%s with 400', async (name, value) => {
    const res = await search(t.sales, { [name]: String(value) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.json().message).toContain(name);
  });

  it('pages through results with limit and offset', async () => {
    const first = await found(t.sales, { q: 'facetta', limit: 2 });
    const second = await found(t.sales, { q: 'facetta', limit: 2, offset: 2 });
    expect(first.hits).toHaveLength(2);
    expect(second.hits).toHaveLength(2);
    expect(new Set([...ids(first), ...ids(second)]).size).toBe(4);
  });
});

describe('search log', () => {
  it('logs every search with its user, query, filters and result count, and the hit opened from it', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Logbook lantern', personas: 'cfo' });
    const result = await found(t.sales, { q: 'lantern', persona: 'cfo' });
    // Searches are logged in small batches off the response path.
    await t.app.services.usage.flush();
    const db = t.app.services.database.db;
    const [logged] = await db.select().from(searchLog).where(eq(searchLog.id, result.queryId));
    expect(logged).toMatchObject({ query: 'lantern', filters: { persona: ['cfo'] }, resultCount: 1, clickedAssetId: null });
    expect((await post('/api/events', t.sales, { assetId: id, kind: 'click', queryId: result.queryId })).statusCode).toBe(202);
    await t.app.services.usage.flush();
    const [clicked] = await db.select().from(searchLog).where(eq(searchLog.id, result.queryId));
    expect(clicked!.clickedAssetId).toBe(id);
    expect(clicked!.clickedAt).toBeInstanceOf(Date);
    const zero = await found(t.sales, { q: 'nothingmatchesthis' });
    await t.app.services.usage.flush();
    const [none] = await db.select().from(searchLog).where(eq(searchLog.id, zero.queryId));
    expect(none!.resultCount).toBe(0);
  });
});

describe('suggest', () => {
  it('completes the word being typed from assets the user may see', async () => {
    await approvedAsset(t, t.marketing, t.approver, { title: 'Pinecrest Integration Guide' });
    await upload(t, t.marketing, { title: 'Pinecrest Integrity secret draft' });
    const res = await t.app.inject({ method: 'GET', url: '/api/search/suggest?q=pinecrest%20integ', headers: t.sales });
    expect(res.statusCode).toBe(200);
    const { suggestions } = res.json();
    expect(suggestions).toContain('pinecrest integration');
    expect(suggestions).toContain('Pinecrest Integration Guide');
    expect(suggestions.join(' ')).not.toMatch(/integrity|secret/i);
  });

  it('suggests taxonomy labels', async () => {
    const { suggestions } = (await t.app.inject({ method: 'GET', url: '/api/search/suggest?q=evalu', headers: t.sales })).json();
    expect(suggestions).toContain('Evaluation');
  });
});

describe('fairness', () => {
  it('slows down one user flooding search without slowing anyone else', async () => {
    const flooder = await t.as('sales');
    let limited = 0;
    for (let i = 0; i < 620 && limited === 0; i++) {
      const res = await search(flooder, { q: 'facetta' });
      if (res.statusCode === 429) {
        limited++;
        expect(res.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
        expect(res.headers['retry-after']).toBeDefined();
      }
    }
    expect(limited).toBe(1);
    expect((await search(t.sales, { q: 'facetta' })).statusCode).toBe(200);
  }, 60_000);
});
