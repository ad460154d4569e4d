import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { Unreadable } from '../../errors.ts';
import { ZIP_LIMITS } from '../limits.ts';

const MB = 1024 * 1024;

/**
 * A zip opened for reading a few named parts under hard limits: the entry count and every declared size are
 * checked against the central directory before anything is inflated, and inflated bytes are counted as they
 * arrive, so a zip bomb (honest or lying about its sizes) costs at most the limits, never the machine.
 */
export interface BoundedZip {
  names(): string[];
  has(name: string): boolean;
  /** The part's bytes; throws Unreadable when it would unpack past `maxBytes` or the file's total budget. */
  read(name: string, maxBytes?: number): Promise<Buffer>;
  close(): void;
}

export async function openZip(file: string, limits = ZIP_LIMITS): Promise<BoundedZip> {
  const zip = await new Promise<ZipFile>((resolve, reject) => {
    // validateEntrySizes: yauzl errors as soon as an entry inflates past the size its header declares.
    yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (error, opened) => {
      if (error || !opened) reject(new Unreadable('the file is not a readable zip container (damaged or truncated)', 'CORRUPT_FILE'));
      else resolve(opened);
    });
  });
  try {
    if (zip.entryCount > limits.maxEntries) {
      throw new Unreadable(`the file holds ${zip.entryCount} parts; we read files with up to ${limits.maxEntries}`, 'ZIP_TOO_MANY_ENTRIES');
    }
    const entries = await listEntries(zip);
    let budget = limits.maxTotalBytes;
    return {
      names: () => [...entries.keys()],
      has: (name) => entries.has(name),
      async read(name, maxBytes = limits.maxEntryBytes) {
        const entry = entries.get(name);
        if (!entry) throw new Unreadable(`the file has no part ${name}`, 'CORRUPT_FILE');
        const cap = Math.min(maxBytes, budget);
        if (entry.uncompressedSize > cap) {
          throw new Unreadable(`the file claims that ${name} unpacks to ${(entry.uncompressedSize / MB).toFixed(0)} MB; we stop at ${(cap / MB).toFixed(0)} MB (possible zip bomb)`, 'ZIP_BOMB');
        }
        if (entry.isEncrypted()) throw new Unreadable('the file is password-protected', 'ENCRYPTED');
        const data = await readEntry(zip, entry, cap);
        budget -= data.length;
        return data;
      },
      close: () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName.replace(/^\/+/, ''), entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', () => reject(new Unreadable('the zip directory of the file is damaged', 'CORRUPT_FILE')));
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry, cap: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) return reject(new Unreadable(`the part ${entry.fileName} cannot be unpacked`, 'CORRUPT_FILE'));
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Belt and braces beside yauzl's own check: never hold more than the cap.
        if (size > cap) {
          stream.destroy();
          reject(new Unreadable(`${entry.fileName} unpacks to more than ${(cap / MB).toFixed(0)} MB (zip bomb)`, 'ZIP_BOMB'));
          return;
        }
        chunks.push(chunk);
      });
      stream.on('error', (streamError: Error) => {
        const lying = /too many bytes/i.test(streamError.message);
        reject(lying
          ? new Unreadable(`${entry.fileName} unpacks to more than its declared size (zip bomb)`, 'ZIP_BOMB')
          : new Unreadable(`the part ${entry.fileName} is damaged`, 'CORRUPT_FILE'));
      });
      stream.on('end', () => resolve(Buffer.concat(chunks, size)));
    });
  });
}
