import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Unreadable } from '../errors.ts';

// LibreOffice and ffmpeg are optional: found on PATH when installed, otherwise the generated card stands in.

const found = new Map<string, Promise<string | undefined>>();

/** The full path of an executable on PATH, or undefined; looked up once per process. */
export function findCommand(name: string): Promise<string | undefined> {
  let lookup = found.get(name);
  if (!lookup) {
    lookup = (async () => {
      for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
        const candidate = path.join(dir, name);
        try {
          await fs.access(candidate, fs.constants.X_OK);
          return candidate;
        } catch { /* not here */ }
      }
      return undefined;
    })();
    found.set(name, lookup);
  }
  return lookup;
}

/**
 * Runs a tool with a time limit. Past it the whole process group is killed (soffice starts soffice.bin),
 * and the file is reported as too slow to process.
 */
export function runCommand(command: string, args: string[], { timeoutMs, cwd }: { timeoutMs: number; cwd?: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: cwd ?? process.env.HOME } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { if (stdout.length < 1_000_000) stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { if (stderr.length < 10_000) stderr += chunk; });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Unreadable(`${path.basename(command)} took longer than ${Math.round(timeoutMs / 1000)} s on this file and was stopped`, 'TOO_SLOW'));
      else if (code !== 0) reject(new Error(`${path.basename(command)} failed (exit ${code}): ${stderr.trim().split('\n').at(-1) ?? ''}`));
      else resolve(stdout);
    });
  });
}
