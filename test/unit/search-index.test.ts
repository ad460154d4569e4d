import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndexedAsset, SearchFilters, SearchRequest } from '../../server/search/index.ts';
import { MemorySearchIndex } from '../../server/search/memory-index.ts';
import { parseQuery } from '../../server/search/query-parser.ts';
import { typosAllowed } from '../../server/search/query-plan.ts';
import { readSnapshot, writeSnapshot } from '../../server/search/snapshot-file.ts';
import { snippet } from '../../server/search/snippets.ts';
import { packTextTerms } from '../../server/search/text-terms.ts';

const NOW = Date.UTC(2026, 0, 15);

function asset(id: string, fields: Partial<IndexedAsset> & { text?: string | null; sales?: boolean } = {}): IndexedAsset {
  const version = { id: `${id}-v1`, filename: `${id}.pdf`, text: fields.text ?? null };
  return {
    id, title: fields.title ?? id, description: fields.description ?? '', tags: fields.tags ?? [], kind: fields.kind ?? 'document',
    terms: fields.terms ?? [], expiresAt: fields.expiresAt ?? null, freshAt: fields.freshAt ?? NOW,
    staffVersion: fields.staffVersion ?? version, salesVersion: fields.salesVersion !== undefined ? fields.salesVersion : fields.sales === false ? null : version,
    fingerprint: fields.fingerprint ?? `${id}:${fields.title ?? id}`,
  };
}

function request(q: string, more: Partial<SearchRequest> = {}): SearchRequest {
  return { query: parseQuery(q), audience: 'sales', filters: {}, limit: 20, offset: 0, now: NOW, ...more };
}

const ids = (index: MemorySearchIndex, q: string, more: Partial<SearchRequest> = {}) => index.query(request(q, more)).hits.map((h) => h.assetId);

describe('matching and ranking', () => {
  it('ranks the title above the body, and typo corrections below everything found as typed', () => {
    const index = new MemorySearchIndex();
    index.index(asset('body', { text: 'a long text that mentions onboarding once among many other words of prose' }));
    index.index(asset('title', { title: 'Onboarding checklist' }));
    index.index(asset('completion', { title: 'Onboardingkit' }));
    index.index(asset('typo', { title: 'Onbaording plan' }));
    expect(ids(index, 'onboarding ')).toEqual(['title', 'body', 'typo']);
    // Still being typed: a completion in a title ranks with title matches.
    expect(ids(index, 'onboarding')).toEqual(['title', 'completion', 'body', 'typo']);
  });

  it('scales typo tolerance with word length, counting a swap of two letters as one typo', () => {
    expect([typosAllowed('deck'), typosAllowed('pricing'), typosAllowed('integration')]).toEqual([0, 1, 2]);
    const index = new MemorySearchIndex();
    index.index(asset('a', { title: 'Security overview' }));
    expect(ids(index, 'secruity ')).toEqual(['a']);
    expect(ids(index, 'sceurity ')).toEqual(['a']);
    expect(ids(index, 'scuerity ')).toEqual([]);
  });

  it('does not complete a word being typed that is already common as typed, except for suggestions', () => {
    const index = new MemorySearchIndex();
    // "new" in a third of 1,200 documents; "newsletter" in a few others.
    for (let i = 0; i < 1_200; i++) index.index(asset(`a${i}`, { title: i % 3 === 0 ? `New offer ${i}` : `Offer ${i}` }));
    for (let i = 0; i < 3; i++) index.index(asset(`n${i}`, { title: `Newsletter ${i}` }));
    const found = (q: string, more: Partial<SearchRequest> = {}) => index.query(request(q, { limit: 2_000, ...more }));
    expect(found('new').total).toBe(400);
    expect(found('new').matched[0]!.terms).toEqual(['new']);
    expect(found('new', { completeAll: true }).total).toBe(403);
    expect(found('newsl').total).toBe(3);
    // In a small index every prefix is completed.
    const small = new MemorySearchIndex();
    small.index(asset('x', { title: 'New offer' }));
    small.index(asset('y', { title: 'Newsletter' }));
    expect(small.query(request('new')).total).toBe(2);
  });

  it('lets use reorder comparable matches but never lift a weak match over a strong one', () => {
    const index = new MemorySearchIndex();
    index.index(asset('strong', { title: 'Pricing guide' }));
    index.index(asset('weak', { title: 'Guide', text: 'pricing mentioned once in a longer text about many other subjects entirely' }));
    index.index(asset('twin', { title: 'Pricing guide' }));
    index.setUsage(new Map([['weak', { decayed: 500, last30Days: 500, people30Days: 1 }], ['twin', { decayed: 20, last30Days: 20, people30Days: 1 }]]));
    expect(ids(index, 'pricing ')).toEqual(['twin', 'strong', 'weak']);
    expect(index.query(request('pricing ')).hits[0]!.usage.last30Days).toBe(20);
  });

  it('browses most used first when nothing is typed', () => {
    const index = new MemorySearchIndex();
    for (const id of ['a', 'b', 'c']) index.index(asset(id));
    index.setUsage(new Map([['b', { decayed: 9, last30Days: 9, people30Days: 1 }], ['c', { decayed: 2, last30Days: 2, people30Days: 1 }]]));
    expect(ids(index, '')).toEqual(['b', 'c', 'a']);
  });
});

