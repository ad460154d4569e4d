// Office files with LibreOffice on the server: every page gets a preview, not just the small thumbnail in the file.
// CI installs LibreOffice (LIBREOFFICE_REQUIRED=1); without it, this file checks the fallback only.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findCommand } from '../../server/processing/tools.ts';
import { useTestApp, type TestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';
import { docx, odpWithThumbnail, pptxWithThumbnail } from '../support/files.ts';

const installed = !!(await findCommand('soffice') ?? await findCommand('libreoffice'));
if (process.env.LIBREOFFICE_REQUIRED === '1' && !installed) throw new Error('LIBREOFFICE_REQUIRED=1 but soffice is not on PATH');

const SLIDES = ['Opening slide', 'Pricing tiers explained', 'Closing slide'];
const deck = () => pptxWithThumbnail(SLIDES.map((text) => ({ text })));

async function processed(t: TestApp, name: string, content: Buffer) {
  const marketing = await t.as('marketing');
  const id = (await upload(t, marketing, {}, { name, content })).json().id as string;
  await t.app.services.processing.drain();
  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: marketing });
  return { id, get, asset: (await get(`/api/assets/${id}`)).json() };
}

describe.runIf(installed)('with LibreOffice installed', () => {
  const t = useTestApp({ config: { libreOffice: true } });

  it('previews every slide of a deck that carries a small embedded thumbnail', { timeout: 120_000 }, async () => {
    const { id, get, asset } = await processed(t, 'deck.odp', await odpWithThumbnail(SLIDES));
    expect(asset.preview).toMatchObject({ status: 'ready', pages: 3, thumbnailOnly: false });
    expect(asset.version.pages).toBe(3);
    const third = await get(`/api/assets/${id}/preview?page=3`);
    expect(third.statusCode).toBe(200);
    const meta = await sharp(third.rawPayload).metadata();
    // Rendered from the page, far larger than the 256 px picture inside the file.
    expect(meta.width).toBeGreaterThan(1000);
    expect((await sharp((await get(`/api/assets/${id}/thumbnail`)).rawPayload).metadata()).width).toBeGreaterThan(300);
    expect((await get(`/api/assets/${id}/preview?page=4`)).statusCode).toBe(404);
  });

  it('keeps the embedded thumbnail, and says why, when LibreOffice cannot open a file', { timeout: 120_000 }, async () => {
    // The generated deck has no slide masters: PowerPoint would complain too, and LibreOffice writes no PDF.
    const { asset } = await processed(t, 'deck.pptx', await deck());
    expect(asset.preview).toMatchObject({ status: 'ready', pages: 1, thumbnailOnly: true });
  });

  it('previews a Word document that has no picture of its own', { timeout: 120_000 }, async () => {
    const { asset, get, id } = await processed(t, 'brief.docx', docx(['Objection handling', 'Second paragraph']));
    expect(asset.preview).toMatchObject({ status: 'ready', pages: 1, thumbnailOnly: false });
    const page = await get(`/api/assets/${id}/preview`);
    expect((await sharp(page.rawPayload).metadata()).height).toBeGreaterThan(1000);
  });
});

describe('without LibreOffice (LIBREOFFICE=off)', () => {
  const t = useTestApp({ config: { libreOffice: false } });

  it('shows the embedded thumbnail as one small picture, and says so', async () => {
    const { id, get, asset } = await processed(t, 'deck.pptx', await deck());
    expect(asset.preview).toMatchObject({ status: 'ready', pages: 1, thumbnailOnly: true });
    expect(asset.version.pages).toBe(3);
    expect((await sharp((await get(`/api/assets/${id}/preview`)).rawPayload).metadata()).width).toBe(256);
    expect((await get(`/api/assets/${id}/preview?page=2`)).json()).toMatchObject({ code: 'NO_SUCH_PAGE' });
  });
});
