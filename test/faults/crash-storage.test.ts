// kill -9 of a real server process in the middle of a delete and of an upload, then a restart: no visible asset
// without its file, no file of a committed delete left behind, no temp file of a crashed upload kept, and
// `npm run storage -- scan --verify` clean. On PGlite by default, on PostgreSQL when DATABASE_URL is set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from '../support/files.ts';
import {
  blobPath, command, downloadSha, serverEnv, signIn, startServer, stopServer, uploadFile, waitFor, writeBigMp4, type ServerProcess,
} from '../support/processes.ts';

const serverUrl = process.env.DATABASE_URL;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-faults-'));
const dataDir = path.join(work, 'data');
let databaseUrl = '';
let databaseName = '';
let env: Record<string, string>;
let server: ServerProcess | undefined;

beforeAll(async () => {
  if (serverUrl) {
    databaseName = `ch_faults_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${databaseName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
  env = serverEnv(dataDir, databaseUrl);
});

afterAll(async () => {
  if (server) await stopServer(server, 'SIGKILL');
  if (databaseName) {
    const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${databaseName} with (force)`);
    await admin.end();
  }
  fs.rmSync(work, { recursive: true, force: true });
});

/** Runs SQL on the server's database while the server is down (what a committed transaction would have left). */
async function withServerDown(statements: [string, unknown[]][]) {
  if (databaseUrl) {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    for (const [text, params] of statements) await sql.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
    await sql.end();
    return;
  }
  const db = new PGlite(path.join(dataDir, 'pglite'));
  for (const [text, params] of statements) await db.query(text, params);
  await db.close();
}

async function scan(...flags: string[]) {
  const run = await command(env, 'storage', 'scan', ...flags);
  return { ...run, output: run.stdout + run.stderr };
}

function tempFiles(): string[] {
  return fs.readdirSync(path.join(dataDir, 'tmp'));
}