describe('all the words, and words that name no thing', () => {
  it('puts hits matching every word first, even a common word, and counts the rest', () => {
    const index = new MemorySearchIndex();
    // "report" in most documents is a weak word: it only adds to documents "quarzite" found.
    for (let i = 0; i < 60; i++) index.index(asset(`filler${i}`, { text: `the yearly report number ${i}` }));
    index.index(asset('all', { title: 'Notes', text: 'quarzite mentioned once in the report' }));
    index.index(asset('some', { title: 'Quarzite quarzite', tags: ['quarzite'] }));
    const outcome = index.query(request('quarzite report '));
    expect(outcome.hits.map((h) => [h.assetId, h.matchesAll])).toEqual([['all', true], ['some', false]]);
    expect(outcome.partialCount).toBe(1);
    // Paged: the count is of the whole result, not the page.
    expect(index.query(request('quarzite report ', { limit: 1 })).partialCount).toBe(1);
    expect(index.query(request('')).partialCount).toBe(0);
  });

  it('counts a word that matches nothing against every hit', () => {
    const index = new MemorySearchIndex();
    index.index(asset('a', { title: 'Walrus pricing' }));
    const outcome = index.query(request('walrus zzyzx '));
    expect(outcome.hits.map((h) => h.matchesAll)).toEqual([false]);
    expect(outcome.partialCount).toBe(1);
  });

  it('finds a bare number or single letter in titles and tags, never in document text, and does not require it', () => {
    const index = new MemorySearchIndex();
    index.index(asset('titled', { title: 'SOC 2 Type II report' }));
    index.index(asset('soc-text', { title: 'Security overview', text: 'our SOC audit covers access control. Page 2 of 3' }));
    index.index(asset('page-only', { title: 'Onboarding checklist', text: 'welcome aboard. Page 2 of 3' }));
    index.index(asset('tagged', { title: 'Plan', tags: ['2'] }));
    const soc = index.query(request('SOC 2'));
    expect(soc.hits.map((h) => [h.assetId, h.matchesAll])).toEqual([['titled', true], ['soc-text', true]]);
    expect(soc.partialCount).toBe(0);
    expect(ids(index, '2')).toEqual(['titled', 'tagged']);
    expect(ids(index, '"2"')).toEqual(['titled', 'tagged']);
    expect(ids(index, 'onboarding a ')).toEqual(['page-only']);
    // Four digits is a year or a standard, a word like any other.
    index.index(asset('year', { title: 'Outlook', text: 'plans for 2027 and beyond' }));
    expect(ids(index, '2027 ')).toEqual(['year']);
  });
});

