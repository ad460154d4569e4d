// A real server process and the commands of `npm run` beside it: every write a command reports is visible to the
// server at once and after a restart, or the command is refused; never lost. With the embedded database one process
// owns DATA_DIR (a second server refuses, commands go through the server's control socket); on PostgreSQL
// (DATABASE_URL) the commands write to the server's database themselves.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../server/instance/data-dir-lock.ts';
import { command as runCommand, finished, freePort, processDatabase, root, signIn, startServer as startProcess, stopServer, type Run, type ServerProcess as Server } from '../support/processes.ts';
const serverUrl = process.env.DATABASE_URL;
const embedded = !serverUrl;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-cli-'));
// LibreOffice off: it would render the demo's decks and documents in the reprocess step, seconds each, and nothing
// here is about Office previews (test/api/processing-libreoffice.test.ts is).
const env: Record<string, string> = {
  DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', PROCESSING_THREADS: '1', LIBREOFFICE: 'off',
  ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'root-password',
};

function command(name: string, ...argv: string[]): Promise<Run> {
  return runCommand(env, name, ...argv);
}

const startServer = () => startProcess(env);

async function searchTitles(server: Server, cookie: string, q: string): Promise<string[]> {
  const res = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { hits: { asset: { title: string } }[] }).hits.map((h) => h.asset.title);
}

let database: Awaited<ReturnType<typeof processDatabase>>;
beforeAll(async () => {
  database = await processDatabase();
  env.DATABASE_URL = database.url;
});

afterAll(async () => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  await database?.drop();
});

describe(`commands beside a running server (${embedded ? 'embedded PGlite' : 'PostgreSQL'})`, () => {
  it('makes the first admin whatever runs first, and keeps every write a command reports, at once and after a restart', { timeout: 240_000 }, async () => {
    // Before the first start: the demo makes its users and the first admin.
    const demo = await command('demo');
    expect(demo.code, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('created the first admin root@example.com');
    expect(demo.stdout).toContain('sam@demo.local');
    if (embedded) expect(fs.existsSync(path.join(dataDir, LOCK_FILE)), 'a finished command leaves no lock').toBe(false);

    let server = await startServer();
    try {
      await signIn(server, 'root@example.com', 'root-password');
      if (embedded) {
        // A second server on the same directory refuses and names the one that runs.
        const second = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, ...env, PORT: String(await freePort()) } });
        const refused = await finished(second);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toContain(`is in use by \`npm start\` (pid ${server.proc.pid}`);
      }

      const added = await command('user', 'add', '--email', 'lee@example.com', '--role', 'sales', '--password', 'lee-password-1');
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain('added lee@example.com (sales)');
      const lee = await signIn(server, 'lee@example.com', 'lee-password-1');
      expect(await searchTitles(server, lee, 'roi calculator')).toContain('ROI calculator for finance leaders');

      const taken = await command('user', 'add', '--email', 'lee@example.com', '--role', 'sales');
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain('already exists');

      const disabled = await command('user', 'disable', '--email', 'sam@demo.local');
      expect(disabled.code, disabled.stderr).toBe(0);
      await expect(signIn(server, 'sam@demo.local', 'demo-password')).rejects.toThrow(/answered 401/);

      const again = await command('demo');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('already here');

      const reprocessed = await command('reprocess', '--all');
      expect(reprocessed.code, reprocessed.stderr).toBe(0);
      expect(reprocessed.stdout).toContain('queued 43 versions');
      expect(reprocessed.stdout).toMatch(/done in [\d.]+ s; 0 job\(s\) failed/);

      const scan = await command('storage', 'scan', '--verify');
      expect(scan.code, scan.stdout + scan.stderr).toBe(0);
      expect(scan.stdout).toContain('43 blobs in the database, 43 files on disk');
      expect(scan.stdout).toContain('corrupt files: 0');

      const usage = await command('user', 'add', '--email', 'x@example.com');
      expect(usage.code).toBe(1);
      expect(usage.stderr).toContain('--role must be one of');
    } finally {
      await stopServer(server);
    }
    if (embedded) expect(fs.existsSync(path.join(dataDir, LOCK_FILE)), 'a stopped server leaves no lock').toBe(false);

    server = await startServer();
    try {
      const lee = await signIn(server, 'lee@example.com', 'lee-password-1');
      expect(await searchTitles(server, lee, 'battlecard')).toContain('Competitive battlecard');
      await expect(signIn(server, 'sam@demo.local', 'demo-password')).rejects.toThrow(/answered 401/);
    } finally {
      await stopServer(server, 'SIGKILL');
    }

    // A killed server leaves its lock behind; the next process sees its owner is gone and takes over.
    const listed = await command('user', 'list');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/lee@example\.com\s+sales\s+active/);
  });

  it.runIf(embedded)('refuses a command while another command owns the embedded database', { timeout: 60_000 }, async () => {
    const holder = spawn('sleep', ['60']);
    try {
      fs.writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: holder.pid, command: 'npm run demo', hostname: os.hostname(), startedAt: new Date().toISOString() }));
      const refused = await command('user', 'add', '--email', 'kim@example.com', '--role', 'sales');
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`is in use by \`npm run demo\` (pid ${holder.pid}`);
      expect(refused.stderr).toContain('run this again when it has finished');
    } finally {
      holder.kill();
      fs.rmSync(path.join(dataDir, LOCK_FILE), { force: true });
    }
    const listed = await command('user', 'list');
    expect(listed.stdout).not.toContain('kim@example.com');
  });
});