describe('a crash in the middle of a delete', () => {
  it('never leaves a visible asset without its file: kill -9 while a large file is being deleted', async () => {
    server = await startServer(env);
    const cookie = await signIn(server);
    const file = path.join(work, 'big.mp4');
    const sha256 = await writeBigMp4(file, 300, 'delete-me');
    const created = await uploadFile(server, cookie, file, 'launch-video.mp4', 'Launch video');
    fs.rmSync(file);
    expect(created.status).toBe(201);
    expect(created.body.version.sha256).toBe(sha256);
    const stored = blobPath(dataDir, sha256);
    expect(fs.existsSync(stored)).toBe(true);

    // The kill lands as the file's name disappears: while the kernel frees 300 MB, before anything that follows.
    let answered = false;
    const deleting = fetch(`${server.url}/api/assets/${created.body.id}`, { method: 'DELETE', headers: { cookie } })
      .then((res) => { answered = true; return res.status; }, () => null);
    await waitFor(() => !fs.existsSync(stored) || answered, 20_000, 'the delete to reach the file');
    const killed = await stopServer(server, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    await deleting;

    server = await startServer(env);
    const again = await signIn(server);
    const shown = await fetch(`${server.url}/api/assets/${created.body.id}`, { headers: { cookie: again } });
    if (shown.status === 200) {
      // The delete did not commit: the asset stays, whole.
      expect(await downloadSha(server, again, created.body.id)).toEqual({ status: 200, sha256 });
    } else {
      expect(shown.status).toBe(404);
      const search = await fetch(`${server.url}/api/search?q=launch`, { headers: { cookie: again } });
      expect(((await search.json()) as { total: number }).total).toBe(0);
      // It committed: the collector's first pass removes what the crash left of the file and its row.
      await waitFor(() => !fs.existsSync(stored), 10_000, 'the collector to remove the file');
    }
    const report = await scan('--verify');
    expect(report.output).toMatch(/missing files: 0/);
    expect(report.output).toMatch(/untracked files: 0/);
    expect(report.output).toMatch(/corrupt files: 0/);
    expect(report.output).not.toMatch(/file removal pending/);
    expect(report.code).toBe(0);
  }, 120_000);

  it('removes the file and previews of a delete that committed just before a crash, at the next boot', async () => {
    server ??= await startServer(env);
    const cookie = await signIn(server);
    const image = path.join(work, 'chart.png');
    fs.writeFileSync(image, await png(300, 200, { r: 200, g: 40, b: 90 }));
    const created = await uploadFile(server, cookie, image, 'chart.png', 'Pipeline chart');
    expect(created.status).toBe(201);
    const { id, version: { sha256 } } = created.body;
    const previews = path.join(dataDir, 'previews', sha256);
    await waitFor(() => fs.existsSync(path.join(previews, 'thumb.webp')), 20_000, 'the thumbnail');
    await stopServer(server, 'SIGKILL');
    server = undefined;

    // What remove() commits: the asset (and its versions) gone, the blob row marked; the file is still there.
    await withServerDown([
      ['delete from assets where id = $1', [id]],
      ['update blobs set unused_since = now() where sha256 = $1', [sha256]],
    ]);
    expect(fs.existsSync(blobPath(dataDir, sha256))).toBe(true);
    const pending = await scan();
    expect(pending.output).toMatch(/deleted, file removal pending: 1/);
    expect(pending.output).toMatch(/missing files: 0/);

    server = await startServer(env);
    await waitFor(() => !fs.existsSync(blobPath(dataDir, sha256)), 10_000, 'the collector to remove the file');
    await waitFor(() => !fs.existsSync(previews), 10_000, 'the collector to remove the previews');
    const report = await scan('--verify');
    expect(report.output).not.toMatch(/file removal pending/);
    expect(report.output).toMatch(/untracked files: 0/);
    expect(report.code).toBe(0);
  }, 60_000);
});

describe('a crash in the middle of an upload', () => {
  it('reports its temp file in storage scan, removes it with --fix once old, and reclaims it at boot', async () => {
    server ??= await startServer(env);
    const cookie = await signIn(server);
    const boundary = 'crash-boundary';
    let sendMore: (() => void) | undefined;
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.mp4"\r\nContent-Type: video/mp4\r\n\r\n`));
        controller.enqueue(Buffer.alloc(2 * 1024 * 1024, 7));
        await new Promise<void>((resolve) => { sendMore = resolve; }); // never sent: the server dies first
      },
    });
    const uploading = fetch(`${server.url}/api/assets`, {
      method: 'POST', headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}` }, body, duplex: 'half',
    } as RequestInit).catch(() => null);
    await waitFor(() => tempFiles().some((name) => fs.statSync(path.join(dataDir, 'tmp', name)).size > 0), 10_000, 'the upload to reach tmp/');
    await stopServer(server, 'SIGKILL');
    server = undefined;
    sendMore?.();
    await uploading;
    const [left] = tempFiles();
    expect(left).toBeDefined();

    const young = await scan();
    expect(young.output).toMatch(/temp files: 1 \(\d+\.\d MB\), left by interrupted uploads: 0/);
    // An hour without a write: no upload is that slow, it was interrupted.
    const hoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(path.join(dataDir, 'tmp', left!), hoursAgo, hoursAgo);
    const fixed = await scan('--fix');
    expect(fixed.output).toMatch(/left by interrupted uploads: 1 \(removed\)/);
    expect(tempFiles()).toEqual([]);

    // Another crash's leftovers, one fresh and one old: at boot, with DATA_DIR locked (embedded) nothing can be in
    // flight, so both go; with PostgreSQL another process may be uploading into the same DATA_DIR, so only the old one.
    fs.writeFileSync(path.join(dataDir, 'tmp', 'fresh.upload'), 'partial');
    fs.writeFileSync(path.join(dataDir, 'tmp', 'old.upload'), 'partial');
    fs.utimesSync(path.join(dataDir, 'tmp', 'old.upload'), hoursAgo, hoursAgo);
    server = await startServer(env);
    expect(tempFiles()).toEqual(databaseUrl ? ['fresh.upload'] : []);
  }, 60_000);
});