describe('visibility', () => {
  it('shows sales the approved version and staff the newest one', () => {
    const index = new MemorySearchIndex();
    index.index(asset('a', {
      staffVersion: { id: 'v2', filename: 'new.pdf', text: 'draft wording obsidian' },
      salesVersion: { id: 'v1', filename: 'old.pdf', text: 'approved wording azurite' },
    }));
    expect(ids(index, 'azurite ')).toEqual(['a']);
    expect(ids(index, 'obsidian ')).toEqual([]);
    expect(ids(index, 'obsidian ', { audience: 'staff' })).toEqual(['a']);
    expect(index.query(request('azurite ')).hits[0]!.versionId).toBe('v1');
  });

  it('hides an asset from sales once its expiry passes, with no write in between', () => {
    const index = new MemorySearchIndex();
    index.index(asset('a', { title: 'Offer', expiresAt: NOW + 1000 }));
    expect(ids(index, 'offer ', { now: NOW + 999 })).toEqual(['a']);
    expect(ids(index, 'offer ', { now: NOW + 1000 })).toEqual([]);
    expect(ids(index, '', { now: NOW + 5000 })).toEqual([]);
    expect(ids(index, 'offer ', { now: NOW + 5000, audience: 'staff' })).toEqual(['a']);
  });

  it('keeps one live copy of an asset however often it is re-indexed, and sweeps the old ones', () => {
    const index = new MemorySearchIndex();
    index.index(asset('other', { title: 'Steady' }));
    for (let i = 0; i < 2_500; i++) index.index(asset('a', { title: `Revision ${i % 2 ? 'odd' : 'even'}` }));
    expect(index.documents).toBe(2);
    expect(ids(index, 'revision ')).toEqual(['a']);
    expect(ids(index, 'odd ')).toEqual(['a']);
    expect(ids(index, 'even ')).toEqual([]);
    expect(ids(index, 'steady ')).toEqual(['other']);
    index.remove('a');
    expect(ids(index, 'revision ')).toEqual([]);
    expect(index.size).toBe(1);
  });
});

