// Kill -9 a process in the middle of a job: on the next boot the job is found, put back and done.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { assetVersions, jobs } from '../../server/db/schema.ts';
import { multipart, slowPdf } from '../support/files.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-restart-'));
// Embedded mode (PGlite under DATA_DIR): one process at a time owns the database, as in production.
const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', DATABASE_URL: '' };
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function boot(backgroundJobs: boolean): Promise<App> {
  return buildApp(loadConfig(env, { serveWeb: false, backgroundJobs }));
}

/** The same app in another process; it prints "running" once it is inside the job, then works on until killed. */
const child = `
import { buildApp } from ${JSON.stringify(path.join(root, 'server/app.ts'))};
import { loadConfig } from ${JSON.stringify(path.join(root, 'server/config.ts'))};
const app = await buildApp(loadConfig(process.env, { serveWeb: false, backgroundJobs: true }));
await app.ready();
setInterval(async () => {
  const counts = await app.services.processing.counts();
  if (counts.running > 0) console.log('running');
}, 100);
`;

it('redoes a job on the next boot when the process was killed in the middle of it', { timeout: 240_000 }, async () => {
  let app = await boot(false);
  await app.services.auth.createUser({ email: 'm@example.com', name: 'M', role: 'marketing', password: 'correct horse battery' });
  const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'm@example.com', password: 'correct horse battery' } });
  const body = await multipart({}, { name: 'heavy.pdf', content: await slowPdf(2_500_000) });
  const created = await app.inject({ method: 'POST', url: '/api/assets', headers: { cookie: String(login.headers['set-cookie']).split(';')[0]!, ...body.headers }, payload: body.payload });
  expect(created.statusCode, created.body).toBe(201);
  const assetId = created.json().id as string;
  await app.close();

  const proc = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => { if (chunk.includes('running')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`the child exited (${code}) before starting the job`)));
  });
  proc.kill('SIGKILL');
  await new Promise((resolve) => proc.once('exit', resolve));

  app = await boot(true);
  try {
    await app.ready();
    const db = app.services.database.db;
    const deadline = Date.now() + 150_000;
    let status = 'pending';
    while (status === 'pending' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await db.select().from(assetVersions).where(eq(assetVersions.assetId, assetId)))[0]!.previewStatus;
    }
    expect(status).toBe('ready');
    const [job] = await db.select().from(jobs);
    expect(job).toMatchObject({ state: 'done', attempts: 2 });
  } finally {
    await app.close();
  }
});
