import fs from 'node:fs';
import sharp from 'sharp';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assetVersions } from '../../server/db/schema.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { docx, multipart, mp4, odt, pdf, photo, pptxWithThumbnail, wav, xlsx } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });

const drain = () => t.app.services.processing.drain();
const get = (url: string, headers = t.marketing) => t.app.inject({ method: 'GET', url, headers });
async function version(assetId: string) {
  const [row] = await t.app.services.database.db.select().from(assetVersions).where(eq(assetVersions.assetId, assetId));
  return row!;
}
async function webp(body: Buffer) {
  const meta = await sharp(body).metadata();
  expect(meta.format).toBe('webp');
  return meta;
}

describe('images', () => {
  it('makes an upright WebP thumbnail and preview of a JPEG and records its dimensions', async () => {
    const rotated = await sharp(await photo(400, 300, 2, 'jpeg')).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const created = await upload(t, t.marketing, { title: 'Rotated' }, { name: 'phone.jpg', content: rotated });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    expect(created.json().preview.status).toBe('pending');
    const early = await get(`/api/assets/${id}/thumbnail`);
    expect(early.statusCode).toBe(404);
    expect(early.json().code).toBe('PREVIEW_PENDING');

    await drain();
    const asset = (await get(`/api/assets/${id}`)).json();
    expect(asset.preview.status).toBe('ready');
    expect(asset.version).toMatchObject({ width: 300, height: 400 });
    expect(asset.thumbnailUrl).toBe(`/api/assets/${id}/thumbnail?v=1`);
    const thumb = await get(asset.thumbnailUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    expect(thumb.headers['cache-control']).toMatch(/^private/);
    expect(await webp(thumb.rawPayload)).toMatchObject({ width: 300, height: 400 });
    const preview = await get(`/api/assets/${id}/preview`);
    expect(await webp(preview.rawPayload)).toMatchObject({ width: 300, height: 400 });
    const again = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/preview`, headers: { ...t.marketing, 'if-none-match': preview.headers.etag as string } });
    expect(again.statusCode).toBe(304);
  });

  it('fits big images: 320 px thumbnails and previews within 1600 px', async () => {
    const id = (await upload(t, t.marketing, {}, { name: 'wide.png', content: await photo(3000, 1000, 3) })).json().id;
    await drain();
    expect(await webp((await get(`/api/assets/${id}/thumbnail`)).rawPayload)).toMatchObject({ width: 320, height: 107 });
    expect(await webp((await get(`/api/assets/${id}/preview`)).rawPayload)).toMatchObject({ width: 1600, height: 533 });
    expect((await get(`/api/assets/${id}/preview?page=2`)).statusCode).toBe(404);
  });
});

describe('documents', () => {
  it('counts PDF pages, extracts the text and previews any page on demand', async () => {
    const id = (await upload(t, t.marketing, {}, { name: 'deck.pdf', content: await pdf(['Quarterly pricing overview', 'Second page talks churn', 'Third page closes']) })).json().id;
    await drain();
    const asset = (await get(`/api/assets/${id}`)).json();
    expect(asset).toMatchObject({ preview: { status: 'ready' }, version: { pages: 3 } });
    const row = await version(id);
    expect(row.text).toContain('Quarterly pricing overview');
    expect(row.text).toContain('Second page talks churn');
    const thumb = await webp((await get(`/api/assets/${id}/thumbnail`)).rawPayload);
    expect(thumb.width).toBe(320);
    const page2 = await get(`/api/assets/${id}/preview?page=2`);
    expect(page2.statusCode).toBe(200);
    expect((await webp(page2.rawPayload)).height).toBe(1600);
    const missing = await get(`/api/assets/${id}/preview?page=4`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NO_SUCH_PAGE', message: expect.stringContaining('3 pages') });
  });

  it('reads slides in deck order with their notes, and uses the embedded thumbnail', async () => {
    const deck = await pptxWithThumbnail([{ text: 'Opening slide', notes: 'Say hello first' }, { text: 'Closing slide' }]);
    const id = (await upload(t, t.marketing, {}, { name: 'deck.pptx', content: deck })).json().id;
    await drain();
    const row = await version(id);
    expect(row).toMatchObject({ previewStatus: 'ready', pages: 2, meta: expect.objectContaining({ title: 'Pricing & packaging', thumbnail: 'image' }) });
    expect(row.text!.indexOf('Opening slide')).toBeLessThan(row.text!.indexOf('Say hello first'));
    expect(row.text!.indexOf('Say hello first')).toBeLessThan(row.text!.indexOf('Closing slide'));
    expect(await webp((await get(`/api/assets/${id}/thumbnail`)).rawPayload)).toMatchObject({ width: 256, height: 192 });
  });

  it('extracts Word, Excel and OpenDocument text, and shows a card when there is no picture', async () => {
    const word = (await upload(t, t.marketing, { title: 'Brief <b>&</b>' }, { name: 'brief.docx', content: docx(['Objection handling', 'Second paragraph']) })).json().id;
    const sheet = (await upload(t, t.marketing, {}, { name: 'numbers.xlsx', content: xlsx(['Forecast', 'Net revenue']) })).json().id;
    const open = (await upload(t, t.marketing, {}, { name: 'guide.odt', content: odt(['Field  guide intro', 'Chapter two']) })).json().id;
    await drain();
    expect((await version(word)).text).toBe('Objection handling\nSecond paragraph');
    expect((await version(sheet)).text).toMatch(/Pipeline[\s\S]*Forecast[\s\S]*Net revenue[\s\S]*Inline cell/);
    expect(await version(open)).toMatchObject({ pages: 2, text: 'Field  guide intro\nChapter two', meta: expect.objectContaining({ title: 'Field guide' }) });
    const card = await get(`/api/assets/${word}/thumbnail`);
    expect(card.statusCode).toBe(200);
    expect(await webp(card.rawPayload)).toMatchObject({ width: 320, height: 240 });
    expect(await webp((await get(`/api/assets/${word}/preview`)).rawPayload)).toMatchObject({ width: 1280, height: 960 });
  });
});

describe('media', () => {
  it('reads the duration of MP4 and WAV from their headers and shows a card without ffmpeg', async () => {
    const video = (await upload(t, t.marketing, {}, { name: 'demo.mp4', content: mp4(83.5) })).json().id;
    const audio = (await upload(t, t.marketing, {}, { name: 'jingle.wav', content: wav(1.5) })).json().id;
    await drain();
    expect((await get(`/api/assets/${video}`)).json()).toMatchObject({ kind: 'video', preview: { status: 'ready' }, version: { durationSec: 83.5 } });
    expect((await get(`/api/assets/${audio}`)).json()).toMatchObject({ kind: 'audio', version: { durationSec: 1.5 } });
    expect(await webp((await get(`/api/assets/${video}/thumbnail`)).rawPayload)).toMatchObject({ width: 320, height: 240 });
  });
});

describe('who sees what', () => {
  it('serves thumbnails and previews exactly like downloads: sales get the approved version only', async () => {
    const draft = (await upload(t, t.marketing, {}, { name: 'draft.png', content: await photo(64, 48, 7) })).json().id;
    const live = await approvedAsset(t, t.marketing, t.approver, {}, { name: 'v1.pdf', content: await pdf(['Approved words']) });
    await drain();
    for (const path of ['thumbnail', 'preview']) {
      expect((await get(`/api/assets/${draft}/${path}`, t.sales)).statusCode).toBe(404);
      expect((await get(`/api/assets/${live}/${path}`, t.sales)).statusCode).toBe(200);
    }
    expect((await get(`/api/assets/${live}/thumbnail`, {})).statusCode).toBe(401);

    const body = await multipart({}, { name: 'v2.png', content: await photo(80, 60, 8) });
    const added = await t.app.inject({ method: 'POST', url: `/api/assets/${live}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload });
    expect(added.statusCode).toBe(201);
    await drain();
    // Sales keep the approved PDF while the image is in review; marketing sees the new one and can ask for either.
    expect(await webp((await get(`/api/assets/${live}/thumbnail`, t.sales)).rawPayload)).toMatchObject({ width: 320 });
    expect((await get(`/api/assets/${live}/thumbnail?v=2`, t.sales)).statusCode).toBe(404);
    expect(await webp((await get(`/api/assets/${live}/thumbnail`)).rawPayload)).toMatchObject({ width: 80, height: 60 });
    expect(await webp((await get(`/api/assets/${live}/thumbnail?v=1`)).rawPayload)).toMatchObject({ width: 320 });
    expect((await get(`/api/assets/${live}`, t.sales)).json().thumbnailUrl).toBe(`/api/assets/${live}/thumbnail?v=1`);
  });
});

