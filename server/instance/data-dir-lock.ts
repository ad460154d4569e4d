// One process owns an embedded DATA_DIR at a time. PGlite is a single-process database: a second process that opens
// the same directory works on its own copy in memory and its writes are lost (a CLI run beside `npm start` was).
// The owner writes a lock file naming itself; a process that finds a live owner refuses, or asks the owner to act.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const LOCK_FILE = 'content-hub.lock';

export interface LockOwner {
  pid: number;
  /** What runs: "npm start", "npm run demo"… */
  command: string;
  hostname: string;
  startedAt: string;
  /** The process's start time in clock ticks since boot (Linux), so a recycled pid is not taken for the owner. */
  processStart?: string;
  /** The owner's control socket, once it listens (servers only): CLIs send their commands there. */
  socket?: string;
}

export class DataDirBusy extends Error {
  constructor(readonly dataDir: string, readonly owner: LockOwner) {
    super(`${dataDir} is in use by \`${owner.command}\` (pid ${owner.pid}${owner.hostname === os.hostname() ? '' : ` on ${owner.hostname}`}, since ${owner.startedAt})`);
  }
}

export interface DataDirLock {
  readonly owner: LockOwner;
  /** Adds to what the lock file says (the control socket once it listens). */
  update(changes: Partial<LockOwner>): void;
  release(): void;
}

/** Takes the lock of dataDir for this process, or throws DataDirBusy naming the live owner. A dead owner's lock is taken over. */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  let owner: LockOwner = {
    pid: process.pid, command, hostname: os.hostname(), startedAt: new Date().toISOString(), processStart: processStart(process.pid),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      writeNew(file, owner);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 3) throw error;
    }
    const current = readLockOwner(dataDir);
    if (current === 'starting') {
      // Created this instant, not yet written: its owner is alive by definition.
      throw new DataDirBusy(dataDir, { pid: 0, command: 'another process', hostname: os.hostname(), startedAt: 'just now' });
    }
    if (current && isAlive(current)) throw new DataDirBusy(dataDir, current);
    takeOverStale(file, current);
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only our own lock: a takeover after a long pause (a suspended laptop) must not be undone by us.
    const current = readLockOwner(dataDir);
    if (current && current !== 'starting' && current.pid === owner.pid && current.startedAt === owner.startedAt) fs.rmSync(file, { force: true });
  };
  // An uncaught error still runs exit handlers; only a kill -9 or a power cut leaves the file, and that is detected as stale.
  process.on('exit', release);
  return {
    get owner() { return owner; },
    update(changes) {
      owner = { ...owner, ...changes };
      const next = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(next, JSON.stringify(owner), { mode: 0o600 });
      fs.renameSync(next, file);
    },
    release,
  };
}

/** Who holds dataDir's lock: undefined when nobody, 'starting' when the file exists but is not written yet. */
export function readLockOwner(dataDir: string): LockOwner | 'starting' | undefined {
  const file = path.join(dataDir, LOCK_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockOwner;
    if (Number.isInteger(parsed.pid) && typeof parsed.command === 'string') return parsed;
  } catch { /* torn or empty: judged by its age below */ }
  // An unreadable lock younger than a few seconds is being written; an older one was left by a crash mid-write.
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  // Released between the read and now: nobody holds it.
  if (!stat) return undefined;
  return Date.now() - stat.mtimeMs < 5_000 ? 'starting' : { pid: 0, command: 'a crashed process', hostname: os.hostname(), startedAt: 'unknown' };
}

/** Whether the process named in a lock still runs (on another host it cannot be known, so it is taken as alive). */
export function isAlive(owner: LockOwner): boolean {
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid is in use, but after a reboot or in a new container it may be somebody else's.
  const start = processStart(owner.pid);
  return !(owner.processStart && start && start !== owner.processStart);
}

function writeNew(file: string, owner: LockOwner) {
  const fd = fs.openSync(file, 'wx', 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(owner));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Moves a dead owner's lock aside. Two processes may find the same stale lock at once: the one whose rename took a
 * lock other than the dead one (the other's fresh lock) puts it back, and the next round reports that live owner.
 */
function takeOverStale(file: string, stale: LockOwner | undefined) {
  const aside = `${file}.stale-${process.pid}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  let moved: LockOwner | undefined;
  try {
    moved = JSON.parse(fs.readFileSync(aside, 'utf8')) as LockOwner;
  } catch { /* torn: it was the dead one */ }
  if (moved && stale && (moved.pid !== stale.pid || moved.startedAt !== stale.startedAt)) {
    try {
      fs.linkSync(aside, file);
    } catch { /* somebody holds it again already */ }
  }
  fs.rmSync(aside, { force: true });
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot; undefined off Linux. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}