describe('building at boot', () => {
  const WORDS = ['étude', 'pricing', 'roi', 'sécurité', 'datasheet', 'onboarding', 'straße', '日本語', 'cfo', 'q3', '½'];
  const text = (i: number) => Array.from({ length: 40 + (i % 30) }, (_, k) => WORDS[(i * 7 + k * k) % WORDS.length]).join(k(i));
  const k = (i: number) => (i % 3 ? ' ' : ', ');
  const assets = (bytes: boolean) => Array.from({ length: 450 }, (_, i) => {
    const value = text(i);
    const version = { id: `v${i}`, filename: `file-${i}.pdf`, text: bytes ? new TextEncoder().encode(value) : value };
    return asset(`a${i}`, { title: `Asset ${WORDS[i % WORDS.length]} ${i}`, staffVersion: version, salesVersion: version });
  });
  async function* batches(list: IndexedAsset[]) {
    yield list.slice(0, 300);
    yield list.slice(300);
  }

  it('gives the same answers from tokenizer threads reading UTF-8 bytes as from indexing one asset at a time', async () => {
    const threaded = new MemorySearchIndex();
    expect(await threaded.indexMany(batches(assets(true)))).toBe(450);
    const single = new MemorySearchIndex();
    for (const a of assets(false)) single.index(a);
    expect(threaded.documents).toBe(450);
    // The same matches; ranks may differ a little, as a build judges text length by the average so far.
    const matches = (index: MemorySearchIndex, q: string) => index.query(request(q, { limit: 500 })).hits.map((h) => h.assetId).sort();
    for (const q of ['etude', 'securite roi', 'strasse', '日本語', 'pric', 'datashet', 'asset cfo', 'q3 onboarding']) {
      expect(matches(threaded, q), q).toEqual(matches(single, q));
      expect(matches(threaded, q).length, q).toBeGreaterThan(0);
    }
    expect(threaded.query(request('asset 7')).hits[0]!.assetId).toBe('a7');
  });

  it('gives the same answers and scores from the terms processing stored as from the text', async () => {
    const withTerms = (a: IndexedAsset, bytes: boolean): IndexedAsset => {
      const terms = packTextTerms(a.staffVersion.text as string)!;
      const version = { ...a.staffVersion, text: null, terms: bytes ? new TextEncoder().encode(terms) : terms };
      return { ...a, staffVersion: version, salesVersion: version };
    };
    const fromText = new MemorySearchIndex();
    const fromTerms = new MemorySearchIndex();
    for (const a of assets(false)) {
      fromText.index(a);
      fromTerms.index(withTerms(a, false));
    }
    const threaded = new MemorySearchIndex();
    await threaded.indexMany(batches(assets(false).map((a) => withTerms(a, true))));
    const scored = (index: MemorySearchIndex, q: string) => index.query(request(q, { limit: 500 })).hits.map((h) => [h.assetId, h.score]);
    const matches = (index: MemorySearchIndex, q: string) => index.query(request(q, { limit: 500 })).hits.map((h) => h.assetId).sort();
    for (const q of ['etude', 'securite roi', 'strasse', '日本語', 'pric', 'datashet', 'asset cfo', 'q3 onboarding', '½ roi']) {
      expect(scored(fromTerms, q), q).toEqual(scored(fromText, q));
      expect(matches(threaded, q), q).toEqual(matches(fromText, q));
    }
    for (const q of ['roi', '½']) expect(scored(fromText, q).length, q).toBeGreaterThan(0);
  });

  it('indexes damaged stored terms as well as it can, never the same word twice for one document', () => {
    const index = new MemorySearchIndex();
    const version = { id: 'v1', filename: 'notes.pdf', text: null, terms: 't1 x\n0 alpha alpha\nzz beta\n\n2 alpha gamma' };
    index.index(asset('a1', { title: 'Notes', staffVersion: version, salesVersion: version }));
    for (const q of ['alpha', 'beta', 'gamma']) expect(ids(index, q), q).toEqual(['a1']);
    expect(index.query(request('alpha')).total).toBe(1);
  });

  it('replaces most of an index in one bulk build, as a catch-up after a long downtime does', async () => {
    const index = new MemorySearchIndex();
    const many = (edition: string) => Array.from({ length: 2_600 }, (_, i) => asset(`a${i}`, { title: `${edition} sheet ${i}`, text: `${edition} notes ${WORDS[i % WORDS.length]}` }));
    for (const a of many('first')) index.index(a);
    // Replacing them leaves thousands of dead documents, which would be compacted mid-build.
    async function* inBatches(list: IndexedAsset[]) {
      for (let i = 0; i < list.length; i += 500) yield list.slice(i, i + 500);
    }
    expect(await index.indexMany(inBatches(many('second')))).toBe(2_600);
    expect(index.documents).toBe(2_600);
    expect(index.query(request('first', { limit: 1 })).total).toBe(0);
    expect(index.query(request('second notes', { limit: 1 })).total).toBe(2_600);
    expect(index.query(request('sheet 2599')).hits[0]!.assetId).toBe('a2599');
  });
});

