// The product as its operators run it, for tests across processes, restarts and kill -9: `npm start` (through tsx)
// killed with any signal and restarted on the same DATA_DIR and database, and `npm run <command>` beside it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN = { email: 'root@example.com', password: 'root-password' };

export interface Run { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
export interface ServerProcess {
  proc: ChildProcess; url: string; exited: Promise<Run>; exitedYet(): boolean;
  /** What it printed so far (its log). */
  output(): string;
}

export function finished(proc: ChildProcess): Promise<Run> {
  let stdout = '';
  let stderr = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export function serverEnv(dataDir: string, databaseUrl = ''): Record<string, string> {
  return {
    DATA_DIR: dataDir, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', PROCESSING_THREADS: '1', LIBREOFFICE: 'off',
    ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password,
  };
}

/** Starts the server (`nodeArgs` go to node, e.g. --cpu-prof); resolves once it listens. */
export async function startServer(env: Record<string, string>, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/main.ts'], { cwd: root, env: { ...process.env, ...env, PORT: String(port) } });
  let done = false;
  let printed = '';
  const exited = finished(proc).then((run) => { done = true; return run; });
  proc.stdout!.on('data', (chunk: string) => { printed += chunk; });
  proc.stderr!.on('data', (chunk: string) => { printed += chunk; });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('is running at')) resolve(); });
    void exited.then((run) => reject(new Error(`the server exited (${run.code ?? run.signal}): ${run.stderr}`)));
  });
  return { proc, url: `http://127.0.0.1:${port}`, exited, exitedYet: () => done, output: () => printed };
}

export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<Run> {
  if (!server.exitedYet()) server.proc.kill(signal);
  return server.exited;
}

/** Runs `npm run <name> -- …` through tsx like package.json does. */
export function command(env: Record<string, string>, name: string, ...argv: string[]): Promise<Run> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', name, ...argv], { cwd: root, env: { ...process.env, ...env } });
  return finished(proc);
}

export async function signIn(server: ServerProcess, email = ADMIN.email, password = ADMIN.password): Promise<string> {
  const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}: ${await res.text()}`);
  return res.headers.getSetCookie().find((c) => c.startsWith('ch_session='))!.split(';')[0]!;
}

/** Uploads a file from disk (streamed, not read into memory); returns the status and the answer. */
export async function uploadFile(server: ServerProcess, cookie: string, file: string, name: string, title: string) {
  const form = new FormData();
  form.append('title', title);
  form.append('file', await fs.openAsBlob(file), name);
  const res = await fetch(`${server.url}/api/assets`, { method: 'POST', headers: { cookie }, body: form });
  return { status: res.status, body: (await res.json()) as { id: string; version: { sha256: string } } };
}

/** The sha256 of a download, or its status when it is not 200. */
export async function downloadSha(server: ServerProcess, cookie: string, id: string): Promise<{ status: number; sha256?: string }> {
  const res = await fetch(`${server.url}/api/assets/${id}/download`, { headers: { cookie } });
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status };
  }
  const hash = createHash('sha256');
  for await (const chunk of res.body!) hash.update(chunk as Uint8Array);
  return { status: 200, sha256: hash.digest('hex') };
}

/** A valid MP4 (ftyp, a big mdat, moov) of about `megabytes` MB, unique by `seed`; returns its sha256. */
export async function writeBigMp4(file: string, megabytes: number, seed: string): Promise<string> {
  const box = (type: string, body: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(8 + body.length);
    header.write(type, 4, 'latin1');
    return Buffer.concat([header, body]);
  };
  const chunk = Buffer.alloc(1024 * 1024, seed);
  const mdatBytes = megabytes * chunk.length;
  const mvhd = Buffer.alloc(100);
  mvhd.writeUInt32BE(1000, 12);
  mvhd.writeUInt32BE(5000, 16);
  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(8 + mdatBytes);
  mdatHeader.write('mdat', 4, 'latin1');
  const hash = createHash('sha256');
  const out = fs.openSync(file, 'w');
  const write = (buffer: Buffer) => { fs.writeSync(out, buffer); hash.update(buffer); };
  write(box('ftyp', Buffer.concat([Buffer.from('isom', 'latin1'), Buffer.alloc(4), Buffer.from('isomiso2mp41', 'latin1')])));
  write(mdatHeader);
  for (let i = 0; i < megabytes; i++) write(chunk);
  write(box('moov', box('mvhd', mvhd)));
  fs.closeSync(out);
  return hash.digest('hex');
}

export function blobPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The database a spawned server runs on: '' (PGlite under its DATA_DIR) without DATABASE_URL, else a throwaway
 * database on that PostgreSQL server, dropped by `drop`.
 */
export async function processDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return { url: '', drop: async () => {} };
  const name = `ch_proc_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
