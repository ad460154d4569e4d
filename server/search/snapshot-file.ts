// The file a search index is saved to, so a restart loads it in seconds and catches up on what changed since,
// instead of reading and tokenizing every document's text again (over a minute at 100k documents).
//
//   "CHSNAP" u16 format, u32 header length, header JSON, then each array's bytes (8-byte aligned), then the
//   16-byte MD5 of everything before it.
//
// Written to a temporary file, flushed to disk and renamed into place, so a crash at any moment leaves the old
// snapshot or the new one, never half of one. Anything unexpected on reading (another format, a short file, a
// checksum that differs) means "no snapshot": the caller builds from the database as if there were none.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const MAGIC = Buffer.from('CHSNAP');
/** Bumped whenever what an index saves, or how it tokenizes and scores, changes: older files are then ignored. */
export const SNAPSHOT_FORMAT = 1;
/** Arrays are written and read in pieces of at most this many bytes, so no step blocks the event loop for long. */
const PIECE = 8 << 20;

const ARRAY_TYPES = { Int32Array, Uint32Array, Uint8Array, Uint16Array, Float32Array, Float64Array } as const;
type ArrayType = keyof typeof ARRAY_TYPES;
export type SnapshotArray = Int32Array | Uint32Array | Uint8Array | Uint16Array | Float32Array | Float64Array;

/** What an index saves: small JSON values, typed arrays (or lists of them), and lists of single-line strings. */
export interface SnapshotData {
  meta: Record<string, unknown>;
  arrays: Record<string, SnapshotArray | SnapshotArray[]>;
  /** Strings without line breaks (words, ids), stored one per line. */
  lines: Record<string, string[]>;
}

interface Header {
  format: number;
  meta: Record<string, unknown>;
  /** Per array (or list of arrays): each one's type and length in elements, in the order the bytes follow. */
  arrays: Record<string, { list: boolean; parts: [ArrayType, number][] }>;
  /** Per line list: its bytes and how many strings it holds. */
  lines: Record<string, [number, number]>;
}

const padding = (bytes: number) => (8 - (bytes % 8)) % 8;

/** Writes the snapshot atomically (see above). */
export async function writeSnapshot(file: string, data: SnapshotData): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${randomUUID()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    const linesBytes: Record<string, Buffer> = {};
    for (const [name, list] of Object.entries(data.lines)) {
      if (list.some((s) => s.includes('\n'))) throw new Error(`snapshot line list ${name} holds a line break`);
      linesBytes[name] = Buffer.from(list.join('\n'));
    }
    const header: Header = { format: SNAPSHOT_FORMAT, meta: data.meta, arrays: {}, lines: {} };
    const parts: Uint8Array[] = [];
    for (const [name, value] of Object.entries(data.arrays)) {
      const list = Array.isArray(value) ? value : [value];
      header.arrays[name] = { list: Array.isArray(value), parts: list.map((array) => [array.constructor.name as ArrayType, array.length]) };
      for (const array of list) parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    }
    for (const [name, bytes] of Object.entries(linesBytes)) {
      header.lines[name] = [bytes.length, data.lines[name]!.length];
      parts.push(bytes);
    }
    const json = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.alloc(MAGIC.length + 6);
    MAGIC.copy(prefix);
    prefix.writeUInt16LE(SNAPSHOT_FORMAT, MAGIC.length);
    prefix.writeUInt32LE(json.length, MAGIC.length + 2);
    const hash = createHash('md5');
    let position = 0;
    const write = async (bytes: Uint8Array) => {
      for (let at = 0; at < bytes.length; at += PIECE) {
        const piece = bytes.subarray(at, Math.min(bytes.length, at + PIECE));
        hash.update(piece);
        await handle.write(piece, 0, piece.length, position);
        position += piece.length;
      }
    };
    await write(prefix);
    await write(json);
    await write(new Uint8Array(padding(position)));
    for (const part of parts) {
      await write(part);
      await write(new Uint8Array(padding(part.length)));
    }
    await handle.write(hash.digest(), 0, 16, position);
    await handle.sync();
    await handle.close();
    await fs.rename(temporary, file);
  } catch (error) {
    await handle.close().catch(() => {});
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Temporary files older than this were left by a process that died while writing. */
const STALE_MS = 3_600_000;

/** Deletes what writers that died half-way left beside `file` (a live writer's file is younger). */
export async function removeStaleTemporaries(file: string): Promise<void> {
  const directory = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await fs.readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const temporary = path.join(directory, name);
    const stat = await fs.stat(temporary).catch(() => null);
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) await fs.rm(temporary, { force: true });
  }
}

