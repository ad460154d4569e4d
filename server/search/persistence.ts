// Persistence of the search index between runs: the snapshot file (saved after a build, on a timer and at close;
// loaded at boot when it can be trusted) and the text store beside it, which keeps the texts for snippets local
// and is tended in the background (texts the build did not read copied in, sparse files compacted).
import type { IndexedAsset } from './index.ts';
import { stampedTexts, stampHasText, type HitSource } from './queries.ts';
import type { SearchState } from './search-state.ts';
import { readSnapshot, removeStaleTemporaries, writeSnapshot, type SnapshotData } from './snapshot-file.ts';
import type { SavedTexts, TextStore } from './text-store.ts';

/** Texts copied (or moved) into the text store per turn of the queue (see tendTexts): a few megabytes. */
const TEXT_COPY_BATCH = 200;

export type IndexPersistence = ReturnType<typeof indexPersistence>;

export function indexPersistence(state: SearchState) {
  const { index, texts, snapshotFile, warn } = state;
  let saving: Promise<void> | null = null;
  let tending: Promise<void> = Promise.resolve();
  let textsCopied: { texts: number; ms: number } | null = null;

  /** Keeps what a read brought beside the index: its hits' JSON sources, and its texts in the text store. */
  async function takeIn(batch: { assets: IndexedAsset[]; sources: HitSource[] }) {
    for (const source of batch.sources) state.sources.set(source.row.id, source);
    await storeTexts(batch.assets);
  }

  /**
   * Keeps the texts of these assets' versions in the text store, unless it has them as they are. Texts the read
   * did not bring (the boot build reads terms, a catch-up reads metadata) are noted for storeMissingTexts.
   */
  async function storeTexts(batch: IndexedAsset[]) {
    if (!texts) return;
    const fresh = new Map<string, { versionId: string; stamp: string; text: string | Uint8Array }>();
    for (const asset of batch) {
      for (const version of [asset.staffVersion, asset.salesVersion]) {
        if (!version?.stamp || texts.has(version.id, version.stamp)) continue;
        if (version.text) fresh.set(version.id, { versionId: version.id, stamp: version.stamp, text: version.text });
        else if (stampHasText(version.stamp)) state.textsToStore.add(version.id);
      }
    }
    for (const id of fresh.keys()) state.textsToStore.delete(id);
    try {
      await texts.append([...fresh.values()]);
    } catch (error) {
      // Snippets of these come from PostgreSQL instead.
      warn('could not store texts for snippets', error);
    }
  }

  /**
   * Copies into the text store, in the background once the index is ready, the texts the build did not read:
   * a build from the database reads the stored terms, not two gigabytes of text. Until a text is copied, its
   * snippets come from PostgreSQL. Each batch runs in the queue, so an asset indexed meanwhile is never
   * stored with an older text. Stops at close; the next process copies what is left.
   */
  async function storeMissingTexts(store: TextStore): Promise<number> {
    const started = performance.now();
    let copied = 0;
    while (state.textsToStore.size && !state.closing) {
      const ids = takeFirst(state.textsToStore, TEXT_COPY_BATCH);
      await state.inQueue(async () => {
        const found = (await stampedTexts(state.database, ids)).filter(({ versionId, stamp }) => !store.has(versionId, stamp));
        await store.append(found);
        copied += found.length;
      });
    }
    if (copied) textsCopied = { texts: copied, ms: Math.round(performance.now() - started) };
    return copied;
  }

  /** Moves the live texts out of files of earlier processes that hold mostly replaced ones (see TextStore.sparseTexts). */
  async function moveSparseTexts(store: TextStore): Promise<number> {
    const ids = store.sparseTexts();
    for (let i = 0; i < ids.length && !state.closing; i += TEXT_COPY_BATCH) await state.inQueue(() => store.move(ids.slice(i, i + TEXT_COPY_BATCH)));
    return ids.length;
  }

  /**
   * Keeps the text store whole and lean, in the background: after a build, then before each timed save. A failure
   * costs only speed (snippets come from PostgreSQL), so it is reported and the index serves on.
   */
  function tendTexts(): Promise<void> {
    if (!texts) return Promise.resolve();
    const run = tending.then(async () => {
      try {
        const changed = (await storeMissingTexts(texts)) + (await moveSparseTexts(texts));
        if (!changed) return;
        // The snapshot lists the stored texts: a restart then has them too.
        state.unsaved++;
        await saveOrWarn();
      } catch (error) {
        warn('could not copy texts for snippets; they come from PostgreSQL', error);
      }
    });
    tending = run;
    return run;
  }

  /** Writes the index to the snapshot file, in the queue: what is written must not change meanwhile. */
  function saveSnapshot(): Promise<void> {
    if (!snapshotFile || !index.snapshot) return Promise.resolve();
    if (saving) return saving;
    saving = state.inQueue(async () => {
      const changes = state.unsaved;
      const data = index.snapshot!();
      if (texts) {
        const held = new Set([...state.sources.values()].flatMap((source) => source.versions.map((v) => v.id)));
        texts.retain((versionId) => held.has(versionId));
        addTexts(data, await texts.saved());
      }
      await writeSnapshot(snapshotFile, data);
      state.unsaved -= changes;
    }).finally(() => { saving = null; });
    return saving;
  }

  /** Saves the index to the snapshot file if it changed since it was last saved (and is built). */
  async function saveIndex(): Promise<void> {
    await saving?.catch(() => {});
    if (state.built && state.unsaved > 0) await saveSnapshot();
  }

  /** saveIndex after a build, on the timer and at shutdown: a failed save is reported, and the index serves on. */
  function saveOrWarn(): Promise<void> {
    return saveIndex().catch((error) => warn('could not save the search index', error));
  }

  /** Loads the saved index, if there is one that can be trusted; false means building from the database. */
  async function restoreSnapshot(): Promise<boolean> {
    if (!snapshotFile || !index.restore) return false;
    await removeStaleTemporaries(snapshotFile);
    const data = await readSnapshot(snapshotFile);
    const saved = data && savedTexts(data);
    await texts?.removeOrphans(new Set(saved?.files ?? []));
    if (!data) return false;
    try {
      index.restore(data);
      if (saved && texts) {
        await texts.restore(saved);
        void texts.prewarm();
      }
      return true;
    } catch (error) {
      warn('the saved search index does not fit together; building it from the database', error);
      index.clear?.();
      return false;
    }
  }

  return {
    takeIn, tendTexts, saveIndex, saveOrWarn, restoreSnapshot,

    /** Once the texts a build did not read are in the text store (or the copy stopped): how many it copied, in how long. */
    async textsStored(): Promise<{ texts: number; ms: number } | null> {
      await tending;
      return textsCopied;
    },

    /** At close, once no build runs: the text copy stops at its next batch, the index is saved, the store closed. */
    async close(): Promise<void> {
      await tending;
      await saveOrWarn();
      await texts?.close();
    },
  };
}

