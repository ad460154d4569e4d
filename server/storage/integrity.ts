import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { blobs as blobRows } from '../db/schema.ts';
import { TEMP_FILE_MAX_AGE_MS, type BlobStore, type TempFile } from './blob-store.ts';

export interface IntegrityReport {
  tracked: number;
  stored: number;
  /** Rows whose file is gone: data loss, restore from backup. */
  missing: string[];
  /** Files no row points at (a crash between rename and commit); removable. */
  untracked: string[];
  /** Files whose content no longer hashes to their name: corruption. */
  corrupt: string[];
  /** Blobs whose last version was deleted, their files not yet removed by the collector (it runs on a timer). */
  awaitingCollection: string[];
  /** Files in tmp/: uploads streaming in, and (older than graceMs) ones a crash interrupted. */
  temporary: TempFile[];
  /** The temp files older than graceMs: left by a crashed upload; removable. */
  staleTemporary: string[];
}

export interface ScanOptions {
  /** Re-hash every file (reads all bytes). */
  verify?: boolean;
  /** Delete untracked files and temp files older than graceMs. */
  removeUntracked?: boolean;
  /** Files younger than this may belong to an upload streaming in or committing right now. */
  graceMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Compares the blob rows with the files on disk; the integrity scan behind `npm run storage -- scan`. */
export async function scanStorage(db: Db, store: BlobStore, options: ScanOptions = {}): Promise<IntegrityReport> {
  const graceMs = options.graceMs ?? TEMP_FILE_MAX_AGE_MS;
  const rows = await db.select({ sha256: blobRows.sha256, unused: sql<boolean>`${blobRows.unusedSince} is not null` }).from(blobRows);
  const tracked = new Set(rows.map((r) => r.sha256));
  // A blob marked unused may have lost its file already (the collector removes the file, then the row): not data loss.
  const unused = new Set(rows.filter((r) => r.unused).map((r) => r.sha256));
  const stored = new Set<string>();
  for await (const sha256 of store.list()) stored.add(sha256);
  const temporary = await store.temporaries();
  const report: IntegrityReport = {
    tracked: tracked.size, stored: stored.size,
    missing: [...tracked].filter((s) => !stored.has(s) && !unused.has(s)),
    untracked: [], corrupt: [],
    awaitingCollection: [...unused],
    temporary,
    staleTemporary: temporary.filter((file) => file.ageMs >= graceMs).map((file) => file.name),
  };
  if (options.removeUntracked) for (const name of report.staleTemporary) await store.removeTemporary(name);
  for (const sha256 of stored) {
    if (tracked.has(sha256)) continue;
    const stat = await fs.stat(store.pathOf(sha256)).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs < graceMs) continue;
    report.untracked.push(sha256);
    if (options.removeUntracked) await store.delete(sha256);
  }
  if (options.verify) {
    let done = 0;
    for (const sha256 of stored) {
      if (!tracked.has(sha256) || unused.has(sha256)) continue;
      const hash = createHash('sha256');
      await pipeline(store.read(sha256), hash);
      if (hash.digest('hex') !== sha256) report.corrupt.push(sha256);
      options.onProgress?.(++done, tracked.size - unused.size);
    }
  }
  return report;
}