/** The snapshot in `file`, or null when there is none or it can't be trusted (see above). */
export async function readSnapshot(file: string): Promise<SnapshotData | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await handle.stat()).size;
    const hash = createHash('md5');
    let position = 0;
    /** Fills `into` from the file's next bytes; false at a short file. */
    const read = async (into: Uint8Array): Promise<boolean> => {
      for (let at = 0; at < into.length; at += PIECE) {
        const piece = into.subarray(at, Math.min(into.length, at + PIECE));
        const { bytesRead } = await handle.read(piece, 0, piece.length, position);
        if (bytesRead !== piece.length) return false;
        hash.update(piece);
        position += piece.length;
      }
      return true;
    };
    const skipPadding = () => read(new Uint8Array(padding(position)));
    const prefix = new Uint8Array(MAGIC.length + 6);
    if (!(await read(prefix))) return null;
    const view = Buffer.from(prefix.buffer);
    if (!view.subarray(0, MAGIC.length).equals(MAGIC) || view.readUInt16LE(MAGIC.length) !== SNAPSHOT_FORMAT) return null;
    const jsonLength = view.readUInt32LE(MAGIC.length + 2);
    if (jsonLength > size) return null;
    const json = new Uint8Array(jsonLength);
    if (!(await read(json)) || !(await skipPadding())) return null;
    const header = JSON.parse(Buffer.from(json).toString()) as Header;
    if (header.format !== SNAPSHOT_FORMAT) return null;
    const data: SnapshotData = { meta: header.meta, arrays: {}, lines: {} };
    let expected = position;
    for (const { parts } of Object.values(header.arrays)) {
      for (const [type, length] of parts) {
        const bytes = length * (ARRAY_TYPES[type]?.BYTES_PER_ELEMENT ?? NaN);
        expected += bytes + padding(bytes);
      }
    }
    for (const [bytes] of Object.values(header.lines)) expected += bytes + padding(bytes);
    // A size that disagrees with the header is a cut or foreign file; checked before allocating what it claims.
    if (expected + 16 !== size) return null;
    for (const [name, { list, parts }] of Object.entries(header.arrays)) {
      const arrays: SnapshotArray[] = [];
      for (const [type, length] of parts) {
        const array = new ARRAY_TYPES[type](length);
        if (!(await read(new Uint8Array(array.buffer))) || !(await skipPadding())) return null;
        arrays.push(array);
      }
      data.arrays[name] = list ? arrays : arrays[0]!;
    }
    for (const [name, [length, count]] of Object.entries(header.lines)) {
      const bytes = new Uint8Array(length);
      if (!(await read(bytes)) || !(await skipPadding())) return null;
      const lines = count === 0 ? [] : Buffer.from(bytes.buffer).toString().split('\n');
      if (lines.length !== count) return null;
      data.lines[name] = lines;
    }
    const digest = new Uint8Array(16);
    const { bytesRead } = await handle.read(digest, 0, 16, position);
    if (bytesRead !== 16 || !Buffer.from(digest).equals(hash.digest())) return null;
    return data;
  } catch {
    return null;
  } finally {
    await handle.close();
  }
}