describe('duplicates', () => {
  it('names the asset that already has the same file, and images that look identical', async () => {
    const original = await photo(640, 480, 11, 'png');
    const first = (await upload(t, t.marketing, { title: 'Hero shot' }, { name: 'hero.png', content: original })).json().id;
    const sameBytes = await upload(t, t.marketing, {}, { name: 'hero-copy.png', content: original });
    expect(sameBytes.json().duplicates).toEqual([{ id: first, title: 'Hero shot', match: 'same-file' }]);
    // The same picture smaller and as JPEG: other bytes, same look.
    const reencoded = await sharp(original).resize(320).jpeg({ quality: 70 }).toBuffer();
    const lookalike = await upload(t, t.marketing, {}, { name: 'hero-small.jpg', content: reencoded });
    expect(lookalike.json().duplicates).toEqual(expect.arrayContaining([{ id: first, title: 'Hero shot', match: 'looks-identical' }]));
    const different = await upload(t, t.marketing, {}, { name: 'other.png', content: await photo(640, 480, 12, 'png') });
    expect(different.json().duplicates).toEqual([]);
  });

  it('processes identical bytes once: a second upload reuses the results and the pictures', async () => {
    const content = await pdf(['Shared one-pager']);
    const a = (await upload(t, t.marketing, {}, { name: 'a.pdf', content })).json().id;
    await drain();
    const b = (await upload(t, t.marketing, {}, { name: 'b.pdf', content })).json().id;
    await drain();
    const [va, vb] = [await version(a), await version(b)];
    expect(vb).toMatchObject({ previewStatus: 'ready', pages: va.pages, text: va.text, searchTerms: va.searchTerms });
    expect(va.searchTerms).toBe('t1 3\n1 one pager shared\n');
    const [ta, tb] = [await get(`/api/assets/${a}/thumbnail`), await get(`/api/assets/${b}/thumbnail`)];
    expect(tb.headers.etag).toBe(ta.headers.etag);
  });
});

