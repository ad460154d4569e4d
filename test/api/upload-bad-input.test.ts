import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { docx, jpeg, multipart, pdf, png } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'], config: { maxUploadBytes: 64 * 1024 } });

const tempFiles = () => fs.readdirSync(path.join(t.config.dataDir, 'tmp'));
const count = async (table: string) => {
  const result = await t.app.services.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`));
  const rows = (Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows) as { n: number }[];
  return rows[0]!.n;
};
const storedBlobs = async () => { const all = []; for await (const b of t.app.services.blobs.list()) all.push(b); return all; };

async function expectNothingStored(before: { assets: number; blobs: number }) {
  expect(tempFiles()).toEqual([]);
  expect(await count('assets')).toBe(before.assets);
  expect((await storedBlobs()).length).toBe(before.blobs);
}
const snapshot = async () => ({ assets: await count('assets'), blobs: (await storedBlobs()).length });

describe('uploads refuse bad input and store nothing', () => {
  it('answers a file over MAX_UPLOAD_BYTES with 413 and removes the temp file', async () => {
    const before = await snapshot();
    const res = await upload(t, t.marketing, {}, { name: 'big.pdf', content: Buffer.concat([await pdf(), Buffer.alloc(70 * 1024)]) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'FILE_TOO_LARGE' });
    expect(res.json().message).toMatch(/64 KB limit/);
    await expectNothingStored(before);
  });

  it('judges the type by content: HTML named .jpg is 415', async () => {
    const before = await snapshot();
    const res = await upload(t, t.marketing, {}, { name: 'photo.jpg', content: Buffer.from('<!doctype html><script>alert(1)</script>'), type: 'image/jpeg' });
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_TYPE');
    await expectNothingStored(before);
  });

  it('refuses an executable whatever its name', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]);
    const res = await upload(t, t.marketing, {}, { name: 'report.pdf', content: elf });
    expect(res.statusCode).toBe(415);
  });

  it('answers an empty file with 400', async () => {
    const before = await snapshot();
    const res = await upload(t, t.marketing, {}, { name: 'empty.pdf', content: Buffer.alloc(0) });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('EMPTY_FILE');
    await expectNothingStored(before);
  });

  it('answers truncated PDFs, images and Office files with 422', async () => {
    const before = await snapshot();
    const cut = (b: Buffer) => b.subarray(0, Math.floor(b.length * 0.6));
    for (const [name, content] of [['cut.pdf', cut(await pdf())], ['cut.jpg', cut(await jpeg(300, 300))], ['cut.docx', cut(docx())]] as const) {
      const res = await upload(t, t.marketing, {}, { name, content });
      expect(res.statusCode, name).toBe(422);
      expect(res.json().code).toBe('CORRUPT_FILE');
    }
    await expectNothingStored(before);
  });

  it('answers unknown taxonomy slugs with 400 naming the known ones, and stores nothing', async () => {
    const before = await snapshot();
    const res = await upload(t, t.marketing, { personas: 'cfo,wizard', stages: 'awareness' });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/unknown persona "wizard"; known: cfo, cio/);
    const stage = await upload(t, t.marketing, { stages: 'shopping' });
    expect(stage.json().message).toMatch(/awareness, interest, consideration, intent, evaluation, purchase/);
    await expectNothingStored(before);
  });

  it('answers an unknown field, a bad date and a missing file with 400', async () => {
    expect((await upload(t, t.marketing, { colour: 'red' })).json()).toMatchObject({ statusCode: 400, code: 'UNKNOWN_FIELD' });
    expect((await upload(t, t.marketing, { expiresAt: 'next tuesday' })).statusCode).toBe(400);
    const noFile = await multipart({ title: 'x' });
    const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...t.marketing, ...noFile.headers }, payload: noFile.payload });
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'NO_FILE' });
  });

  it('answers a JSON body to the upload route with 415', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: t.marketing, payload: { title: 'x' } });
    expect(res.statusCode).toBe(415);
  });

  it('refuses a second file part (one file per request)', async () => {
    const form = new FormData();
    const image = new Blob([new Uint8Array(await png())]);
    form.append('file', image, 'a.png');
    form.append('file', image, 'b.png');
    const r = new Response(form);
    const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...t.marketing, 'content-type': r.headers.get('content-type')! }, payload: Buffer.from(await r.arrayBuffer()) });
    expect(res.statusCode).toBe(413);
    expect(tempFiles()).toEqual([]);
  });

  it('keeps nothing when the client aborts mid-upload', async () => {
    const before = await snapshot();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const boundary = 'abort-boundary';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="half.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
    await new Promise<void>((resolve) => {
      const req = http.request({ port, method: 'POST', path: '/api/assets', headers: { ...t.marketing, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': 60_000 } });
      req.on('error', () => resolve());
      req.write(head);
      req.write(Buffer.alloc(20_000, 0x25));
      // Give the server time to start streaming the part to disk, then vanish.
      setTimeout(() => { req.destroy(); resolve(); }, 300);
    });
    await new Promise((r) => setTimeout(r, 500));
    await expectNothingStored(before);
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);
  });
});

describe('hostile names and text are stored and served as text', () => {
  it('strips path parts, control and bidi characters from file names and serves them safely', async () => {
    const name = '..\\..//etc/evil\u202Egnp.exe\u0007.pdf';
    const res = await upload(t, t.marketing, {}, { name, content: await pdf() });
    expect(res.statusCode).toBe(201);
    expect(res.json().version.filename).toBe('evilgnp.exe.pdf');
    const download = await t.app.inject({ method: 'GET', url: `${res.json().downloadUrl}`, headers: t.marketing });
    expect(download.headers['content-disposition']).toBe('attachment; filename="evilgnp.exe.pdf"');
    expect(download.headers['content-security-policy']).toMatch(/sandbox/);
  });

  it('keeps very long names under 200 bytes with the extension, and non-ASCII names in filename*', async () => {
    const res = await upload(t, t.marketing, {}, { name: `${'数'.repeat(300)}.pdf`, content: await pdf() });
    const filename: string = res.json().version.filename;
    expect(Buffer.byteLength(filename)).toBeLessThanOrEqual(200);
    expect(filename.endsWith('.pdf')).toBe(true);
    const download = await t.app.inject({ method: 'GET', url: res.json().downloadUrl, headers: t.marketing });
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="\?+\.pdf"; filename\*=UTF-8''(%E6%95%B0)+\.pdf$/);
  });

  it('stores SQL and HTML in text fields verbatim', async () => {
    const title = `Robert'); DROP TABLE assets;-- <script>alert(1)</script>`;
    const res = await upload(t, t.marketing, { title, description: '"><img src=x onerror=alert(1)>', tags: '<b>bold</b>' });
    expect(res.statusCode).toBe(201);
    const got = await t.app.inject({ method: 'GET', url: `/api/assets/${res.json().id}`, headers: t.marketing });
    expect(got.json()).toMatchObject({ title, description: '"><img src=x onerror=alert(1)>', tags: ['<b>bold</b>'] });
    expect(await count('assets')).toBeGreaterThan(0);
  });
});

