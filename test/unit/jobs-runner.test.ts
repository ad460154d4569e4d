// The job runner: registered kinds run from the queue, unknown kinds are left alone and reported, running jobs are
// handed back at stop, and a repeating job runs once per period however many runners share the database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { jobs } from '../../server/db/schema.ts';
import { jobQueue } from '../../server/jobs/queue.ts';
import { jobRunner, periodOf, type Job, type JobRunner, type RunnerLog } from '../../server/jobs/runner.ts';
import { freshDatabase } from '../support/app.ts';

let database: Database;
let drop: () => Promise<void>;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-runner-'));
  ({ database, drop } = await freshDatabase(dataDir));
});
afterAll(async () => {
  await drop();
  await database.close().catch(() => {});
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await database.db.delete(jobs);
});

const runner = (db = database, workerId?: string) => jobRunner(db, { concurrency: 2, pollMs: 50, retryBaseMs: 10, workerId });
const rows = (kind: string) => database.db.select().from(jobs).where(eq(jobs.kind, kind)).orderBy(jobs.id);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(condition: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  for (const deadline = Date.now() + ms; !(await condition());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
function recordingLog(): RunnerLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, warn: (message) => warnings.push(message), error: (message) => warnings.push(message) };
}

/** The same database through a second connection pool, as a second process would have it (PGlite: the same one). */
async function secondConnection(): Promise<{ other: Database; close: () => Promise<void> }> {
  if (database.driver === 'pglite') return { other: database, close: async () => {} };
  const url = new URL(process.env.DATABASE_URL!);
  const [{ name }] = (await database.db.execute(sql`select current_database() as name`)) as unknown as [{ name: string }];
  url.pathname = `/${name}`;
  const other = await openDatabase(url.toString(), dataDir);
  return { other, close: () => other.close() };
}

describe('job runner', () => {
  it('runs each registered kind with its handler, retrying a failure', async () => {
    const jobRunner = runner();
    const seen: string[] = [];
    let failures = 1;
    jobRunner.register('greet', async (job) => { seen.push(`hello ${String(job.payload.name)}`); });
    jobRunner.register('flaky', async () => {
      if (failures-- > 0) throw new Error('not yet');
      seen.push('flaky done');
    });
    await jobRunner.enqueue(database.db, 'greet', { name: 'Ada' });
    await jobRunner.enqueue(database.db, 'flaky', {});
    await jobRunner.drain();
    expect(seen).toEqual(['hello Ada', 'flaky done']);
    expect(await rows('flaky')).toMatchObject([{ state: 'done', attempts: 2 }]);
  });

  it('fails a job for good with the reason its owner gives, and tells the owner', async () => {
    const jobRunner = runner();
    const gaveUp: unknown[] = [];
    jobRunner.register('doomed', {
      run: async () => { throw new Error('the file is damaged'); },
      describeFailure: (error) => ({ reason: `could not read: ${(error as Error).message}`, retry: false }),
      gaveUp: async (job, end) => { gaveUp.push({ id: job.id, ...end }); },
    });
    const job = await jobRunner.enqueue(database.db, 'doomed', {});
    await jobRunner.drain();
    expect(await rows('doomed')).toMatchObject([{ state: 'failed', attempts: 1, lastError: 'could not read: the file is damaged' }]);
    expect(gaveUp).toMatchObject([{ id: job.id, cause: 'failed', reason: 'could not read: the file is damaged' }]);
  });

  it('leaves a job of a kind it has no handler for in the queue and reports it, running the rest', async () => {
    const jobRunner = runner();
    jobRunner.register('known', async () => {});
    await jobRunner.enqueue(database.db, 'mystery', {});
    await jobRunner.enqueue(database.db, 'known', {});
    const log = recordingLog();
    await jobRunner.drain(log);
    expect(await rows('known')).toMatchObject([{ state: 'done' }]);
    expect(await rows('mystery')).toMatchObject([{ state: 'queued', attempts: 0 }]);
    expect(log.warnings).toEqual([expect.stringMatching(/1 queued job\(s\) of kind "mystery".*no handler/)]);

    // Running in the background too: said at start, once, and nothing breaks.
    const background = runner();
    background.register('known', async () => {});
    const startLog = recordingLog();
    await background.start(startLog);
    await background.enqueue(database.db, 'known', {});
    await until(async () => (await background.counts(['known'])).done === 2, 'the second known job');
    await background.stop();
    expect(startLog.warnings).toEqual([expect.stringMatching(/kind "mystery"/)]);
    expect(await rows('mystery')).toMatchObject([{ state: 'queued' }]);
  });

  it('hands a running job back at stop, interrupting it, without spending its attempt', async () => {
    const jobRunner = runner();
    let started = false;
    let interrupt: (() => void) | undefined;
    const interrupted: string[] = [];
    jobRunner.register('long', {
      run: () => new Promise<void>((_resolve, reject) => {
        started = true;
        interrupt = () => reject(new Error('interrupted'));
      }),
      interrupt: async () => {
        interrupted.push('long');
        interrupt?.();
      },
    });
    await jobRunner.start();
    await jobRunner.enqueue(database.db, 'long', {});
    await until(() => started, 'the job to start');
    await jobRunner.stop();
    expect(interrupted).toEqual(['long']);
    // Not recorded as a failure: the next process starts it afresh.
    expect(await rows('long')).toMatchObject([{ state: 'queued', attempts: 0, lockedBy: null, lastError: null }]);
  });

  it('refuses to schedule a kind without a handler', () => {
    expect(() => runner().schedule('nobody', { everyMs: 1_000 })).toThrow(/register a handler/);
  });
});