describe('saved and restored', () => {
  const WORDS = ['étude', 'pricing', 'roi', 'sécurité', 'datasheet', 'onboarding', 'cfo', 'q3', 'renewal', 'security'];
  const PERSONAS = ['cfo', 'cio', 'buyer'];
  const build = () => {
    const index = new MemorySearchIndex();
    for (let i = 0; i < 120; i++) {
      const version = { id: `v${i}`, filename: `file-${i}.pdf`, text: Array.from({ length: 30 + (i % 17) }, (_, k) => WORDS[(i * 3 + k * k) % WORDS.length]).join(' ') };
      const newer = { id: `v${i}b`, filename: `file-${i}-v2.pdf`, text: `${version.text} addendum` };
      index.index(asset(`a${i}`, {
        title: `Asset ${WORDS[i % WORDS.length]} ${i}`, tags: i % 4 ? [] : ['q3 launch'], kind: i % 5 ? 'document' : 'video',
        terms: [{ facet: 'persona', slug: PERSONAS[i % 3]!, label: PERSONAS[i % 3]!.toUpperCase() }],
        expiresAt: i % 11 === 0 ? NOW - 1 : null, freshAt: NOW - i * 86_400_000,
        // Some wait for review with a newer version; some are drafts sales never see.
        staffVersion: i % 7 === 0 ? newer : version, salesVersion: i % 9 === 0 ? null : version,
      }));
    }
    for (let i = 0; i < 120; i += 10) index.remove(`a${i}`);
    index.setUsage(new Map([['a3', { decayed: 5, last30Days: 5, people30Days: 1 }]]));
    return index;
  };
  const QUERIES: [string, Partial<SearchRequest>][] = [
    ['pricing', {}], ['etude securite', {}], ['renew', {}], ['secruity', {}], ['asset 7', { audience: 'staff' }], ['addendum', { audience: 'staff' }],
    ['', {}], ['roi', { filters: { persona: ['cfo'] } }], ['q3', { filters: { tag: ['q3 launch'], kind: ['document'] } }],
  ];

  async function savedAndRestored(index: MemorySearchIndex): Promise<MemorySearchIndex> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ch-snapshot-')), 'index.snapshot');
    await writeSnapshot(file, index.snapshot());
    const restored = new MemorySearchIndex();
    restored.restore((await readSnapshot(file))!);
    restored.setUsage(new Map([['a3', { decayed: 5, last30Days: 5, people30Days: 1 }]]));
    fs.rmSync(path.dirname(file), { recursive: true });
    return restored;
  }

  it('answers every query as the index it was saved from, and goes on indexing the same way', async () => {
    const original = build();
    const restored = await savedAndRestored(original);
    expect(restored.size).toBe(original.size);
    expect([...restored.assetIds()].sort()).toEqual([...original.assetIds()].sort());
    expect(restored.fingerprint('a5')).toBe(original.fingerprint('a5'));
    for (const [q, more] of QUERIES) {
      expect(original.query(request(q, more)).total, q).toBeGreaterThan(0);
      expect(restored.query(request(q, more)), q).toEqual(original.query(request(q, more)));
    }
    for (const index of [original, restored]) {
      index.index(asset('late', { title: 'Late renewal playbook', text: 'renewal security pricing' }));
      index.remove('a5');
    }
    for (const [q, more] of [...QUERIES, ['late renewal', {}] as const]) expect(restored.query(request(q, more)), q).toEqual(original.query(request(q, more)));
  });

  it('forgets everything when cleared, and indexes afresh as a new index would', () => {
    const index = build();
    index.clear();
    expect(index.size).toBe(0);
    expect(index.terms).toBe(0);
    expect(index.query(request('pricing')).total).toBe(0);
    const fresh = new MemorySearchIndex();
    for (const target of [index, fresh]) target.index(asset('again', { title: 'Pricing again', text: 'renewal pricing' }));
    for (const q of ['pricing', 'renew', 'pricng']) expect(index.query(request(q)), q).toEqual(fresh.query(request(q)));
  });

  it('refuses a snapshot whose parts do not fit, and stays empty', async () => {
    const data = build().snapshot();
    const broken = new MemorySearchIndex();
    expect(() => broken.restore({ ...data, lines: { ...data.lines, assetOf: data.lines.assetOf!.slice(1) } })).toThrow(/assetOf/);
    expect(broken.size).toBe(0);
    expect(broken.terms).toBe(0);
    expect(() => broken.restore({ ...data, arrays: { ...data.arrays, codePool: new Int32Array([999]) } })).toThrow(/facet codes/);
    broken.restore(data);
    expect(broken.size).toBe(108);
  });
});