describe('content-addressed storage', () => {
  it('stores identical content once and names the asset that already has it', async () => {
    const content = await png(33, 33, { r: 1, g: 2, b: 3 });
    const first = await upload(t, t.marketing, { title: 'Original' }, { name: 'a.png', content });
    const blobsAfterFirst = (await storedBlobs()).length;
    const second = await upload(t, t.marketing, { title: 'Copy' }, { name: 'b.png', content });
    expect(second.json().version.sha256).toBe(first.json().version.sha256);
    expect((await storedBlobs()).length).toBe(blobsAfterFirst);
    expect(second.json().duplicates).toEqual([{ id: first.json().id, title: 'Original', match: 'same-file' }]);
  });

  it('stores the same bytes uploaded concurrently once', async () => {
    const content = await png(34, 34, { r: 4, g: 5, b: 6 });
    const results = await Promise.all([1, 2, 3].map(() => upload(t, t.marketing, {}, { name: 'same.png', content })));
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    const sha = results[0]!.json().version.sha256;
    expect((await storedBlobs()).filter((b) => b === sha)).toHaveLength(1);
  });

  it('never deletes a blob another asset still uses', async () => {
    const content = await png(35, 35, { r: 7, g: 8, b: 9 });
    const keep = (await upload(t, t.marketing, {}, { name: 'k.png', content })).json();
    const drop = (await upload(t, t.marketing, {}, { name: 'd.png', content })).json();
    expect((await t.app.inject({ method: 'DELETE', url: `/api/assets/${drop.id}`, headers: t.marketing })).statusCode).toBe(204);
    expect(await t.app.services.blobs.exists(keep.version.sha256)).toBe(true);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/assets/${keep.id}`, headers: t.marketing })).statusCode).toBe(204);
    expect(await t.app.services.blobs.exists(keep.version.sha256)).toBe(false);
  });
});

describe('roles and visibility', () => {
  it('keeps sales out of marketing endpoints (403) and drafts (404 everywhere)', async () => {
    const draft = (await upload(t, t.marketing)).json();
    expect((await upload(t, t.sales)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/assets/${draft.id}`, headers: t.sales, payload: { title: 'x' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${draft.id}/submit`, headers: t.sales })).statusCode).toBe(403);
    for (const url of [`/api/assets/${draft.id}`, `/api/assets/${draft.id}/download`]) {
      expect((await t.app.inject({ method: 'GET', url, headers: t.sales })).statusCode, url).toBe(404);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/events', headers: t.sales, payload: { assetId: draft.id, kind: 'view' } })).statusCode).toBe(404);
  });

  it('hides expired, archived and rejected assets from sales', async () => {
    const expired = await approvedAsset(t, t.marketing, t.approver, { title: 'Old promo' });
    await t.app.inject({ method: 'PATCH', url: `/api/assets/${expired}`, headers: t.marketing, payload: { expiresAt: new Date(Date.now() - 1000).toISOString() } });
    const archived = await approvedAsset(t, t.marketing, t.approver);
    await t.app.inject({ method: 'POST', url: `/api/assets/${archived}/archive`, headers: t.approver });
    for (const id of [expired, archived]) {
      expect((await t.app.inject({ method: 'GET', url: `/api/assets/${id}`, headers: t.sales })).statusCode).toBe(404);
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/assets?limit=200', headers: t.sales });
    const ids = list.json().items.map((a: { id: string }) => a.id);
    expect(ids).not.toContain(expired);
    expect(ids).not.toContain(archived);
    const restored = await t.app.inject({ method: 'POST', url: `/api/assets/${archived}/restore`, headers: t.approver });
    expect(restored.json().status).toBe('approved');
    expect((await t.app.inject({ method: 'GET', url: `/api/assets/${archived}`, headers: t.sales })).statusCode).toBe(200);
  });

  it('lets an owner delete their own draft but not a live asset (admin can)', async () => {
    const live = await approvedAsset(t, t.marketing, t.approver);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/assets/${live}`, headers: t.marketing })).statusCode).toBe(403);
    const admin = await t.as('admin');
    expect((await t.app.inject({ method: 'DELETE', url: `/api/assets/${live}`, headers: admin })).statusCode).toBe(204);
  });

  it('requires a comment to reject', async () => {
    const id = (await upload(t, t.marketing)).json().id;
    await t.app.inject({ method: 'POST', url: `/api/assets/${id}/submit`, headers: t.marketing });
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${id}/reject`, headers: t.approver, payload: {} })).statusCode).toBe(400);
    const rejected = await t.app.inject({ method: 'POST', url: `/api/assets/${id}/reject`, headers: t.approver, payload: { comment: 'Wrong logo' } });
    expect(rejected.json().status).toBe('rejected');
    const audit = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/audit`, headers: t.marketing });
    expect(audit.json().items[0]).toMatchObject({ action: 'rejected', comment: 'Wrong logo' });
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${id}/submit`, headers: t.marketing })).json().status).toBe('in_review');
  });
});
