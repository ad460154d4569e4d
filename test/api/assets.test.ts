import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { docx, pdf, png, pptx } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });

describe('upload', () => {
  it('creates a tagged draft from a PNG, with its kind and dimensions read from the content', async () => {
    const res = await upload(t, t.marketing, {
      title: 'Q3 product shot', personas: 'cfo,cio', stages: ['awareness', 'evaluation'], tags: 'Launch, hero ',
      language: 'en', description: 'Hero image', expiresAt: '2099-01-01T00:00:00Z',
    }, { name: 'shot.png', content: await png(120, 80) });
    expect(res.statusCode).toBe(201);
    const asset = res.json();
    expect(asset).toMatchObject({
      title: 'Q3 product shot', kind: 'image', status: 'draft', personas: ['cfo', 'cio'], stages: ['awareness', 'evaluation'],
      tags: ['launch', 'hero'], language: 'en', description: 'Hero image', expiresAt: '2099-01-01T00:00:00.000Z',
      version: { number: 1, filename: 'shot.png', mimeType: 'image/png', width: 120, height: 80 },
    });
    expect(asset.version.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes fields after the file and defaults the title to the file name', async () => {
    const body = await import('../support/files.ts').then(async (f) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(await f.pdf())]), 'Case study ACME.pdf');
      form.append('stages', 'purchase');
      const r = new Response(form);
      return { payload: Buffer.from(await r.arrayBuffer()), headers: { 'content-type': r.headers.get('content-type')! } };
    });
    const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...t.marketing, ...body.headers }, payload: body.payload });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ title: 'Case study ACME', kind: 'document', stages: ['purchase'] });
  });

  it('recognises Office files by content', async () => {
    const deck = await upload(t, t.marketing, {}, { name: 'deck.pptx', content: pptx(['Pricing']) });
    const doc = await upload(t, t.marketing, {}, { name: 'brief.docx', content: docx(['Brief']) });
    expect(deck.json().kind).toBe('presentation');
    expect(doc.json().kind).toBe('document');
  });
});

describe('workflow', () => {
  it('goes draft → in review → approved and shows the asset to sales', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Approved one' });
    const seen = await t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: t.sales });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({ status: 'approved', title: 'Approved one' });
    expect(seen.json().versions).toBeUndefined();
  });

  it('hides drafts from sales with a 404', async () => {
    const id = (await upload(t, t.marketing, { title: 'Secret draft' })).json().id;
    const res = await t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: t.sales });
    expect(res.statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: '/api/assets?limit=200', headers: t.sales });
    expect(list.json().items.map((a: { id: string }) => a.id)).not.toContain(id);
  });

  it('refuses a wrong transition with 409', async () => {
    const id = (await upload(t, t.marketing)).json().id;
    const res = await t.app.inject({ method: 'POST', url: `/api/assets/${id}/approve`, headers: t.approver });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, code: 'WRONG_STATE' });
  });

  it('keeps sales on the approved version while a new one is in review', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, {}, { name: 'v1.pdf', content: await pdf(['first']) });
    const { multipart } = await import('../support/files.ts');
    const body = await multipart({ note: 'new pricing' }, { name: 'v2.pdf', content: await pdf(['second']) });
    const added = await t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ status: 'draft', version: { number: 2, filename: 'v2.pdf' }, approvedVersion: 1 });
    const forSales = await t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: t.sales });
    expect(forSales.json()).toMatchObject({ status: 'approved', version: { number: 1, filename: 'v1.pdf' } });
    const audit = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/audit`, headers: t.marketing });
    expect(audit.json().items.map((e: { action: string }) => e.action)).toEqual(['version_added', 'approved', 'submitted', 'created']);
  });
});

describe('download', () => {
  it('serves the original bytes as an attachment with ETag and ranges', async () => {
    const content = await png(10, 10);
    const id = await approvedAsset(t, t.marketing, t.approver, {}, { name: 'tiny.png', content });
    const full = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/download`, headers: t.sales });
    expect(full.statusCode).toBe(200);
    expect(full.rawPayload.equals(content)).toBe(true);
    expect(full.headers['content-disposition']).toBe('attachment; filename="tiny.png"');
    expect(full.headers['x-content-type-options']).toBe('nosniff');
    const etag = full.headers.etag as string;
    const part = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/download`, headers: { ...t.sales, range: 'bytes=0-3' } });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload.equals(content.subarray(0, 4))).toBe(true);
    const cached = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/download`, headers: { ...t.sales, 'if-none-match': etag } });
    expect(cached.statusCode).toBe(304);
  });
});
