// The durable job queue: rows of the `jobs` table and the SQL that claims, retries, recovers and schedules them.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { jobs } from '../db/schema.ts';

export type JobRow = typeof jobs.$inferSelect;
/** What a consumer needs of a claimed job (fewer columns: claiming is on every job's path). */
export type Job = Pick<JobRow, 'id' | 'kind' | 'payload' | 'attempts' | 'maxAttempts'>;
const claimed = { id: jobs.id, kind: jobs.kind, payload: jobs.payload, attempts: jobs.attempts, maxAttempts: jobs.maxAttempts };

/** NOTIFY channel that wakes idle consumers when work arrives (they poll anyway, in case a notification is lost). */
export const JOBS_CHANNEL = 'content_hub_jobs';

/** First key of the advisory lock taken while a period's run of a repeating job is added (the second is the kind's hash). */
const SCHEDULE_LOCK = 0x6a6f6273; // "jobs"

export interface QueueOptions {
  /** Who holds a claimed job: host, process and a random suffix, so two processes never look alike. */
  workerId?: string;
  /** First retry after this long, doubling each attempt. */
  retryBaseMs?: number;
  retryMaxMs?: number;
}

export interface EnqueueOptions {
  /** Attempts before the job fails for good (the table's default when absent). */
  maxAttempts?: number;
  /** Not claimed before this moment (now when absent). */
  runAfter?: Date;
}

/** The payload of one period's run of a repeating job: when its period starts (ms since the epoch) and how long it is. */
export interface SchedulePayload { scheduledFor: number; everyMs: number }

/** Restricts a query to the given kinds; undefined means every kind, an empty list none. */
const ofKinds = (kinds: string[] | undefined): SQL | undefined => (!kinds ? undefined : kinds.length ? inArray(jobs.kind, kinds) : sql`false`);

/**
 * The durable job queue: rows in `jobs`, claimed with FOR UPDATE SKIP LOCKED so any number of processes on one
 * PostgreSQL share it and no job runs twice at once; retried with exponential backoff; a job whose holder died is
 * put back. On PGlite (one connection) the same SQL runs and simply never has anything to skip.
 */