describe('facets', () => {
  const PERSONAS = ['cfo', 'cio', 'buyer'];
  const STAGES = ['awareness', 'purchase'];
  const LANGUAGES = ['en', 'fr'];
  const WORDS = ['alpha', 'beta', 'gamma'];

  const arbitraryAsset = fc.record({
    personas: fc.subarray(PERSONAS), stages: fc.subarray(STAGES), language: fc.constantFrom(...LANGUAGES),
    kind: fc.constantFrom('document', 'image'), words: fc.subarray(WORDS, { minLength: 1 }), sales: fc.boolean(), expired: fc.boolean(),
  });

  it('counts each facet against the query and the other facets\' filters, agreeing with the hits', () => {
    fc.assert(fc.property(
      fc.array(arbitraryAsset, { minLength: 1, maxLength: 120 }),
      fc.constantFrom('', ...WORDS),
      fc.record({ persona: fc.subarray(PERSONAS), language: fc.subarray(LANGUAGES), kind: fc.subarray(['document', 'image']) }),
      (assets, q, filters) => {
        const index = new MemorySearchIndex();
        assets.forEach((a, i) => index.index(asset(`a${i}`, {
          title: a.words.join(' '), kind: a.kind, sales: a.sales, expiresAt: a.expired ? NOW - 1 : null,
          terms: [...a.personas.map((slug) => ({ facet: 'persona' as const, slug, label: slug })), ...a.stages.map((slug) => ({ facet: 'stage' as const, slug, label: slug })),
            { facet: 'language' as const, slug: a.language, label: a.language }],
        })));
        const selected: SearchFilters = Object.fromEntries(Object.entries(filters).filter(([, v]) => v.length));
        const result = index.query(request(q ? `${q} ` : '', { filters: selected, limit: 100 }));
        const valuesOf = (a: (typeof assets)[number], facet: string): string[] =>
          facet === 'persona' ? a.personas : facet === 'stage' ? a.stages : facet === 'language' ? [a.language] : [a.kind];
        const visible = assets.filter((a) => a.sales && !a.expired && (!q || a.words.includes(q)));
        const passes = (a: (typeof assets)[number], except?: string) =>
          Object.entries(selected).every(([facet, values]) => facet === except || valuesOf(a, facet).some((v) => values!.includes(v)));
        expect(result.total).toBe(visible.filter((a) => passes(a)).length);
        expect(result.hits).toHaveLength(Math.min(100, result.total));
        for (const facet of ['persona', 'stage', 'language', 'kind'] as const) {
          const expected = new Map<string, number>();
          for (const a of visible) if (passes(a, facet)) for (const v of valuesOf(a, facet)) expected.set(v, (expected.get(v) ?? 0) + 1);
          const got = new Map(result.facets[facet].filter((c) => c.count > 0).map((c) => [c.value, c.count]));
          expect(got, facet).toEqual(expected);
        }
      },
    ), { numRuns: 80 });
  });
});

describe('snippets', () => {
  const matched = [{ word: 'pricing', terms: ['pricing'] }, { word: 'cfo', terms: ['cfo'] }];

  it('picks the field with the most query words and locates them', () => {
    const result = snippet({ title: 'Pricing deck', description: 'For the CFO: pricing explained' }, matched);
    expect(result).toEqual({ field: 'description', text: 'For the CFO: pricing explained', highlights: [{ start: 8, end: 11 }, { start: 13, end: 20 }] });
  });

  it('cuts a window of a long text around the densest matches', () => {
    const filler = 'lorem ipsum dolor sit amet '.repeat(200);
    const text = `${filler}what the CFO asks about pricing first ${filler}`;
    const result = snippet({ text }, matched)!;
    expect(result.field).toBe('text');
    expect(result.text.length).toBeLessThan(260);
    expect(result.highlights.map((h) => result.text.slice(h.start, h.end))).toEqual(['CFO', 'pricing']);
    expect(result.text.startsWith('… ')).toBe(true);
  });

  it('marks accented words found through their folded form', () => {
    const result = snippet({ title: 'Étude de cas' }, [{ word: 'etude', terms: ['etude'] }])!;
    expect(result.text.slice(result.highlights[0]!.start, result.highlights[0]!.end)).toBe('Étude');
  });

  it('has nothing to show when nothing matched', () => {
    expect(snippet({ title: 'Unrelated' }, matched)).toBeNull();
  });
});
