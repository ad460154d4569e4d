import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { jobs } from '../../server/db/schema.ts';
import { jobQueue } from '../../server/jobs/queue.ts';
import { freshDatabase } from '../support/app.ts';

let database: Database;
let drop: () => Promise<void>;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-queue-'));
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

const row = async (id: number) => (await database.db.select().from(jobs).where(eq(jobs.id, id)))[0]!;
const enqueue = (queue: ReturnType<typeof jobQueue>, n: number, maxAttempts?: number) =>
  database.db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) await queue.enqueue(tx, 'test', { n: i }, { maxAttempts });
  });

describe('job queue', () => {
  it('hands out jobs oldest first, each once', async () => {
    const queue = jobQueue(database.db);
    await enqueue(queue, 3);
    const claimed = [await queue.claim(), await queue.claim(), await queue.claim(), await queue.claim()];
    expect(claimed.map((j) => j?.payload.n)).toEqual([0, 1, 2, undefined]);
    expect(claimed[0]).toMatchObject({ attempts: 1 });
    expect(await row(claimed[0]!.id)).toMatchObject({ state: 'running', lockedBy: queue.workerId });
    for (const job of claimed.slice(0, 3)) await queue.complete(job!);
    expect(await queue.counts()).toEqual({ queued: 0, running: 0, done: 3, failed: 0 });
  });

  it('does not hand out a job from a rolled-back transaction', async () => {
    const queue = jobQueue(database.db);
    await database.db.transaction(async (tx) => {
      await queue.enqueue(tx, 'test', {});
      tx.rollback();
    }).catch(() => {});
    expect(await queue.claim()).toBeUndefined();
  });

  it('retries with growing delays, then fails for good after the last attempt', async () => {
    const queue = jobQueue(database.db, { retryBaseMs: 1_000 });
    await enqueue(queue, 1, 3);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const job = await queue.claim();
      expect(job?.attempts).toBe(attempt);
      const outcome = await queue.fail(job!, `boom ${attempt}`);
      expect(outcome).toBe(attempt < 3 ? 'retrying' : 'failed');
      const stored = await row(job!.id);
      if (outcome === 'retrying') {
        delays.push(stored.runAfter.getTime() - Date.now());
        expect(await queue.claim()).toBeUndefined(); // not due yet
        await database.db.update(jobs).set({ runAfter: sql`now()` }).where(eq(jobs.id, job!.id));
      } else {
        expect(stored).toMatchObject({ state: 'failed', lastError: 'boom 3', attempts: 3 });
      }
    }
    expect(delays[0]).toBeGreaterThan(500);
    expect(delays[1]).toBeGreaterThan(delays[0]! + 500);
  });

  it('fails a job at once when retrying cannot help (the file itself is the problem)', async () => {
    const queue = jobQueue(database.db);
    await enqueue(queue, 1);
    expect(await queue.fail((await queue.claim())!, 'the image has too many pixels', false)).toBe('failed');
  });

  it('puts back jobs whose process died mid-job, and fails those out of attempts', async () => {
    const dead = jobQueue(database.db, { workerId: 'dead-process' });
    await enqueue(dead, 2, 1);
    await enqueue(dead, 1, 5);
    const [, , third] = [await dead.claim(), await dead.claim(), await dead.claim()];
    const alive = jobQueue(database.db);
    // Recent heartbeats: still someone's work.
    expect(await alive.recoverAbandoned(60_000)).toEqual({ requeued: [], failed: [] });
    await database.db.update(jobs).set({ lockedAt: sql`now() - interval '5 minutes'` });
    const { requeued, failed } = await alive.recoverAbandoned(60_000);
    expect(requeued.map((j) => j.id)).toEqual([third!.id]);
    expect(failed).toHaveLength(2);
    expect(failed[0]!.lastError).toMatch(/interrupted 1 times/);
    const again = await alive.claim();
    expect(again).toMatchObject({ id: third!.id, attempts: 2 });
    expect(await row(third!.id)).toMatchObject({ state: 'running', lockedBy: alive.workerId });
    // The dead process cannot complete what is no longer its own.
    await dead.complete(third!);
    expect((await row(third!.id)).state).toBe('running');
  });

  it('hands released jobs (graceful shutdown) back without counting the attempt', async () => {
    const queue = jobQueue(database.db);
    await enqueue(queue, 1);
    const job = await queue.claim();
    await queue.release([job!.id]);
    expect(await queue.claim()).toMatchObject({ id: job!.id, attempts: 1 });
  });
});

// PGlite has one connection, so it cannot show two consumers racing: this needs the PostgreSQL server.
describe.skipIf(!process.env.DATABASE_URL)('job queue on PostgreSQL', () => {
  it('lets two consumers on separate connections share the queue without running a job twice', async () => {
    const producer = jobQueue(database.db);
    await enqueue(producer, 200);
    // The same database through a second pool, as a second process would have.
    const url = new URL(process.env.DATABASE_URL!);
    const [{ name }] = (await database.db.execute(sql`select current_database() as name`)) as unknown as [{ name: string }];
    url.pathname = `/${name}`;
    const second = await openDatabase(url.toString(), dataDir);
    try {
      const ran = new Map<number, string[]>();
      const consume = async (queue: ReturnType<typeof jobQueue>) => {
        for (let job = await queue.claim(); job; job = await queue.claim()) {
          ran.set(job.id, [...(ran.get(job.id) ?? []), queue.workerId]);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
          await queue.complete(job);
        }
      };
      const a = jobQueue(database.db, { workerId: 'a' });
      const b = jobQueue(second.db, { workerId: 'b' });
      await Promise.all([consume(a), consume(a), consume(b), consume(b)]);
      expect(ran.size).toBe(200);
      expect([...ran.values()].every((by) => by.length === 1)).toBe(true);
      const by = [...ran.values()].flat();
      expect(by.filter((w) => w === 'a').length).toBeGreaterThan(20);
      expect(by.filter((w) => w === 'b').length).toBeGreaterThan(20);
      expect(await producer.counts()).toEqual({ queued: 0, running: 0, done: 200, failed: 0 });
    } finally {
      await second.close();
    }
  });
});