/** Removes and returns up to `count` items of a set, in insertion order. */
function takeFirst<T>(set: Set<T>, count: number): T[] {
  const taken: T[] = [];
  for (const item of set) {
    if (taken.length === count) break;
    taken.push(item);
  }
  for (const item of taken) set.delete(item);
  return taken;
}

/** Adds the text store's part to a snapshot of the index. */
function addTexts(data: SnapshotData, saved: SavedTexts) {
  data.meta.textFiles = saved.files;
  data.arrays.textFile = saved.file;
  data.arrays.textAt = saved.at;
  data.arrays.textBytes = saved.bytes;
  data.lines.textVersions = saved.versionIds;
  data.lines.textStamps = saved.stamps;
}

/** The text store's part of a snapshot, when it has one that fits together. */
function savedTexts(data: SnapshotData): SavedTexts | null {
  const { textFile: file, textAt: at, textBytes: bytes } = data.arrays;
  const { textVersions: versionIds, textStamps: stamps } = data.lines;
  const files = data.meta.textFiles;
  if (!(file instanceof Uint16Array && at instanceof Float64Array && bytes instanceof Float64Array) || !versionIds || !stamps || !Array.isArray(files)) return null;
  const count = versionIds.length;
  if (file.length !== count || at.length !== count || bytes.length !== count || stamps.length !== count) return null;
  return { files: files.map(String), file, at, bytes, versionIds, stamps };
}
