import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { freshDatabase, testApp } from '../support/app.ts';
import { multipart, png } from '../support/files.ts';

describe('when the database goes away', () => {
  it('answers 503 with Retry-After instead of a crash, and health says so', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-down-'));
    const { database, drop } = await freshDatabase(dataDir);
    const app = await buildApp(loadConfig({}, { dataDir, serveWeb: false, logLevel: 'silent' }), database);
    await database.close();
    try {
      const health = await app.inject({ method: 'GET', url: '/api/health' });
      expect(health.statusCode).toBe(503);
      expect(health.headers['retry-after']).toBeDefined();
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c', password: 'whatever-long' } });
      expect(login.statusCode).toBe(503);
      expect(login.json()).toMatchObject({ statusCode: 503, code: 'DB_UNAVAILABLE' });
    } finally {
      await app.close();
      await drop().catch(() => {});
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('content-type tricks', () => {
  it('treats an upper-case multipart content type like any other and still checks the file', async () => {
    const t = await testApp();
    try {
      const headers = await t.as('marketing');
      const body = await multipart({}, { name: 'x.png', content: await png() });
      const res = await t.app.inject({ method: 'POST', url: '/api/assets', headers: { ...headers, 'content-type': body.headers['content-type']!.replace('multipart/form-data', 'Multipart/Form-Data') }, payload: body.payload });
      expect([201, 415]).toContain(res.statusCode);
      if (res.statusCode === 201) expect(res.json().kind).toBe('image');
    } finally {
      await t.close();
    }
  });
});