describe('reprocessing and listeners', () => {
  it('reprocesses on request and tells listeners (search) when a version is done', async () => {
    const heard: { assetId: string; status: string }[] = [];
    t.app.services.processing.onProcessed((event) => { heard.push(event); });
    const id = (await upload(t, t.marketing, {}, { name: 'notes.docx', content: docx(['Battlecard text']) })).json().id;
    await drain();
    expect(heard).toContainEqual(expect.objectContaining({ assetId: id, status: 'ready' }));
    await t.app.services.database.db.update(assetVersions).set({ text: null, previewStatus: 'failed', previewError: 'x' }).where(eq(assetVersions.assetId, id));
    expect(await t.app.services.processing.reprocess({ assetIds: [id] })).toBe(1);
    await drain();
    expect(await version(id)).toMatchObject({ previewStatus: 'ready', previewError: null, text: 'Battlecard text', searchTerms: 't1 2\n1 battlecard text\n' });
    expect(await t.app.services.processing.counts()).toMatchObject({ queued: 0, running: 0, failed: 0 });
  });

  it('stores the search terms of texts processed without them, without reading the files again', async () => {
    const older = (await upload(t, t.marketing, {}, { name: 'older.docx', content: docx(['Renewal playbook for renewal season']) })).json().id;
    const other = (await upload(t, t.marketing, {}, { name: 'other.docx', content: docx(['Pricing sheet']) })).json().id;
    await drain();
    const { db } = t.app.services.database;
    // As a release before stored terms left them, and as one storing another form.
    await db.update(assetVersions).set({ searchTerms: null }).where(eq(assetVersions.assetId, older));
    await db.update(assetVersions).set({ searchTerms: 't0 pricing sheet' }).where(eq(assetVersions.assetId, other));
    for (const id of [older, other]) fs.rmSync(t.app.services.blobs.pathOf((await version(id)).sha256));

    const progress: [number, number][] = [];
    expect(await t.app.services.processing.storeSearchTerms((done, total) => progress.push([done, total]))).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)![0]).toBe(progress.at(-1)![1]);
    expect((await version(older)).searchTerms).toBe('t1 5\n1 for playbook season\n2 renewal\n');
    expect((await version(other)).searchTerms).toBe('t1 2\n1 pricing sheet\n');
    // Nothing left to do the second time.
    expect(await t.app.services.processing.storeSearchTerms()).toBe(0);
  });
});
