// Real files from other producers (../shared/corpus, absent from a fresh clone, so optional): every file gets a
// preview or a clear reason, PDF page counts match the corpus manifest, Office thumbnails come from the file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetVersions } from '../../server/db/schema.ts';
import { useTestApp } from '../support/app.ts';
import { upload } from '../support/assets.ts';

const corpus = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/corpus');
const present = fs.existsSync(path.join(corpus, 'pdf', 'files.json'));

describe.skipIf(!present)('real-world files', () => {
  const t = useTestApp({ signIn: ['marketing'] });
  const ids = new Map<string, string>();

  beforeAll(async () => {
    for (const folder of ['pdf', 'pptx', 'docx']) {
      for (const name of fs.readdirSync(path.join(corpus, folder)).filter((f) => f.endsWith(`.${folder}`))) {
        const res = await upload(t, t.marketing, {}, { name, content: fs.readFileSync(path.join(corpus, folder, name)) });
        expect(res.statusCode, `${name}: ${res.body}`).toBe(201);
        ids.set(`${folder}/${name}`, res.json().id);
      }
    }
    await t.app.services.processing.drain();
  }, 180_000);

  const versionOf = async (key: string) =>
    (await t.app.services.database.db.select().from(assetVersions).where(eq(assetVersions.assetId, ids.get(key)!)))[0]!;

  it('gives every file a preview or a clear reason, and a thumbnail either way', async () => {
    for (const key of ids.keys()) {
      const version = await versionOf(key);
      if (version.previewStatus === 'failed') expect(version.previewError, key).toMatch(/\w{3,}/);
      else expect(version.previewStatus, key).toBe('ready');
      const thumb = await t.app.inject({ method: 'GET', url: `/api/assets/${ids.get(key)}/thumbnail`, headers: t.marketing });
      expect(thumb.statusCode, key).toBe(200);
      expect(thumb.headers['content-type']).toBe('image/webp');
    }
  });

  it('counts the pages the manifest lists, and marks the password-protected PDF as encrypted', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(corpus, 'pdf', 'files.json'), 'utf8')) as { data: { path: string; pages: number; encrypted: boolean }[] };
    let compared = 0;
    for (const entry of manifest.data) {
      const key = `pdf/${path.basename(entry.path)}`;
      if (!ids.has(key)) continue;
      const version = await versionOf(key);
      if (version.previewStatus === 'failed') continue; // a damaged file: its reason was checked above
      expect(version.pages, key).toBe(entry.pages);
      expect(Boolean((version.meta as { encrypted?: boolean }).encrypted), key).toBe(entry.encrypted);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it('extracts the words of PDFs and Office files for search', async () => {
    expect((await versionOf('pdf/crazyones-pdfa.pdf')).text).toContain('Heres to the crazy ones');
    expect((await versionOf('pdf/pdflatex-4-pages.pdf')).text).toMatch(/Hello, here is some text without a meaning/);
    expect((await versionOf('docx/par-known-paragraphs.docx')).text?.length).toBeGreaterThan(10);
    expect((await versionOf('pptx/prs-notes.pptx')).text?.length).toBeGreaterThan(0);
  });

  it('uses the thumbnail PowerPoint and Word embedded (docProps/thumbnail.jpeg)', async () => {
    for (const key of [...ids.keys()].filter((k) => !k.startsWith('pdf/'))) {
      expect(await versionOf(key), key).toMatchObject({ previewStatus: 'ready', meta: expect.objectContaining({ thumbnail: 'image', preview: 'thumbnail' }) });
    }
  });
});
