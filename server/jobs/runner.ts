// The job runner: each domain registers the kinds of job it owns with their handlers, and this process runs them
// from the durable queue (claimed, kept alive by heartbeats, retried, recovered when a process died, handed back at
// shutdown). Repeating jobs are jobs like any other: each period's run is enqueued once for all processes sharing
// the database.
import type { Database, Db, Tx } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { JOBS_CHANNEL, jobQueue, type EnqueueOptions, type Job, type SchedulePayload } from './queue.ts';

export type { Job } from './queue.ts';

export interface RunnerLog { info(message: string): void; warn(message: string): void; error(message: string): void }
const silent: RunnerLog = { info() {}, warn() {}, error() {} };

/** How a job that gave up for good ended. */
export type GaveUp =
  | { cause: 'failed'; reason: string; error: unknown }
  /** Its process died under it on every one of its attempts. */
  | { cause: 'interrupted' };

/** What the owner of a kind of job tells the runner. Only `run` is required. */
export interface JobHandler {
  /** Does the work; a rejection is a failure (retried while attempts remain and `describeFailure` allows). */
  run(job: Job): Promise<void>;
  /** The failure in words (kept as the job's last error) and whether another attempt could help. */
  describeFailure?(error: unknown, job: Job): { reason: string; retry: boolean };
  /** The job failed for good: the owner records it where people look. */
  gaveUp?(job: Job, end: GaveUp): Promise<void>;
  /** At shutdown, once running jobs were handed back to the queue: end their work now (threads, child processes). */
  interrupt?(): Promise<void>;
}

export interface RunnerOptions {
  /** Jobs this process runs at once. */
  concurrency: number;
  /** How often a running job proves its process is alive. */
  heartbeatMs?: number;
  /** A running job with no heartbeat for this long belongs to a dead process. */
  abandonedAfterMs?: number;
  /** Polling interval when no notification arrives; also how soon a new period's run is enqueued. */
  pollMs?: number;
  retryBaseMs?: number;
  /** Who this process is in `jobs.locked_by` (host, pid and a random suffix when absent). */
  workerId?: string;
}

export interface ScheduleOptions {
  /** Length of a period; periods are counted from the Unix epoch, so every process agrees on where they start. */
  everyMs: number;
  /** Attempts of one period's run (the table's default when absent). */
  maxAttempts?: number;
}

/** Thrown for a claimed job whose kind has no handler; claims ask for registered kinds only, so it should not happen. */
class NoHandler extends Error {}

const HOUSEKEEPING_EVERY_MS = 60_000;

/** The period a repeating job's run is for, as the runner enqueued it. */
export function periodOf(job: Job): { start: Date; end: Date } {
  const { scheduledFor, everyMs } = job.payload as unknown as SchedulePayload;
  return { start: new Date(scheduledFor), end: new Date(scheduledFor + everyMs) };
}

