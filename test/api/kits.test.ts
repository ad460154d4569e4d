// Pitch kits: named, ordered sets of live assets, personal or shared with the team, shared as one link; an archived
// asset drops out with a note to the kit's owner.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales', 'admin'] });
let ids: Record<'deck' | 'sheet' | 'story', string>;
let otherSales: Record<string, string>;

beforeAll(async () => {
  ids = {
    deck: await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing deck' }),
    sheet: await approvedAsset(t, t.marketing, t.approver, { title: 'Datasheet' }),
    story: await approvedAsset(t, t.marketing, t.approver, { title: 'Customer story' }),
  };
  otherSales = await t.as('sales', 'robin@example.com');
});

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload && { payload }) });

async function kit(body: Record<string, unknown>, headers = t.sales) {
  const res = await api('POST', '/api/collections', headers, { name: 'CFO — evaluation', assetIds: [ids.deck, ids.sheet], ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

describe('pitch kits', () => {
  it('keeps a named, ordered set of live assets, and refuses ones the owner cannot see or bad fields', async () => {
    const created = await kit({ assetIds: [ids.sheet, ids.deck] });
    expect(created).toMatchObject({ name: 'CFO — evaluation', shared: false, assetIds: [ids.sheet, ids.deck], mayEdit: true, dropped: [] });
    const draft: string = (await upload(t, t.marketing, { title: 'Draft' })).json().id;
    expect((await api('POST', '/api/collections', t.sales, { name: 'X', assetIds: [draft] })).statusCode).toBe(404);
    const blank = await api('POST', '/api/collections', t.sales, { name: '', assetIds: [] });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().message).toContain('name');
  });

  it('shows personal kits to their owner and shared ones to the team; only the owner or marketing edits them', async () => {
    const personal = await kit({ name: 'Mine' });
    const team = await kit({ name: 'For everyone', shared: true });
    const seen = (await api('GET', '/api/collections', otherSales)).json().items.map((k: { id: string }) => k.id);
    expect(seen).toContain(team.id);
    expect(seen).not.toContain(personal.id);
    expect((await api('GET', `/api/collections/${personal.id}`, otherSales)).statusCode).toBe(404);
    expect((await api('PATCH', `/api/collections/${team.id}`, otherSales, { name: 'Taken over' })).statusCode).toBe(403);
    const edited = await api('PATCH', `/api/collections/${team.id}`, t.marketing, { assetIds: [ids.story, ids.deck] });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().assetIds).toEqual([ids.story, ids.deck]);
    expect((await api('PATCH', `/api/collections/${team.id}`, t.marketing, { shared: false })).statusCode).toBe(403);
    expect((await api('DELETE', `/api/collections/${team.id}`, otherSales)).statusCode).toBe(403);
    expect((await api('DELETE', `/api/collections/${personal.id}`, t.sales)).statusCode).toBe(204);
    expect((await api('GET', `/api/collections/${personal.id}`, t.sales)).statusCode).toBe(404);
  });

  it('drops an archived asset, telling its owner which and why, and shares the live rest as one link', async () => {
    const retiring = await approvedAsset(t, t.marketing, t.approver, { title: 'Old brochure' });
    const pitch = await kit({ assetIds: [retiring, ids.story, ids.deck], shared: true });
    expect((await api('POST', `/api/assets/${retiring}/archive`, t.approver)).statusCode).toBe(200);
    const mine = (await api('GET', `/api/collections/${pitch.id}`, t.sales)).json();
    expect(mine.assetIds).toEqual([ids.story, ids.deck]);
    expect(mine.dropped).toEqual([{ id: retiring, title: 'Old brochure', reason: 'archived' }]);
    expect((await api('GET', `/api/collections/${pitch.id}`, otherSales)).json().dropped).toEqual([]);

    const shared = await api('POST', '/api/shares', otherSales, { collectionId: pitch.id, recipient: 'Dana', allowDownload: false });
    expect(shared.statusCode, shared.body).toBe(201);
    expect(shared.json().assetIds).toEqual([ids.story, ids.deck]);
    const page = await t.app.inject({ method: 'GET', url: new URL(shared.json().url).pathname, headers: { 'user-agent': 'Mozilla/5.0 Chrome/131.0' } });
    expect(page.body.indexOf('Customer story')).toBeLessThan(page.body.indexOf('Pricing deck'));
    expect(page.body).not.toContain('Old brochure');
  });

  it('refuses a link to a kit with nothing live (409), to someone else’s personal kit (404), and to both a kit and assets (400)', async () => {
    const lonely = await approvedAsset(t, t.marketing, t.approver, { title: 'Soon gone' });
    const empty = await kit({ assetIds: [lonely] });
    expect((await api('POST', `/api/assets/${lonely}/archive`, t.approver)).statusCode).toBe(200);
    expect((await api('POST', '/api/shares', t.sales, { collectionId: empty.id, recipient: 'Dana', allowDownload: true })).statusCode).toBe(409);
    expect((await api('POST', '/api/shares', otherSales, { collectionId: empty.id, recipient: 'Dana', allowDownload: true })).statusCode).toBe(404);
    expect((await api('POST', '/api/shares', t.sales, { collectionId: empty.id, assetIds: [ids.deck], recipient: 'Dana', allowDownload: true })).statusCode).toBe(400);
  });
});
