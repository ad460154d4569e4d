import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { assetVersions, blobs } from '../db/schema.ts';
import type { BlobStore } from './blob-store.ts';

/** How many marked blobs one pass reads at a time. */
const BATCH = 200;

export interface CollectorLog { info(message: string): void; warn(message: string): void }

/**
 * Serialises everything that puts a file in place or takes it away for one content hash, until the transaction
 * ends: an upload of bytes the collector is removing waits for it, and the collector waits for an upload in flight
 * (whose blob row it could not see yet). A transaction-scoped advisory lock, keyed by the hash's first 64 bits.
 */
export async function lockBlobContent(tx: Tx, sha256: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(('x' || substr(${sha256}, 1, 16))::bit(64)::bigint)`);
}

/**
 * Removes the files of blobs no version uses any more. A delete only marks the blob row (`unused_since`) inside
 * its transaction; the file goes here, after that commit: a crash or a lost database connection before the commit
 * leaves the asset and its file whole, and one after it leaves a mark that the next pass (at boot, then on a timer)
 * finishes. Each file is removed under the content lock, after checking again that no version uses it, and its
 * row only once the file is gone, so a crash in between leaves a mark to finish, never a file without a row.
 */
export function blobCollector(db: Db, store: BlobStore, options: { onRemoved?: (sha256: string) => Promise<void> } = {}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;
  let log: CollectorLog = { info() {}, warn() {} };

  /** True when the file was removed. */
  async function collectOne(sha256: string): Promise<boolean> {
    return db.transaction(async (tx) => {
      await lockBlobContent(tx, sha256);
      const [row] = await tx.select({
        sha256: blobs.sha256,
        used: sql<boolean>`exists (select 1 from ${assetVersions} v where v.sha256 = ${sha256})`,
      }).from(blobs).where(and(eq(blobs.sha256, sha256), isNotNull(blobs.unusedSince))).for('update');
      if (!row) return false; // uploaded again meanwhile (the mark was cleared), or collected already
      if (row.used) {
        // A version holds it after all (a restore of an older dump): it stays.
        await tx.update(blobs).set({ unusedSince: null }).where(eq(blobs.sha256, sha256));
        return false;
      }
      await store.delete(sha256);
      await options.onRemoved?.(sha256);
      await tx.delete(blobs).where(eq(blobs.sha256, sha256));
      return true;
    });
  }

  async function collectAll(): Promise<number> {
    let removed = 0;
    let after = '';
    for (;;) {
      const marked = await db.select({ sha256: blobs.sha256 }).from(blobs)
        .where(and(isNotNull(blobs.unusedSince), sql`${blobs.sha256} > ${after}`)).orderBy(asc(blobs.sha256)).limit(BATCH);
      for (const { sha256 } of marked) if (await collectOne(sha256)) removed++;
      if (marked.length < BATCH) return removed;
      after = marked.at(-1)!.sha256;
    }
  }

  const collector = {
    /**
     * Removes the files of these blobs if they are marked unused (right after a delete commits); returns how many.
     * Never throws: what it could not remove (the database away) waits for the next pass.
     */
    async collect(sha256s: string[]): Promise<number> {
      let removed = 0;
      for (const sha256 of sha256s) {
        try {
          if (await collectOne(sha256)) removed++;
        } catch (error) {
          log.warn(`could not remove the file of deleted blob ${sha256} yet (the next pass will): ${(error as Error).message}`);
        }
      }
      return removed;
    },

    /** One pass over every marked blob; a pass already under way is joined, not doubled. */
    collectAll(): Promise<number> {
      running ??= collectAll().finally(() => { running = null; });
      return running;
    },

    /** How many blobs wait for their file to be removed. */
    async pending(shas?: string[]): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(blobs)
        .where(and(isNotNull(blobs.unusedSince), shas ? inArray(blobs.sha256, shas) : undefined));
      return row?.n ?? 0;
    },

    /** A pass now (what a crash left) and then every `everyMs`; failures (the database away) wait for the next pass. */
    start(logger: CollectorLog, everyMs = 5 * 60_000) {
      if (timer) return;
      log = logger;
      const pass = () => collector.collectAll().then(
        (n) => { if (n) log.info(`removed the files of ${n} deleted blob(s)`); },
        (error: unknown) => log.warn(`could not remove the files of deleted blobs yet: ${(error as Error).message}`),
      );
      void pass();
      timer = setInterval(() => void pass(), everyMs);
      timer.unref();
    },

    async stop() {
      clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
  };
  return collector;
}

export type BlobCollector = ReturnType<typeof blobCollector>;
