// A PostgreSQL server of the test's own (initdb in a temporary directory, its own port), to restart and stop for
// real: the shared server on DATABASE_URL serves other test files at the same time and must never go down.
// Needs PostgreSQL's server binaries (pg_config --bindir, or /usr/lib/postgresql/<n>/bin); run as root, the
// cluster belongs to the `postgres` account, as initdb refuses root.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes.ts';

export interface PrivatePostgres {
  /** postgres://… of its `postgres` database. */
  url: string;
  /** pg_ctl restart -m fast: sessions are ended (57P01), then new ones are refused until it is back. */
  restart(): Promise<void>;
  /** -m immediate is a crash (recovery on the next start); -m fast a clean shutdown. */
  stop(mode: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/** The directory holding initdb and pg_ctl, or undefined when this machine has no PostgreSQL server installed. */
export function postgresBinaries(): string | undefined {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch { /* no pg_config on the PATH */ }
  const debian = '/usr/lib/postgresql';
  if (fs.existsSync(debian)) {
    for (const version of fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, version, 'bin'));
  }
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl')));
}

const exec = promisify(execFile);

export async function privatePostgres(binaries: string): Promise<PrivatePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    fs.chownSync(dir, uid, gid);
  }
  // Asynchronous: the test's clients keep sending while the server goes down and comes back.
  const run = async (tool: string, ...args: string[]) => {
    const command = path.join(binaries, tool);
    await (asRoot ? exec('runuser', ['-u', 'postgres', '--', command, ...args]) : exec(command, args));
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  await run('initdb', '-D', data, '-U', 'postgres', '--auth=trust', '--no-sync');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  // -l: the server's output goes to a file; on a pipe it would hold exec open for as long as the server runs.
  const logFile = path.join(dir, 'log');
  const start = () => run('pg_ctl', '-D', data, '-l', logFile, '-o', options, '-w', '-t', '30', 'start');
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => run('pg_ctl', '-D', data, '-l', logFile, '-o', options, '-m', 'fast', '-w', '-t', '30', 'restart'),
    stop: (mode) => run('pg_ctl', '-D', data, '-m', mode, '-w', '-t', '30', 'stop'),
    start,
    async destroy() {
      await run('pg_ctl', '-D', data, '-m', 'immediate', '-w', 'stop').catch(() => { /* already stopped */ });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
