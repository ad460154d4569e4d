// The extracted text of indexed versions, kept in local files beside the index snapshot, for snippets.
//
// A page of hits that matched inside documents needs the start of up to twenty texts. Read from PostgreSQL that
// was the slowest part of a search (TOAST chunks, decompression, and buffers that are cold for rarely shown
// documents); from a local file it is a few page-cache reads. Search engines keep "stored fields" beside their
// index for the same reason. The files are a cache: a text not here (or in a file gone missing) is read from
// PostgreSQL as before.
//
// Each process appends to a file of its own (`texts-<uuid>.bin`), so processes sharing DATA_DIR never write to
// the same file; a process restored from a snapshot reads the files that snapshot names and appends to its own.
import { randomUUID } from 'node:crypto';
import { readSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const PREFIX = 'texts-';
const SUFFIX = '.bin';
/** A text file no snapshot names and nobody wrote to for this long belonged to a process that is gone. */
const ORPHAN_MS = 24 * 3_600_000;
const PREWARM_PIECE = 4 << 20;
/** Buffers per writev call, well under the system's limit (IOV_MAX, 1024 on Linux). */
const WRITE_PARTS = 256;
/**
 * A file taken over from an earlier process whose texts are mostly replaced or gone has its live texts moved
 * to this process's file (see sparseTexts), so it stops being named and is deleted as an orphan. Small files are
 * left alone: moving them would save little.
 */
const SPARSE_SHARE = 0.5;
const SPARSE_MIN_BYTES = 16 << 20;

/** What a snapshot keeps of the store (see saved and restore). */
export interface SavedTexts {
  files: string[];
  versionIds: string[];
  file: Uint16Array;
  at: Float64Array;
  bytes: Float64Array;
  stamps: string[];
}

export interface StoredText {
  text: string;
  /** Whether this is the whole text, not just its start. */
  whole: boolean;
}

interface Entry { file: number; at: number; bytes: number; stamp: string }

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class TextStore {
  private readonly ownName = `${PREFIX}${randomUUID()}${SUFFIX}`;
  private own: fs.FileHandle | null = null;
  private ownEnd = 0;
  /** File names by number; entries refer to them by number. */
  private names: string[] = [];
  private handles: (fs.FileHandle | null)[] = [];
  /** Size of each file taken over, as restored (this process's own file only grows). */
  private sizes: number[] = [];
  private entries = new Map<string, Entry>();
  /** One append at a time: each writes where the previous ended. */
  private appending: Promise<void> = Promise.resolve();

  /** `sparseMinBytes`: files smaller than this are never emptied (see sparseTexts); tests lower it. */
  constructor(private readonly directory: string, private readonly sparseMinBytes = SPARSE_MIN_BYTES) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether the text of this version, as stamped, is stored. */
  has(versionId: string, stamp: string): boolean {
    return this.entries.get(versionId)?.stamp === stamp;
  }

  /** Stores texts (strings or UTF-8 bytes), replacing older ones of the same versions. */
  append(texts: { versionId: string; stamp: string; text: string | Uint8Array }[]): Promise<void> {
    return this.inTurn(() => this.write(texts));
  }

  /** Runs `work` after every append and move before it: each writes where the previous ended. */
  private inTurn(work: () => Promise<void>): Promise<void> {
    const run = this.appending.then(work);
    this.appending = run.catch(() => {});
    return run;
  }

  private async write(texts: { versionId: string; stamp: string; text: string | Uint8Array }[]): Promise<void> {
    const encoded = texts.map(({ text }) => (typeof text === 'string' ? encoder.encode(text) : text));
    const total = encoded.reduce((sum, bytes) => sum + bytes.length, 0);
    if (total === 0) return;
    const own = await this.ownFile();
    // Written as they are, without gathering them into one buffer first (the boot build hands over 2 GB).
    for (let from = 0, at = this.ownEnd; from < encoded.length; from += WRITE_PARTS) {
      const parts = encoded.slice(from, from + WRITE_PARTS);
      const bytes = parts.reduce((sum, part) => sum + part.length, 0);
      const { bytesWritten } = await own.handle.writev(parts, at);
      if (bytesWritten !== bytes) throw new Error(`wrote ${bytesWritten} of ${bytes} bytes of text (is the disk full?)`);
      at += bytes;
    }
    let offset = 0;
    texts.forEach(({ versionId, stamp }, i) => {
      this.entries.set(versionId, { file: own.number, at: this.ownEnd + offset, bytes: encoded[i]!.length, stamp });
      offset += encoded[i]!.length;
    });
    this.ownEnd += total;
  }

  /**
   * The first `maxBytes` of each stored text asked for (decoded); versions not stored are left out. Read
   * synchronously: from the page cache (see prewarm) twenty reads take a tenth of a millisecond, where going
   * through the thread pool took half a millisecond or more; a read from disk costs about as much either way.
   */
  read(versionIds: string[], maxBytes: number): Map<string, StoredText> {
    const out = new Map<string, StoredText>();
    for (const versionId of versionIds) {
      const entry = this.entries.get(versionId);
      const handle = entry && this.handles[entry.file];
      if (!entry || !handle) continue;
      const length = Math.min(entry.bytes, maxBytes);
      const buffer = Buffer.allocUnsafe(length);
      try {
        if (readSync(handle.fd, buffer, 0, length, entry.at) !== length) continue;
      } catch {
        continue;
      }
      const whole = length === entry.bytes;
      let text = decoder.decode(buffer);
      // A cut through a multi-byte character decodes as a replacement character at the end.
      if (!whole && text.endsWith('\uFFFD')) text = text.slice(0, -1);
      out.set(versionId, { text, whole });
    }
    return out;
  }

  /** Keeps only the versions in `keep` (what the index holds), so replaced texts stop being saved. */
  retain(keep: (versionId: string) => boolean): void {
    for (const versionId of this.entries.keys()) if (!keep(versionId)) this.entries.delete(versionId);
  }

  /** Makes what was appended durable and describes the store for a snapshot. */
  async saved(): Promise<SavedTexts> {
    await this.appending;
    await this.own?.sync();
    const used = [...new Set([...this.entries.values()].map((e) => e.file))];
    const renumber = new Map(used.map((file, i) => [file, i]));
    const count = this.entries.size;
    const saved: SavedTexts = {
      files: used.map((file) => this.names[file]!), versionIds: [], stamps: [],
      file: new Uint16Array(count), at: new Float64Array(count), bytes: new Float64Array(count),
    };
    let i = 0;
    for (const [versionId, entry] of this.entries) {
      saved.versionIds.push(versionId);
      saved.stamps.push(entry.stamp);
      saved.file[i] = renumber.get(entry.file)!;
      saved.at[i] = entry.at;
      saved.bytes[i++] = entry.bytes;
    }
    return saved;
  }

  /** Takes over the texts a snapshot names, from the files still there and long enough to hold them. */
  async restore(saved: SavedTexts): Promise<void> {
    const first = this.names.length;
    const sizes: number[] = [];
    for (const name of saved.files) {
      const handle = path.basename(name) === name && name.startsWith(PREFIX) ? await fs.open(path.join(this.directory, name), 'r').catch(() => null) : null;
      sizes.push(handle ? (await handle.stat()).size : -1);
      this.names.push(name);
      this.handles.push(handle);
      this.sizes.push(sizes.at(-1)!);
    }
    saved.versionIds.forEach((versionId, i) => {
      const file = saved.file[i]!;
      const at = saved.at[i]!;
      const bytes = saved.bytes[i]!;
      if (file < sizes.length && at + bytes <= sizes[file]!) this.entries.set(versionId, { file: first + file, at, bytes, stamp: saved.stamps[i]! });
    });
  }

  /**
   * Reads the files taken over from a snapshot once through, so the operating system caches them: written by an
   * earlier process, they are usually cold, and a snippet read from disk costs a tenth of a millisecond where one
   * from the cache costs microseconds (what pg_prewarm does for PostgreSQL). Runs in the background after a restart.
   */
  async prewarm(): Promise<void> {
    const buffer = Buffer.allocUnsafe(PREWARM_PIECE);
    for (const handle of [...this.handles]) {
      if (!handle || handle === this.own) continue;
      try {
        for (let at = 0; ;) {
          const { bytesRead } = await handle.read(buffer, 0, buffer.length, at);
          if (bytesRead === 0) break;
          at += bytesRead;
        }
      } catch {
        // Closed meanwhile (the service is stopping): nothing left to warm.
        return;
      }
    }
  }

  /**
   * Versions whose texts sit in files taken over from earlier processes that now hold mostly replaced texts:
   * moving these (see move) lets those files go. Without it every restart's file would live on for the few
   * texts in it that never change, and the directory would grow with every replaced text.
   */
  sparseTexts(): string[] {
    const live = new Map<number, number>();
    for (const entry of this.entries.values()) live.set(entry.file, (live.get(entry.file) ?? 0) + entry.bytes);
    const sparse = new Set([...live].filter(([file, bytes]) => {
      const size = this.sizes[file] ?? 0;
      return this.handles[file] !== this.own && size >= this.sparseMinBytes && bytes < size * SPARSE_SHARE;
    }).map(([file]) => file));
    return [...this.entries].filter(([, entry]) => sparse.has(entry.file)).map(([versionId]) => versionId);
  }

  /** Copies stored texts into this process's file (same stamps); a file left holding none is closed. */
  move(versionIds: string[]): Promise<void> {
    return this.inTurn(() => this.moveNow(versionIds));
  }

  private async moveNow(versionIds: string[]): Promise<void> {
    const moving: { versionId: string; stamp: string; text: Uint8Array }[] = [];
    const from = new Set<number>();
    for (const versionId of versionIds) {
      const entry = this.entries.get(versionId);
      const handle = entry && this.handles[entry.file];
      if (!entry || !handle || handle === this.own) continue;
      const text = new Uint8Array(entry.bytes);
      const { bytesRead } = await handle.read(text, 0, entry.bytes, entry.at);
      if (bytesRead !== entry.bytes) continue;
      moving.push({ versionId, stamp: entry.stamp, text });
      from.add(entry.file);
    }
    await this.write(moving);
    const used = new Set([...this.entries.values()].map((entry) => entry.file));
    for (const file of from) {
      if (used.has(file)) continue;
      await this.handles[file]?.close();
      this.handles[file] = null;
    }
  }

  /** Deletes text files of processes long gone: named by no snapshot in `keep`, untouched for a day. */
  async removeOrphans(keep: Set<string>): Promise<void> {
    const names = await fs.readdir(this.directory).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || keep.has(name) || name === this.ownName) continue;
      const file = path.join(this.directory, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > ORPHAN_MS) await fs.rm(file, { force: true });
    }
  }

  async close(): Promise<void> {
    await this.appending;
    await Promise.all(this.handles.map((handle) => handle?.close()));
    this.handles = [];
    this.own = null;
  }

  private async ownFile(): Promise<{ handle: fs.FileHandle; number: number }> {
    if (!this.own) {
      await fs.mkdir(this.directory, { recursive: true });
      this.own = await fs.open(path.join(this.directory, this.ownName), 'w+');
      this.names.push(this.ownName);
      this.handles.push(this.own);
    }
    return { handle: this.own, number: this.handles.indexOf(this.own) };
  }
}