export function jobQueue(db: Db, options: QueueOptions = {}) {
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const retryBaseMs = options.retryBaseMs ?? 10_000;
  const retryMaxMs = options.retryMaxMs ?? 3_600_000;

  async function enqueue(tx: Db | Tx, kind: string, payload: Record<string, unknown>, { maxAttempts, runAfter }: EnqueueOptions = {}): Promise<Job> {
    const [job] = await tx.insert(jobs).values({ kind, payload, ...(maxAttempts ? { maxAttempts } : {}), ...(runAfter ? { runAfter } : {}) }).returning(claimed);
    await tx.execute(sql`select pg_notify(${JOBS_CHANNEL}, ${kind})`);
    return job!;
  }

  return {
    workerId,

    /** Adds a job inside the caller's transaction: it exists exactly when the caller's change commits. */
    enqueue,

    /**
     * Adds the run of a repeating job for the period [periodStart, periodStart + everyMs) unless the period has one
     * already (queued, running, done or failed): every process sharing the database asks when a period begins, and
     * the advisory lock lets them ask one at a time, so exactly one adds it. Returns whether this call did.
     */
    async schedulePeriod(kind: string, periodStart: number, everyMs: number, maxAttempts?: number): Promise<boolean> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${SCHEDULE_LOCK}, hashtext(${kind}))`);
        const scheduledFor = sql`(${jobs.payload}->>'scheduledFor')::bigint`;
        const [existing] = await tx.select({ id: jobs.id }).from(jobs)
          .where(and(eq(jobs.kind, kind), sql`${scheduledFor} >= ${periodStart} and ${scheduledFor} < ${periodStart + everyMs}`)).limit(1);
        if (existing) return false;
        const payload: SchedulePayload = { scheduledFor: periodStart, everyMs };
        await enqueue(tx, kind, { ...payload }, { maxAttempts, runAfter: new Date(periodStart) });
        return true;
      });
    },

    /**
     * Takes the oldest due job of these kinds (any kind when absent), or nothing. Locked rows (another consumer's
     * claim in flight) are skipped, not waited for.
     */
    async claim(kinds?: string[]): Promise<Job | undefined> {
      if (kinds?.length === 0) return undefined;
      const kindFilter = kinds ? sql`and kind in ${kinds}` : sql``;
      const [job] = await db.update(jobs).set({
        state: 'running', lockedAt: sql`now()`, lockedBy: workerId, attempts: sql`${jobs.attempts} + 1`, updatedAt: sql`now()`,
      }).where(eq(jobs.id, sql`(select id from jobs where state = 'queued' and run_after <= now() ${kindFilter}
        order by id for update skip locked limit 1)`)).returning(claimed);
      return job;
    },

    /** Keeps a long job from looking abandoned. */
    async heartbeat(job: Job): Promise<void> {
      await db.update(jobs).set({ lockedAt: sql`now()` }).where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
    },

    async complete(job: Job): Promise<void> {
      await db.update(jobs).set({ state: 'done', lockedAt: null, lockedBy: null, lastError: null, updatedAt: sql`now()` })
        .where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
    },

    /**
     * Records a failure: back to the queue after a growing delay while attempts remain and the error is worth
     * retrying, otherwise 'failed' for good. Returns which.
     */
    async fail(job: Job, reason: string, retry = true): Promise<'retrying' | 'failed'> {
      const final = !retry || job.attempts >= job.maxAttempts;
      const delayMs = Math.min(retryBaseMs * 2 ** Math.max(0, job.attempts - 1), retryMaxMs);
      await db.update(jobs).set({
        state: final ? 'failed' : 'queued', lastError: reason.slice(0, 2000), lockedAt: null, lockedBy: null, updatedAt: sql`now()`,
        runAfter: final ? sql`${jobs.runAfter}` : sql`now() + make_interval(secs => ${delayMs / 1000}::double precision)`,
      }).where(and(eq(jobs.id, job.id), eq(jobs.lockedBy, workerId)));
      return final ? 'failed' : 'retrying';
    },

    /** Puts this process's claimed jobs back untouched (graceful shutdown): the next consumer starts them afresh. */
    async release(jobIds: number[]): Promise<void> {
      if (jobIds.length === 0) return;
      await db.update(jobs).set({ state: 'queued', lockedAt: null, lockedBy: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)`, updatedAt: sql`now()` })
        .where(and(inArray(jobs.id, jobIds), eq(jobs.lockedBy, workerId), eq(jobs.state, 'running')));
    },

    /**
     * Puts back the jobs claimed by this consumer that it is not running: a claim whose answer the database never
     * delivered (its connection dropped after the commit) would otherwise wait out the heartbeat timeout.
     */
    async releaseUnless(runningIds: number[]): Promise<number> {
      const released = await db.update(jobs)
        .set({ state: 'queued', lockedAt: null, lockedBy: null, attempts: sql`greatest(${jobs.attempts} - 1, 0)`, updatedAt: sql`now()` })
        .where(and(eq(jobs.lockedBy, workerId), eq(jobs.state, 'running'), runningIds.length ? notInArray(jobs.id, runningIds) : undefined))
        .returning({ id: jobs.id });
      return released.length;
    },

    /**
     * Jobs whose holder stopped sending heartbeats (its process died mid-job) go back to the queue, or fail when
     * they have had all their attempts. `olderThanMs` 0 takes every running job: right when no other process can exist.
     */
    async recoverAbandoned(olderThanMs: number): Promise<{ requeued: JobRow[]; failed: JobRow[] }> {
      const abandoned = sql`${jobs.state} = 'running' and ${jobs.lockedAt} <= now() - make_interval(secs => ${olderThanMs / 1000}::double precision)`;
      const failed = await db.update(jobs).set({
        state: 'failed', lockedAt: null, lockedBy: null, updatedAt: sql`now()`,
        lastError: sql`coalesce(${jobs.lastError} || '; ', '') || 'processing was interrupted ' || ${jobs.attempts} || ' times'`,
      }).where(and(abandoned, sql`${jobs.attempts} >= ${jobs.maxAttempts}`)).returning();
      const requeued = await db.update(jobs).set({ state: 'queued', lockedAt: null, lockedBy: null, runAfter: sql`now()`, updatedAt: sql`now()` })
        .where(abandoned).returning();
      return { requeued, failed };
    },

    /** When the next queued job of these kinds (any when absent) becomes due, if any. */
    async nextDueAt(kinds?: string[]): Promise<Date | undefined> {
      const [row] = await db.select({ at: sql<Date>`min(${jobs.runAfter})`.mapWith(jobs.runAfter) }).from(jobs)
        .where(and(eq(jobs.state, 'queued'), ofKinds(kinds)));
      return row?.at ?? undefined;
    },

    /** Jobs per state, of these kinds (every kind when absent). */
    async counts(kinds?: string[]): Promise<Record<JobRow['state'], number>> {
      const rows = await db.select({ state: jobs.state, n: sql<number>`count(*)::int` }).from(jobs).where(ofKinds(kinds)).groupBy(jobs.state);
      const result = { queued: 0, running: 0, done: 0, failed: 0 };
      for (const row of rows) result[row.state] = row.n;
      return result;
    },

    /** Queued jobs of kinds other than these, counted per kind: work nobody with these handlers will take. */
    async queuedKindsOtherThan(kinds: string[]): Promise<{ kind: string; n: number }[]> {
      return db.select({ kind: jobs.kind, n: sql<number>`count(*)::int` }).from(jobs)
        .where(and(eq(jobs.state, 'queued'), kinds.length ? notInArray(jobs.kind, kinds) : undefined)).groupBy(jobs.kind).orderBy(jobs.kind);
    },

    /**
     * Finished jobs are history; keep a day of them for looking into problems. The run of a repeating job stays
     * while its period lasts: it is what tells a restarted process that the period has had its run.
     */
    async prune(olderThanMs = 86_400_000): Promise<void> {
      const periodRunning = sql`(${jobs.payload}->>'everyMs') is not null
        and (${jobs.payload}->>'scheduledFor')::bigint + (${jobs.payload}->>'everyMs')::bigint > extract(epoch from now()) * 1000`;
      await db.delete(jobs).where(and(eq(jobs.state, 'done'), lt(jobs.updatedAt, sql`now() - make_interval(secs => ${olderThanMs / 1000}::double precision)`),
        sql`not coalesce(${periodRunning}, false)`));
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;