describe('repeating jobs', () => {
  /** A runner that records, per period start, which runner ran the repeating job. */
  function ticking(db: Database, runs: Map<number, string[]>, workerId: string, everyMs: number): JobRunner {
    const jobRunner = runner(db, workerId);
    jobRunner.register('tick', async (job: Job) => {
      const start = periodOf(job).start.getTime();
      runs.set(start, [...(runs.get(start) ?? []), workerId]);
    });
    jobRunner.schedule('tick', { everyMs });
    return jobRunner;
  }

  it('runs once per period across two runners on the same database', { timeout: 30_000 }, async () => {
    const { other, close } = await secondConnection();
    const runs = new Map<number, string[]>();
    const everyMs = 1_000;
    const a = ticking(database, runs, 'a', everyMs);
    const b = ticking(other, runs, 'b', everyMs);
    try {
      await Promise.all([a.start(), b.start()]);
      await sleep(4_500);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await close();
    }
    expect(runs.size).toBeGreaterThanOrEqual(4);
    for (const [start, by] of runs) {
      expect(start % everyMs).toBe(0);
      expect(by, `period ${new Date(start).toISOString()}`).toHaveLength(1);
    }
    // One row per period: done for each period that ran; the period under way when the runners stopped may still be
    // waiting, handed back unrun (on a busy machine its run had not come yet).
    const all = await rows('tick');
    const ran = all.filter((r) => r.state === 'done');
    expect(ran.map((r) => periodOf(r).start.getTime()).sort()).toEqual([...runs.keys()].sort());
    const waiting = all.filter((r) => r.state !== 'done');
    expect(waiting.map((r) => r.state)).toEqual(waiting.length ? ['queued'] : []);
  });

  it('does not run a period again after a restart, even once finished jobs were pruned', { timeout: 30_000 }, async () => {
    const runs = new Map<number, string[]>();
    const everyMs = 3_600_000;
    const first = ticking(database, runs, 'first', everyMs);
    await first.start();
    await until(() => runs.size === 1, 'the first run');
    // Finished, not merely started: a run interrupted by stop() is handed back and rightly run again.
    await until(async () => (await rows('tick'))[0]?.state === 'done', 'the first run to finish');
    await first.stop();
    const [firstPeriod] = runs.keys();
    // Housekeeping keeps the run of a period still under way: it is what tells the next process that it ran.
    await jobQueue(database.db).prune(0);
    expect(await rows('tick')).toHaveLength(1);

    const { other, close } = await secondConnection();
    const restarted = ticking(other, runs, 'restarted', everyMs);
    try {
      await restarted.start();
      await sleep(500);
    } finally {
      await restarted.stop();
      await close();
    }
    // An hour's boundary may fall inside the test: then the new period has its own run, once.
    for (const by of runs.values()) expect(by).toHaveLength(1);
    expect(runs.get(firstPeriod!)).toEqual(['first']);
    expect(runs.size).toBeLessThanOrEqual(2);
  });
});
