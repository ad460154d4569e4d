import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { Db } from '../db/client.ts';
import { blobs as blobRows } from '../db/schema.ts';
import type { BlobStore } from './blob-store.ts';

export interface IntegrityReport {
  tracked: number;
  stored: number;
  /** Rows whose file is gone: data loss, restore from backup. */
  missing: string[];
  /** Files no row points at (a crash between rename and commit); removable. */
  untracked: string[];
  /** Files whose content no longer hashes to their name: corruption. */
  corrupt: string[];
}

export interface ScanOptions {
  /** Re-hash every file (reads all bytes). */
  verify?: boolean;
  /** Delete untracked files older than graceMs. */
  removeUntracked?: boolean;
  /** Files younger than this may belong to an upload committing right now. */
  graceMs?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Compares the blob rows with the files on disk; the integrity scan behind `npm run storage -- scan`. */
export async function scanStorage(db: Db, store: BlobStore, options: ScanOptions = {}): Promise<IntegrityReport> {
  const graceMs = options.graceMs ?? 3600_000;
  const tracked = new Set((await db.select({ sha256: blobRows.sha256 }).from(blobRows)).map((r) => r.sha256));
  const stored = new Set<string>();
  for await (const sha256 of store.list()) stored.add(sha256);
  const report: IntegrityReport = {
    tracked: tracked.size, stored: stored.size,
    missing: [...tracked].filter((s) => !stored.has(s)),
    untracked: [], corrupt: [],
  };
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
      if (!tracked.has(sha256)) continue;
      const hash = createHash('sha256');
      await pipeline(store.read(sha256), hash);
      if (hash.digest('hex') !== sha256) report.corrupt.push(sha256);
      options.onProgress?.(++done, tracked.size);
    }
  }
  return report;
}