export function jobRunner(database: Database, options: RunnerOptions) {
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const abandonedAfterMs = options.abandonedAfterMs ?? Math.max(60_000, 3 * heartbeatMs);
  const pollMs = options.pollMs ?? 2_000;
  const queue = jobQueue(database.db, { workerId: options.workerId, retryBaseMs: options.retryBaseMs });
  const handlers = new Map<string, JobHandler>();
  /** `enqueuedFor`: the start of the last period whose run this process saw to (added it, or found it added). */
  const schedules = new Map<string, ScheduleOptions & { enqueuedFor?: number }>();
  const kinds = () => [...handlers.keys()];
  let log: RunnerLog = silent;

  // The poller's state.
  let running = false;
  let stopping = false;
  let pumping = false;
  let scheduling = false;
  const inFlight = new Map<number, Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let unlisten: (() => Promise<void>) | undefined;
  let lastHousekeeping = 0;
  let bootRecoveryDone = false;
  /**
   * A claim failed on a lost connection (it may have committed), or a job's end could not be recorded: jobs marked
   * ours that nothing here runs may exist. The next pump puts them back rather than wait out the heartbeat timeout.
   */
  let orphansPossible = false;
  /** Kinds of queued jobs without a handler here, reported once each. */
  const reportedKinds = new Set<string>();

  function describeFailure(job: Job, error: unknown): { reason: string; retry: boolean } {
    const described = handlers.get(job.kind)?.describeFailure?.(error, job);
    return described ?? { reason: (error as Error)?.message ?? String(error), retry: !(error instanceof NoHandler) };
  }

  async function runJob(job: Job): Promise<void> {
    const beat = setInterval(() => void queue.heartbeat(job).catch(() => {}), heartbeatMs);
    beat.unref();
    try {
      const handler = handlers.get(job.kind);
      if (!handler) throw new NoHandler(`no handler for jobs of kind ${job.kind}`);
      await handler.run(job);
      await queue.complete(job);
    } catch (error) {
      // A shutdown released the job for the next process: its failure here is not the job's.
      if (stopping) return;
      await recordFailure(job, error);
    } finally {
      clearInterval(beat);
    }
  }

  /**
   * Records why a job ended badly. Never throws: when the database is away the record cannot be written, and the
   * job stays claimed without heartbeat until the next pump puts it back (or, failing that, housekeeping once it
   * looks abandoned): it is not lost.
   */
  async function recordFailure(job: Job, error: unknown) {
    try {
      if (isDatabaseUnavailable(error)) {
        // The database went away under the job: not the job's fault, so no attempt is spent on it.
        await queue.release([job.id]);
        log.warn(`job ${job.id} (${job.kind}) interrupted, the database is unavailable; it will run again`);
        return;
      }
      const { reason, retry } = describeFailure(job, error);
      const outcome = await queue.fail(job, reason, retry);
      log[outcome === 'failed' ? 'warn' : 'info'](`job ${job.id} (${job.kind}) ${outcome === 'failed' ? 'failed' : 'will be retried'}: ${reason}`);
      if (outcome === 'failed') await handlers.get(job.kind)?.gaveUp?.(job, { cause: 'failed', reason, error });
    } catch (recordError) {
      orphansPossible = true;
      log.warn(`could not record how job ${job.id} (${job.kind}) ended (${(recordError as Error).message}); it will run again`);
    }
  }

  /** Claims jobs while slots are free; called on notifications, on a timer and when a job ends. */
  async function pump() {
    // Until interrupted jobs are recovered, claiming could mistake our own fresh work for a dead process's.
    if (!running || pumping || !bootRecoveryDone) return;
    pumping = true;
    try {
      if (orphansPossible) {
        const released = await queue.releaseUnless([...inFlight.keys()]);
        orphansPossible = false;
        if (released) log.info(`put back ${released} job(s) left claimed when the database connection dropped`);
      }
      while (running && inFlight.size < options.concurrency) {
        const job = await queue.claim(kinds());
        if (!job) break;
        // runJob records its own failures; a rejection still escaping here must not become an unhandled one (process exit).
        const work = runJob(job).catch((error: unknown) => log.error(`job ${job.id} (${job.kind}) ended unexpectedly: ${(error as Error)?.message ?? String(error)}`)).finally(() => {
          inFlight.delete(job.id);
          void pump();
        });
        inFlight.set(job.id, work);
      }
    } catch (error) {
      if (isDatabaseUnavailable(error)) orphansPossible = true;
      log.warn(`could not claim jobs: ${(error as Error).message}`);
    } finally {
      pumping = false;
    }
  }

  /** Enqueues the run of each repeating job's current period, unless some process (this one, or another) did. */
  async function enqueueScheduledRuns() {
    if (!running || scheduling) return;
    scheduling = true;
    try {
      for (const [kind, schedule] of schedules) {
        const periodStart = Math.floor(Date.now() / schedule.everyMs) * schedule.everyMs;
        if (schedule.enqueuedFor === periodStart) continue;
        try {
          await queue.schedulePeriod(kind, periodStart, schedule.everyMs, schedule.maxAttempts);
          schedule.enqueuedFor = periodStart;
        } catch (error) {
          // The next tick asks again: the period's run is late, not lost.
          log.warn(`could not schedule the ${kind} job yet: ${(error as Error).message}`);
        }
      }
    } finally {
      scheduling = false;
    }
  }

  async function recoverAbandoned(olderThanMs: number) {
    const { requeued, failed } = await queue.recoverAbandoned(olderThanMs);
    if (requeued.length) log.info(`put ${requeued.length} interrupted job(s) back in the queue`);
    for (const job of failed) await handlers.get(job.kind)?.gaveUp?.(job, { cause: 'interrupted' });
  }

  /** PGlite is one process's database: whatever it left running died with it. On PostgreSQL, only jobs without heartbeat. */
  async function recoverAtBoot() {
    try {
      await recoverAbandoned(database.driver === 'pglite' ? 0 : abandonedAfterMs);
      bootRecoveryDone = true;
    } catch (error) {
      // The database may be away at boot; housekeeping tries again and the server starts regardless.
      log.warn(`could not look for interrupted jobs yet: ${(error as Error).message}`);
    }
  }

  /** Queued jobs no handler here takes are left for a process that has one (a newer version, say), and said once. */
  async function reportUnhandledKinds() {
    for (const { kind, n } of await queue.queuedKindsOtherThan(kinds())) {
      if (reportedKinds.has(kind)) continue;
      reportedKinds.add(kind);
      log.warn(`${n} queued job(s) of kind "${kind}", which this process has no handler for; they wait for a process that has one`);
    }
  }

  async function housekeeping() {
    if (!bootRecoveryDone) await recoverAtBoot();
    if (Date.now() - lastHousekeeping < HOUSEKEEPING_EVERY_MS) return;
    lastHousekeeping = Date.now();
    try {
      await recoverAbandoned(abandonedAfterMs);
      await queue.prune();
      await reportUnhandledKinds();
    } catch (error) {
      log.warn(`job housekeeping failed: ${(error as Error).message}`);
    }
  }

  return {
    workerId: queue.workerId,

    /** Names a kind of job and what runs it; its owner calls this once, before start. */
    register(kind: string, handler: JobHandler | JobHandler['run']) {
      if (handlers.has(kind)) throw new Error(`jobs of kind ${kind} have a handler already`);
      handlers.set(kind, typeof handler === 'function' ? { run: handler } : handler);
      reportedKinds.delete(kind);
    },

    /**
     * Runs a registered kind once per period across every process sharing the database, with a payload saying
     * which period (see periodOf). A period no process was up for is skipped, not caught up later.
     */
    schedule(kind: string, schedule: ScheduleOptions) {
      if (!handlers.has(kind)) throw new Error(`register a handler for ${kind} jobs before scheduling them`);
      if (!Number.isInteger(schedule.everyMs) || schedule.everyMs <= 0) throw new Error(`the period of ${kind} jobs must be a positive number of milliseconds`);
      schedules.set(kind, { ...schedule });
      void enqueueScheduledRuns();
    },

    /** Adds a job inside the caller's transaction: it exists exactly when the caller's change commits. */
    enqueue(tx: Db | Tx, kind: string, payload: Record<string, unknown>, enqueueOptions?: EnqueueOptions): Promise<Job> {
      return queue.enqueue(tx, kind, payload, enqueueOptions);
    },

    /** Starts the background consumer: recovers jobs of dead processes, then claims work as it arrives. */
    async start(logger: RunnerLog = silent) {
      if (running) return;
      log = logger;
      running = true;
      stopping = false;
      await recoverAtBoot();
      lastHousekeeping = Date.now();
      await reportUnhandledKinds().catch(() => {});
      try {
        unlisten = await database.listen(JOBS_CHANNEL, () => void pump());
      } catch (error) {
        log.warn(`no job notifications, polling only: ${(error as Error).message}`);
      }
      timer = setInterval(() => {
        void pump();
        void housekeeping();
        void enqueueScheduledRuns();
      }, pollMs);
      timer.unref();
      await enqueueScheduledRuns();
      void pump();
    },

    /** Stops claiming, hands running jobs back to the queue and waits for them to end (their handlers interrupt them). */
    async stop() {
      running = false;
      stopping = true;
      clearInterval(timer);
      try {
        await unlisten?.();
      } catch { /* the database is gone already: nothing to unsubscribe from */ }
      unlisten = undefined;
      try {
        await queue.release([...inFlight.keys()]);
      } catch { /* the database may be gone already; the jobs then come back as abandoned */ }
      const interrupted = new Set<() => Promise<void>>();
      for (const handler of handlers.values()) {
        if (!handler.interrupt || interrupted.has(handler.interrupt)) continue;
        interrupted.add(handler.interrupt);
        await handler.interrupt().catch((error: unknown) => log.warn(`could not interrupt running jobs: ${(error as Error)?.message ?? String(error)}`));
      }
      await Promise.allSettled(inFlight.values());
      stopping = false;
    },

    /** Runs every due job to the end, waiting out short retry delays: tests and the reprocess command use it. */
    async drain(logger?: RunnerLog) {
      if (logger) log = logger;
      for (;;) {
        const job = await queue.claim(kinds());
        if (job) {
          await runJob(job);
          continue;
        }
        await Promise.allSettled(inFlight.values());
        const due = await queue.nextDueAt(kinds());
        const wait = due ? due.getTime() - Date.now() : Infinity;
        if (wait > 5_000) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(10, wait)));
      }
      await reportUnhandledKinds().catch(() => {});
    },

    /** Jobs per state, of these kinds (every kind when absent), for operators. */
    counts: (ofKinds?: string[]) => queue.counts(ofKinds),
  };
}

export type JobRunner = ReturnType<typeof jobRunner>;
