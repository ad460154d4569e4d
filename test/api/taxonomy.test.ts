import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';

const t = useTestApp({ signIn: ['admin', 'marketing'] });

describe('taxonomy', () => {
  it('ships the five facets, with the six buyer-journey stages in order', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/taxonomy', headers: t.marketing });
    const facets = res.json().facets as { key: string; terms: { slug: string }[] }[];
    expect(facets.map((f) => f.key)).toEqual(['persona', 'stage', 'product', 'industry', 'language']);
    expect(facets[1]!.terms.map((term) => term.slug)).toEqual(['awareness', 'interest', 'consideration', 'intent', 'evaluation', 'purchase']);
  });

  it('lets an admin add, rename and delete terms, slugging accents away', async () => {
    const added = await t.app.inject({ method: 'POST', url: '/api/taxonomy/product/terms', headers: t.admin, payload: { label: 'Étoile Analytics' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ slug: 'etoile-analytics', label: 'Étoile Analytics' });
    const dup = await t.app.inject({ method: 'POST', url: '/api/taxonomy/product/terms', headers: t.admin, payload: { label: 'Etoile analytics' } });
    expect(dup.statusCode).toBe(409);
    const renamed = await t.app.inject({ method: 'PATCH', url: '/api/taxonomy/product/terms/etoile-analytics', headers: t.admin, payload: { label: 'Étoile' } });
    expect(renamed.json()).toEqual({ slug: 'etoile-analytics', label: 'Étoile' });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/taxonomy/product/terms/etoile-analytics', headers: t.admin })).statusCode).toBe(204);
  });

  it('refuses to delete a term in use (409) and unknown facets (404)', async () => {
    await upload(t, t.marketing, { personas: 'procurement' });
    const res = await t.app.inject({ method: 'DELETE', url: '/api/taxonomy/persona/terms/procurement', headers: t.admin });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/used by 1 asset/);
    expect((await t.app.inject({ method: 'POST', url: '/api/taxonomy/colour/terms', headers: t.admin, payload: { label: 'Red' } })).statusCode).toBe(404);
  });

  it('is read-only for non-admins', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/taxonomy/persona/terms', headers: t.marketing, payload: { label: 'CTO' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('asset list', () => {
  it('pages with a cursor without repeating or skipping, and filters by facet', async () => {
    for (let i = 0; i < 5; i++) await upload(t, t.marketing, { title: `Paged ${i}`, stages: 'intent' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/assets?stage=intent&limit=2&sort=title${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await t.app.inject({ method: 'GET', url, headers: t.marketing })).json();
      seen.push(...page.items.map((a: { title: string }) => a.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['Paged 0', 'Paged 1', 'Paged 2', 'Paged 3', 'Paged 4']);
  });

  it('answers unknown filter values and out-of-range limits with 400', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/assets?stage=nirvana', headers: t.marketing })).json().message).toMatch(/known: awareness/);
    expect((await t.app.inject({ method: 'GET', url: '/api/assets?limit=500', headers: t.marketing })).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/assets?cursor=garbage', headers: t.marketing })).statusCode).toBe(400);
  });

  it('filters by owner=me and status', async () => {
    const other = await t.as('marketing');
    await upload(t, other, { title: 'Not mine' });
    const mine = (await t.app.inject({ method: 'GET', url: '/api/assets?owner=me&status=draft&limit=200', headers: t.marketing })).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((a: { title: string; status: string }) => a.title !== 'Not mine' && a.status === 'draft')).toBe(true);
  });
});
