import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { DataDirBusy, LOCK_FILE, lockDataDir, readLockOwner } from '../../server/instance/data-dir-lock.ts';

let dataDir: string;
beforeEach(() => { dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-lock-')); });
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const writeLock = (owner: object | string, ageMs = 0) => {
  const file = path.join(dataDir, LOCK_FILE);
  fs.writeFileSync(file, typeof owner === 'string' ? owner : JSON.stringify(owner));
  const at = new Date(Date.now() - ageMs);
  fs.utimesSync(file, at, at);
};

it('lets one owner in at a time, names it to the next, and lets the next in once it released', () => {
  const lock = lockDataDir(dataDir, 'npm start');
  expect(() => lockDataDir(dataDir, 'npm run demo')).toThrow(DataDirBusy);
  expect(() => lockDataDir(dataDir, 'npm run demo')).toThrow(`is in use by \`npm start\` (pid ${process.pid}`);
  lock.update({ socket: '/x/control.sock' });
  expect(readLockOwner(dataDir)).toMatchObject({ pid: process.pid, command: 'npm start', socket: '/x/control.sock' });
  lock.release();
  expect(readLockOwner(dataDir)).toBeUndefined();
  lockDataDir(dataDir, 'npm run demo').release();
});

it('takes over the lock of a process that is gone', () => {
  const gone = spawnSync('true').pid;
  writeLock({ pid: gone, command: 'npm start', hostname: os.hostname(), startedAt: '2026-01-01T00:00:00Z' });
  const lock = lockDataDir(dataDir, 'npm run user');
  expect(readLockOwner(dataDir)).toMatchObject({ pid: process.pid, command: 'npm run user' });
  lock.release();
});

it('does not take a recycled pid for the owner that wrote the lock', () => {
  writeLock({ pid: process.pid, processStart: '1', command: 'npm start', hostname: os.hostname(), startedAt: '2026-01-01T00:00:00Z' });
  lockDataDir(dataDir, 'npm start').release();
});

it('waits out a lock being written, and takes over one torn by a crash', () => {
  writeLock('');
  expect(() => lockDataDir(dataDir, 'npm start')).toThrow(DataDirBusy);
  writeLock('{"pid":', 60_000);
  lockDataDir(dataDir, 'npm start').release();
});
