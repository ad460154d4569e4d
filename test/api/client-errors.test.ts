// A client's mistake is a 4xx that says what was wrong, never a 500; our own missing file is a 500 that says so
// and is logged once with the asset it belongs to.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { assetVersions } from '../../server/db/schema.ts';
import { freshDatabase, sessionCookie } from '../support/app.ts';
import { multipart, png } from '../support/files.ts';

let app: App;
let dataDir: string;
let drop: () => Promise<void>;
let admin: Record<string, string>;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-client-errors-'));
  const fresh = await freshDatabase(dataDir);
  drop = fresh.drop;
  // The log is read here: the missing file must be reported once, with its asset.
  const log = new PassThrough();
  log.on('data', (line: Buffer) => { for (const l of line.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(l)); });
  const config = loadConfig({}, { dataDir, serveWeb: false, logLevel: 'warn', backgroundJobs: false, libreOffice: false });
  app = await buildApp(config, fresh.database, log);
  await app.services.auth.createUser({ email: 'admin@example.com', name: 'Admin', role: 'admin', password: 'correct horse battery' });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@example.com', password: 'correct horse battery' } });
  admin = { cookie: sessionCookie(login) };
});
afterAll(async () => {
  await app.close();
  await drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const tempFiles = () => fs.readdirSync(path.join(dataDir, 'tmp'));
const post = (contentType: string, payload: string | Buffer) =>
  app.inject({ method: 'POST', url: '/api/assets', headers: { ...admin, 'content-type': contentType }, payload });

describe('malformed multipart', () => {
  const part = (boundary: string) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;

  it('answers a multipart body without a boundary with 400', async () => {
    const res = await post('multipart/form-data', part('x') + '--x--\r\n');
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'BAD_MULTIPART', message: expect.stringMatching(/boundary/i) });
  });

  it('answers a boundary the body does not use, and one longer than multipart allows, with 400', async () => {
    const wrong = await post('multipart/form-data; boundary=expected', part('actual') + '--actual--\r\n');
    expect(wrong.statusCode, wrong.body).toBe(400);
    expect(wrong.json().code).toBe('BAD_MULTIPART');
    const long = 'b'.repeat(300);
    const tooLong = await post(`multipart/form-data; boundary=${long}`, part(long) + `--${long}--\r\n`);
    expect(tooLong.statusCode, tooLong.body).toBe(400);
    expect(tooLong.json().code).toBe('BAD_MULTIPART');
  });

  it('answers a body cut off inside the file part with 400 and keeps no temp file', async () => {
    const body = await multipart({ title: 'Cut' }, { name: 'pixel.png', content: await png(), type: 'image/png' });
    const res = await post(body.headers['content-type']!, body.payload.subarray(0, body.payload.length - 60));
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().code).toBe('BAD_MULTIPART');
    expect(tempFiles()).toEqual([]);
  });
});

describe('ids that are not uuids', () => {
  const id = 'urn:uuid:6f1c8e52-3c8a-4a57-9d0e-1f2a3b4c5d6e';
  const routes: [string, string][] = [
    ['GET', `/api/assets/${id}`], ['PATCH', `/api/assets/${id}`], ['DELETE', `/api/assets/${id}`], ['GET', `/api/assets/${id}/audit`],
    ['GET', `/api/assets/${id}/download`], ['GET', `/api/assets/${id}/thumbnail`], ['GET', `/api/assets/${id}/preview`],
    ['POST', `/api/assets/${id}/versions`], ['POST', `/api/assets/${id}/submit`], ['POST', `/api/assets/${id}/approve`],
    ['POST', `/api/assets/${id}/reject`], ['POST', `/api/assets/${id}/archive`], ['POST', `/api/assets/${id}/restore`],
    ['DELETE', `/api/auth/tokens/${id}`], ['PATCH', `/api/users/${id}`], ['DELETE', `/api/invites/${id}`],
  ];

  it.each(routes)('answers %s %s with 400 before it reaches the database', async (method, url) => {
    const payload = method === 'PATCH' ? { title: 'x' } : method === 'POST' ? {} : undefined;
    const res = await app.inject({ method: method as 'GET', url, headers: admin, ...(payload && { payload }) });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().message).toMatch(/uuid/);
  });

  it('answers an event about a urn:uuid asset, and a list cursor with a forged id, with 400', async () => {
    const event = await app.inject({ method: 'POST', url: '/api/events', headers: admin, payload: { assetId: id, kind: 'preview' } });
    expect(event.statusCode, event.body).toBe(400);
    const cursor = Buffer.from(JSON.stringify(['2024-01-01', '-'.repeat(36)])).toString('base64url');
    const list = await app.inject({ method: 'GET', url: `/api/assets?cursor=${cursor}`, headers: admin });
    expect(list.statusCode, list.body).toBe(400);
    expect(list.json().code).toBe('BAD_CURSOR');
  });
});

describe('a stored file that has gone missing', () => {
  it('answers the download with a clear 500 and logs it once with the asset id', async () => {
    const body = await multipart({ title: 'Lost file' }, { name: 'pixel.png', content: await png(), type: 'image/png' });
    const created = await post(body.headers['content-type']!, body.payload);
    expect(created.statusCode, created.body).toBe(201);
    const asset = created.json();
    const [version] = await app.services.database.db.select().from(assetVersions).where(eq(assetVersions.assetId, asset.id));
    if (!version) throw new Error('the upload has no version row');
    fs.rmSync(app.services.blobs.pathOf(version.sha256));

    logLines.length = 0;
    const res = await app.inject({ method: 'GET', url: `/api/assets/${asset.id}/download`, headers: admin });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.json()).toMatchObject({ statusCode: 500, code: 'FILE_MISSING', message: expect.stringMatching(/missing.*storage scan/) });
    const reports = logLines.filter((line) => Number(line.level) >= 50);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ assetId: asset.id, versionId: version.id, sha256: version.sha256 });
    // Ranges of it too, and no download is counted for a file nobody got.
    const ranged = await app.inject({ method: 'GET', url: `/api/assets/${asset.id}/download`, headers: { ...admin, range: 'bytes=0-9' } });
    expect(ranged.statusCode).toBe(500);
    expect(ranged.json().code).toBe('FILE_MISSING');
  });
});
