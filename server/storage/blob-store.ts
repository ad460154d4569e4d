import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crashPoint } from '../crash-points.ts';

/** A file streamed into the store's temp area, hashed, fsynced, and not yet visible. */
export interface ReceivedFile {
  tempPath: string;
  sha256: string;
  size: number;
}

export interface ByteRange { start: number; end: number }

/** A file in the store's temp area: an upload streaming in, or one a crash interrupted. */
export interface TempFile { name: string; size: number; ageMs: number }

/** Where file bodies live, addressed by sha256. The local driver below; S3 can implement the same. */
export interface BlobStore {
  /** Streams `source` into a temp file while hashing it. Throws `onTooLarge()` past maxBytes; never leaves the temp file behind on failure. */
  receive(source: Readable, maxBytes: number, onTooLarge: () => Error): Promise<ReceivedFile>;
  /** Moves a received file into place (atomically; identical content is stored once). */
  commit(file: ReceivedFile): Promise<void>;
  /** Removes a received file that will not be committed. */
  discard(file: ReceivedFile): Promise<void>;
  read(sha256: string, range?: ByteRange): Readable;
  exists(sha256: string): Promise<boolean>;
  delete(sha256: string): Promise<void>;
  /** Every stored sha256, for integrity scans. */
  list(): AsyncIterable<string>;
  /** The temp area's files, with their age since last written. */
  temporaries(): Promise<TempFile[]>;
  removeTemporary(name: string): Promise<void>;
  /** Path of a stored file for tools that need one (parsers); local driver only. */
  pathOf(sha256: string): string;
}

const SHA256 = /^[0-9a-f]{64}$/;

export function localBlobStore(dataDir: string): BlobStore {
  const root = path.join(dataDir, 'blobs');
  const tmp = path.join(dataDir, 'tmp');
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });

  const pathOf = (sha256: string) => {
    // Keys are only ever our own hashes, so a crafted key cannot leave the store.
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  async function fsyncDir(dir: string) {
    const handle = await fs.promises.open(dir, 'r');
    try { await handle.sync(); } finally { await handle.close(); }
  }

  return {
    pathOf,

    async receive(source, maxBytes, onTooLarge) {
      const tempPath = path.join(tmp, `${randomUUID()}.upload`);
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          source,
          async function* (chunks: AsyncIterable<Buffer>) {
            for await (const chunk of chunks) {
              size += chunk.length;
              if (size > maxBytes) throw onTooLarge();
              hash.update(chunk);
              yield chunk;
              if (size > 256 * 1024) crashPoint('upload:receiving');
            }
          },
          // flush: fsync before close, so a committed blob survives a power cut.
          fs.createWriteStream(tempPath, { flags: 'wx', flush: true }),
        );
      } catch (error) {
        await fs.promises.rm(tempPath, { force: true });
        throw error;
      }
      crashPoint('upload:received');
      return { tempPath, sha256: hash.digest('hex'), size };
    },

    async commit(file) {
      const target = pathOf(file.sha256);
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(file.tempPath, target);
      await fsyncDir(path.dirname(target));
    },

    discard: (file) => fs.promises.rm(file.tempPath, { force: true }),

    read(sha256, range) {
      return fs.createReadStream(pathOf(sha256), range ? { start: range.start, end: range.end } : {});
    },

    async exists(sha256) {
      try {
        await fs.promises.access(pathOf(sha256));
        return true;
      } catch {
        return false;
      }
    },

    delete: (sha256) => fs.promises.rm(pathOf(sha256), { force: true }),

    async temporaries() {
      const files: TempFile[] = [];
      for (const name of await fs.promises.readdir(tmp).catch(() => [] as string[])) {
        const stat = await fs.promises.stat(path.join(tmp, name)).catch(() => undefined);
        if (stat?.isFile()) files.push({ name, size: stat.size, ageMs: Math.max(0, Date.now() - stat.mtimeMs) });
      }
      return files;
    },

    // basename: only a name listed by temporaries(), never a path out of the temp area.
    removeTemporary: (name) => fs.promises.rm(path.join(tmp, path.basename(name)), { force: true }),

    async *list() {
      for (const a of await fs.promises.readdir(root)) {
        for (const b of await fs.promises.readdir(path.join(root, a)).catch(() => [])) {
          for (const name of await fs.promises.readdir(path.join(root, a, b)).catch(() => [])) {
            if (SHA256.test(name)) yield name;
          }
        }
      }
    },
  };
}

/**
 * With PostgreSQL other processes may share DATA_DIR: a temp file is an upload in flight unless it has not been
 * written for this long (an upload writes as it streams; an idle connection is closed after two minutes).
 */
export const TEMP_FILE_MAX_AGE_MS = 3600_000;

/**
 * Removes temp files left by a crash mid-upload: all of them when no upload can be in flight (at the boot of the
 * process holding DATA_DIR's lock), otherwise those older than `olderThanMs`. Returns how many.
 */
export async function removeStaleTempFiles(store: BlobStore, olderThanMs = TEMP_FILE_MAX_AGE_MS): Promise<number> {
  let removed = 0;
  for (const file of await store.temporaries()) {
    if (file.ageMs < olderThanMs) continue;
    await store.removeTemporary(file.name);
    removed++;
  }
  return removed;
}
