import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchLog } from '../../server/db/schema.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset } from '../support/assets.ts';
import { docx } from '../support/files.ts';

// Which hits match every word of a query, which only some, and which words have to match at all.

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });

interface Hit { asset: { id: string; title: string }; matchesAll: boolean; snippet: { field: string; text: string; highlights: { start: number; end: number }[] } | null }
interface Result { queryId: string; query: string; total: number; partialCount: number; hits: Hit[] }

async function found(query: Record<string, string>): Promise<Result> {
  const res = await t.app.inject({ method: 'GET', url: '/api/search', headers: t.sales, query: { limit: '100', ...query } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const ids = (result: Result) => result.hits.map((h) => h.asset.id);

describe('every word, or some', () => {
  it('puts the hits matching every word first and says which match only some, and how many', async () => {
    const some1 = await approvedAsset(t, t.marketing, t.approver, { title: 'Walrus onboarding', tags: 'walrus' });
    const all1 = await approvedAsset(t, t.marketing, t.approver, { title: 'Walrus pricing guide' });
    const some2 = await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing calculator for walruses' });
    const all2 = await approvedAsset(t, t.marketing, t.approver, { title: 'Onboarding', description: 'walrus pricing, explained' });
    const result = await found({ q: 'walrus pricing' });
    expect(result.total).toBe(4);
    expect(result.partialCount).toBe(2);
    expect(result.hits.map((h) => h.matchesAll)).toEqual([true, true, false, false]);
    expect(new Set(ids(result).slice(0, 2))).toEqual(new Set([all1, all2]));
    expect(new Set(ids(result).slice(2))).toEqual(new Set([some1, some2]));
    // The count is of the whole result, whatever the page.
    const page = await found({ q: 'walrus pricing', limit: '1', offset: '3' });
    expect(page.partialCount).toBe(2);
    expect(page.hits[0]!.matchesAll).toBe(false);
  });

  it('says every hit matches all when there is one word, or none', async () => {
    const one = await found({ q: 'walrus' });
    expect(one.partialCount).toBe(0);
    expect(one.hits.every((h) => h.matchesAll)).toBe(true);
    const browse = await found({});
    expect(browse.partialCount).toBe(0);
    expect(browse.hits.every((h) => h.matchesAll)).toBe(true);
  });

  it('documents the fields in the OpenAPI schema', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const text = res.body;
    expect(text).toContain('partialCount');
    expect(text).toContain('matchesAll');
    expect(text).toContain('people30Days');
  });
});

describe('bare numbers and single letters', () => {
  let titled: string;
  let socInText: string;
  let pageNumbersOnly: string;

  beforeAll(async () => {
    titled = await approvedAsset(t, t.marketing, t.approver, { title: 'SOC 2 Type II report' });
    socInText = await approvedAsset(t, t.marketing, t.approver, { title: 'Security overview' },
      { name: 'security.docx', content: docx(['Our SOC audit covers access control and encryption.', 'Page 2 of 3']) });
    pageNumbersOnly = await approvedAsset(t, t.marketing, t.approver, { title: 'Kiwi onboarding checklist' },
      { name: 'checklist.docx', content: docx(['Welcome aboard.', 'Page 2 of 3']) });
    await approvedAsset(t, t.marketing, t.approver, { title: 'Reference sheet' },
      { name: 'sheet.docx', content: docx(['Section 2 explains step 2 in 2 minutes.', 'Page 2 of 3']) });
    await t.app.services.processing.drain();
  });

  it('does not match "SOC 2" to every document with a page 2', async () => {
    const result = await found({ q: 'SOC 2' });
    expect(ids(result)).toEqual([titled, socInText]);
    expect(result.partialCount).toBe(0);
    // Its snippet marks SOC, not the page number.
    const { snippet } = result.hits[1]!;
    expect(snippet?.field).toBe('text');
    expect(snippet!.highlights.map((h) => snippet!.text.slice(h.start, h.end))).toEqual(['SOC']);
  });

  it('finds a bare number alone in titles and tags, not in the text of documents', async () => {
    expect(ids(await found({ q: '2' }))).toEqual([titled]);
    expect(ids(await found({ q: '"2" ' }))).toEqual([titled]);
    expect(ids(await found({ q: 'kiwi 2 ' }))).toEqual([pageNumbersOnly]);
  });
});

describe('punctuation alone', () => {
  it.each(['*', '---', '?!', '" "'])('answers %s as no query at all, and logs it so', async (q) => {
    const none = await found({});
    const result = await found({ q });
    expect(result.query).toBe('');
    expect(result.total).toBe(none.total);
    expect(ids(result)).toEqual(ids(none));
    await t.app.services.usage.flush();
    const [logged] = await t.app.services.database.db.select().from(searchLog).where(eq(searchLog.id, result.queryId));
    expect(logged!.query).toBe('');
  });

  it('says the query as understood', async () => {
    expect((await found({ q: '  walrus   pricing ' })).query).toBe('walrus pricing');
  });
});
