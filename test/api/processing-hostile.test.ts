// Hostile uploads: each is contained (the job fails or succeeds with a reason), nothing else is harmed,
// and the server keeps answering while it is processed.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { assetVersions } from '../../server/db/schema.ts';
import { useTestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';
import {
  decompressionBombPng, encryptedPdf, entityBombDocx, hostileSvg, pdf, photo, pixelFloodPng, slowPdf, zipBombDocx,
} from '../support/files.ts';

// A short time limit, so the stalling PDF is stopped within the test.
const t = useTestApp({ signIn: ['marketing'], config: { processingTimeoutMs: 1_500 } });
const MB = 1024 * 1024;

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: t.marketing });
async function uploaded(name: string, content: Buffer): Promise<string> {
  const res = await upload(t, t.marketing, {}, { name, content });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
async function versionOf(assetId: string) {
  const [row] = await t.app.services.database.db.select().from(assetVersions).where(eq(assetVersions.assetId, assetId));
  return row!;
}

/** Drains the queue while checking that /api/health keeps answering quickly; returns the slowest answer in ms. */
async function drainWhileProbing(): Promise<number> {
  let done = false;
  let slowest = 0;
  const draining = t.app.services.processing.drain().finally(() => { done = true; });
  while (!done) {
    const started = performance.now();
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await draining;
  return slowest;
}

/** The thumbnail of a failed file is still a picture: the card, never a broken image. */
async function expectCard(assetId: string) {
  const res = await get(`/api/assets/${assetId}/thumbnail`);
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('image/webp');
  expect(await sharp(res.rawPayload).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
}

describe('hostile images', () => {
  it('refuses a pixel flood from the header alone: 50 000 × 50 000 at upload, 15 000 × 15 000 by the processing limit', async () => {
    // Past sharp's own ceiling (268 MP) the upload check already refuses it, and nothing is stored.
    const giant = await upload(t, t.marketing, {}, { name: 'flood.png', content: pixelFloodPng(50_000, 50_000) });
    expect(giant.statusCode).toBe(422);
    expect(giant.json().code).toBe('TOO_MANY_PIXELS');

    const id = await uploaded('flood.png', pixelFloodPng(15_000, 15_000));
    const before = process.memoryUsage().rss;
    await drainWhileProbing();
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * MB);
    const version = await versionOf(id);
    expect(version.previewStatus).toBe('failed');
    expect(version.previewError).toMatch(/15000 × 15000 pixels \(225 megapixels\).*up to 100 megapixels/);
    expect((await get(`/api/assets/${id}`)).json().preview).toMatchObject({
      status: 'failed', error: version.previewError,
      problem: { code: 'unreadable', message: `No preview or searchable text could be made from this file (${version.previewError}).` },
    });
    await expectCard(id);
  });

  it('refuses a decompression bomb (a complete 144-megapixel PNG of a few hundred KB) without decoding it', async () => {
    const bomb = decompressionBombPng(12_000, 12_000);
    expect(bomb.length).toBeLessThan(1 * MB);
    const id = await uploaded('bomb.png', bomb);
    const before = process.memoryUsage().rss;
    await drainWhileProbing();
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
    expect(await versionOf(id)).toMatchObject({ previewStatus: 'failed', previewError: expect.stringMatching(/144 megapixels/) });
  });

  it('rasterises an SVG without running its script or fetching anything it references', async () => {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      res.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const id = await uploaded('logo.svg', hostileSvg(origin));
      await drainWhileProbing();
      expect(await versionOf(id)).toMatchObject({ previewStatus: 'ready', width: 200, height: 100, mimeType: 'image/svg+xml' });
      for (const path of ['thumbnail', 'preview']) {
        const res = await get(`/api/assets/${id}/${path}`);
        expect(res.headers['content-type']).toBe('image/webp');
        expect((await sharp(res.rawPayload).metadata()).format).toBe('webp');
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(requests).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('hostile Office files', () => {
  it('refuses a zip bomb disguised as .docx from its declared size, before inflating', async () => {
    const id = await uploaded('report.docx', zipBombDocx(100));
    const before = process.memoryUsage().rss;
    await drainWhileProbing();
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * MB);
    expect(await versionOf(id)).toMatchObject({ previewStatus: 'failed', previewError: expect.stringMatching(/unpacks to 100 MB.*zip bomb/) });
    await expectCard(id);
  });

  it('stops a zip bomb that lies about its size once inflating passes the declared size', async () => {
    const id = await uploaded('report.docx', zipBombDocx(100, true));
    await drainWhileProbing();
    expect(await versionOf(id)).toMatchObject({ previewStatus: 'failed', previewError: expect.stringMatching(/more than its declared size \(zip bomb\)/) });
  });

  it('does not expand entities an XML part declares (billion laughs)', async () => {
    const id = await uploaded('laughs.docx', entityBombDocx());
    await drainWhileProbing();
    expect(await versionOf(id)).toMatchObject({ previewStatus: 'ready', text: 'before &lol9; after' });
  });
});

describe('hostile PDFs', () => {
  it('marks a password-protected PDF as encrypted and shows a card, without failing', async () => {
    const id = await uploaded('secret.pdf', await encryptedPdf());
    await drainWhileProbing();
    const version = await versionOf(id);
    expect(version).toMatchObject({ previewStatus: 'ready', pages: 1, meta: expect.objectContaining({ encrypted: true, passwordRequired: true, thumbnail: 'card' }) });
    await expectCard(id);
    expect((await get(`/api/assets/${id}/preview`)).headers['content-type']).toBe('image/webp');
  });

  it('reports a truncated PDF (cut in half, end marker patched back) as damaged', async () => {
    const whole = await pdf(['Page one', 'Page two', 'Page three']);
    const cut = Buffer.concat([whole.subarray(0, Math.floor(whole.length / 2)), Buffer.from('\n%%EOF\n')]);
    const id = await uploaded('cut.pdf', cut);
    await drainWhileProbing();
    const version = await versionOf(id);
    // PDFium may rebuild what is left; either way the outcome is stated, never a crash.
    if (version.previewStatus === 'failed') expect(version.previewError).toMatch(/PDF is damaged/);
    else expect(version.previewStatus).toBe('ready');
    expect((await get(`/api/assets/${id}/thumbnail`)).statusCode).toBe(200);
  });

  it('stops a PDF that keeps the parser busy at the time limit, while the API keeps answering', async () => {
    const stall = await slowPdf();
    expect(stall.length).toBeLessThan(200 * 1024);
    const id = await uploaded('stall.pdf', stall);
    const started = performance.now();
    const slowestHealth = await drainWhileProbing();
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(slowestHealth).toBeLessThan(500);
    expect(await versionOf(id)).toMatchObject({ previewStatus: 'failed', previewError: expect.stringMatching(/took longer than 1.5 s/) });
    await expectCard(id);
    // The next file is processed normally: the stopped thread was replaced.
    const next = await uploaded('fine.png', await photo(64, 48));
    await t.app.services.processing.drain();
    expect((await versionOf(next)).previewStatus).toBe('ready');
  });
});
