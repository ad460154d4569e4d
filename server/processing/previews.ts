import fs from 'node:fs/promises';
import path from 'node:path';

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Where rendered pictures live: DATA_DIR/previews/<sha256>/ holds thumb.webp and page-N.webp of one file body
 * (identical uploads share them), cards/ the generated cards by content hash.
 */
export function previewStore(dataDir: string) {
  const root = path.join(dataDir, 'previews');
  const dirOf = (sha256: string) => {
    // Only our own hashes make paths, so nothing can point outside the store.
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(root, sha256);
  };
  return {
    root,
    dirOf,
    thumbnail: (sha256: string) => path.join(dirOf(sha256), 'thumb.webp'),
    page: (sha256: string, page: number) => path.join(dirOf(sha256), `page-${page}.webp`),
    /** LibreOffice's rendering of an Office file, for page previews. */
    convertedPdf: (sha256: string) => path.join(dirOf(sha256), 'document.pdf'),
    /** ffmpeg's frame of a video. */
    poster: (sha256: string) => path.join(dirOf(sha256), 'poster.png'),
    card: (key: string) => path.join(root, 'cards', `${key}.webp`),

    /** Forgets rendered pages (reprocessing) while the thumbnail stays until replaced. */
    async removePages(sha256: string) {
      const dir = dirOf(sha256);
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
        if (/^page-\d+\.webp$/.test(name)) await fs.rm(path.join(dir, name), { force: true });
      }
    },

    /** Forgets every picture of a file body that is gone (the blob collector removed it). */
    remove: (sha256: string) => fs.rm(dirOf(sha256), { recursive: true, force: true }),

    /** Removes previews of file bodies that no longer exist, and cards nobody asked for in a week. */
    async collectGarbage(blobExists: (sha256: string) => Promise<boolean>): Promise<number> {
      let removed = 0;
      for (const name of await fs.readdir(root).catch(() => [] as string[])) {
        if (SHA256.test(name) && !(await blobExists(name))) {
          await fs.rm(path.join(root, name), { recursive: true, force: true });
          removed++;
        }
      }
      const cards = path.join(root, 'cards');
      for (const name of await fs.readdir(cards).catch(() => [] as string[])) {
        const stat = await fs.stat(path.join(cards, name)).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > 7 * 86_400_000) {
          await fs.rm(path.join(cards, name), { force: true });
          removed++;
        }
      }
      return removed;
    },
  };
}

export type PreviewStore = ReturnType<typeof previewStore>;
