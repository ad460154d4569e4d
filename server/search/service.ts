import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { audienceOf, countsAsUse } from '../access/visibility.ts';
import { toAssetJson } from '../assets/queries.ts';
import { KINDS } from '../assets/file-type.ts';
import type { AssetJson } from '../assets/schemas.ts';
import type { CurrentUser } from '../auth/roles.ts';
import type { Database } from '../db/client.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { DomainError, Invalid } from '../errors.ts';
import type { FacetKey, TaxonomyService } from '../taxonomy/service.ts';
import { SEARCH_FACETS, type AssetUsage, type IndexedAsset, type SearchFacet, type SearchFilters, type SearchIndex } from './index.ts';
import { MemorySearchIndex } from './memory-index.ts';
import { assetsUsedSince, assetsWithTerm, indexedAssets, logSearches, ownerNames, stampedTexts, stampHasText, textBytesReader, usageFigures, versionTexts, type HitSource, type SearchLogEntry } from './queries.ts';
import { parseQuery } from './query-parser.ts';
import { readSnapshot, removeStaleTemporaries, writeSnapshot, type SnapshotData } from './snapshot-file.ts';
import { TextStore, type SavedTexts, type StoredText } from './text-store.ts';
import { SCAN_LIMIT, snippet, type Snippet } from './snippets.ts';
import { fold, wordsOf } from './text.ts';

/** PostgreSQL channel on which each process tells the others which asset changed. */
export const SEARCH_CHANNEL = 'content_hub_search';

const BUILD_BATCH = 500;
/** Texts copied (or moved) into the text store per turn of the queue (see tendTexts): a few megabytes. */
const TEXT_COPY_BATCH = 200;
/** A changed index is saved this often (and when the service closes), so a crash costs a short catch-up. */
const SNAPSHOT_EVERY_MS = 15 * 60_000;
/** A snapshot with more than this share of its assets changed since is dropped for a build from the database. */
const MOSTLY_CHANGED = 0.5;
/** Id ranges read in parallel at boot (ids are random UUIDs, so halves are even). */
const BUILD_RANGES: [string | null, string | undefined][] = [[null, '80000000-0000-0000-0000-000000000000'], ['7fffffff-ffff-ffff-ffff-ffffffffffff', undefined]];
/** A search arriving while the index is still being built waits this long, then gets a 503. */
const BUILD_WAIT_MS = 10_000;
const USAGE_REFRESH_MS = 60_000;
const USAGE_RECOUNT_MS = 3_600_000;
const TAXONOMY_REFRESH_MS = 60_000;
/** Owner names on hits may lag a rename by this much. */
const OWNERS_REFRESH_MS = 60_000;
const SUGGESTIONS = 8;
/**
 * Text read for snippets: this many characters first, which holds the match for most hits and is a fraction of a
 * long document, then up to the snippet's scan limit for the hits whose words come later. (Steps of 4k and 32k
 * first measured no faster: the re-reads cost what the shorter first read saved.)
 */
const SNIPPET_READS = [16_384, SCAN_LIMIT];
/** Searches are logged in batches at most this old, so no search waits for the log's commit. */
const LOG_FLUSH_MS = 50;
const LOG_BATCH = 500;
/** Hits of a search the log keeps (a first page's worth). */
const SHOWN_LOGGED = 20;
/** While the database is away, searches wait this long for another try, this many at most (the oldest go first). */
const LOG_RETRY_MS = 5_000;
const LOG_HELD = 20 * LOG_BATCH;

/** The index is not built yet → 503. */
export class SearchWarmingUp extends DomainError { override readonly statusCode = 503; }

export interface SearchParams {
  q?: string;
  persona?: string[]; stage?: string[]; kind?: string[]; product?: string[]; industry?: string[]; language?: string[]; tag?: string[];
  limit: number;
  offset: number;
}

export interface SearchResponse {
  queryId: string;
  /** The query as understood: trimmed, cut, and empty when it has no words (punctuation alone browses). */
  query: string;
  total: number;
  /** Of `total`, the hits that match only some of the words; they come after all that match every word. */
  partialCount: number;
  hits: { asset: AssetJson; score: number; snippet: Snippet | null; matchesAll: boolean; usage: { last30Days: number; people30Days: number } }[];
  facets: Record<SearchFacet, { value: string; label: string; count: number }[]>;
}

/** How the index came up at boot. */
export interface BootReport {
  from: 'snapshot' | 'database';
  /** Assets held once ready. */
  assets: number;
  /** Assets read with their text: all of them from the database, or those changed since the snapshot. */
  reindexed: number;
  /** Versions whose text snippets come from the local text store rather than PostgreSQL. */
  storedTexts: number;
  ms: number;
}

export interface SearchServiceOptions {
  index?: SearchIndex;
  /**
   * Where the index is saved between runs (see snapshot-file.ts): a restart loads it and re-indexes only what
   * changed since. Without it the index is built from the database at every boot.
   */
  snapshotFile?: string;
  /** Where failures of background work go (the index keeps serving what it has). */
  warn?: (message: string, error: unknown) => void;
}

type TaxonomyFacet = Exclude<SearchFacet, 'kind'>;
const TAXONOMY_FACETS = SEARCH_FACETS.filter((f): f is TaxonomyFacet => f !== 'kind');
const KIND_LABELS = Object.fromEntries(KINDS.map((k) => [k, k.charAt(0).toUpperCase() + k.slice(1)]));

/**
 * Sales search: keeps the index in step with the database (built at boot, updated on every asset change,
 * caught up from other processes through LISTEN/NOTIFY) and answers searches with the page of assets,
 * snippets and facet counts; logs every search for the reports.
 */
export function searchService(database: Database, taxonomy: TaxonomyService, options: SearchServiceOptions = {}) {
  const { db } = database;
  const index = options.index ?? new MemorySearchIndex();
  const { snapshotFile } = options;
  /** Texts for snippets, beside the snapshot (see text-store.ts); without a snapshot they come from PostgreSQL. */
  const texts = snapshotFile ? new TextStore(path.dirname(snapshotFile)) : null;
  const warn = options.warn ?? ((message: string, error: unknown) => console.error(`search: ${message}`, error));
  /** Tells our own notifications apart from other processes'. */
  const origin = randomUUID();
  let building: Promise<BootReport> | null = null;
  let built = false;
  /** Assets changed while the index was being built; indexed again once it is. */
  const changedDuringBuild = new Set<string>();
  /** Assets other processes changed, indexed in one batch on the next turn of the event loop. */
  const remoteChanges = new Set<string>();
  let remoteFlush: Promise<void> | null = null;
  const timers: NodeJS.Timeout[] = [];
  let usage = new Map<string, AssetUsage>();
  let lastEventId = 0;
  let usageRefresh: Promise<void> | null = null;
  let labels: { at: number; byFacet: Map<FacetKey, Map<string, string>> } | null = null;
  /**
   * What each indexed asset's JSON is made of, kept in step with the index: a page of hits becomes API JSON
   * without a query (three small queries were half of a search's time). Visibility is the index's, by the same
   * rule as liveForSales.
   */
  const sources = new Map<string, HitSource>();
  let owners: { at: number; names: Map<string, string> } | null = null;
  /** Assets (re)indexed or removed since the snapshot was last saved. */
  let unsaved = 0;
  /** Versions whose texts are still to be copied into the text store (see storeMissingTexts). */
  const textsToStore = new Set<string>();
  let tending: Promise<void> = Promise.resolve();
  let textsCopied: { texts: number; ms: number } | null = null;
  let closing = false;
  let unlogged: SearchLogEntry[] = [];
  let logTimer: NodeJS.Timeout | null = null;
  let logWrite: Promise<void> = Promise.resolve();

  function logSearch(entry: SearchLogEntry) {
    unlogged.push(entry);
    if (unlogged.length >= LOG_BATCH) void service.flushLog();
    else logTimer ??= setTimeout(() => void service.flushLog(), LOG_FLUSH_MS);
  }

  /**
   * Runs `work` after everything queued before it has run: re-indexing, saving and copying texts never
   * interleave, so a later read is never overtaken by an earlier one and what is saved does not change meanwhile.
   */
  let queue: Promise<void> = Promise.resolve();
  function inQueue(work: () => Promise<void>): Promise<void> {
    const run = queue.then(work);
    queue = run.catch(() => {});
    return run;
  }

  /** Re-reads assets and indexes them, in the queue. */
  function reindex(assetIds: string[]): Promise<void> {
    return inQueue(() => readAndIndex(assetIds));
  }

  async function readAndIndex(assetIds: string[]) {
    const batch = await indexedAssets(db, { ids: assetIds });
    await takeIn(batch);
    const found = batch.assets;
    for (const asset of found) index.index(asset);
    const present = new Set(found.map((a) => a.id));
    for (const id of assetIds) {
      if (present.has(id)) continue;
      index.remove(id);
      sources.delete(id);
    }
    unsaved += assetIds.length;
  }

  /** Keeps what a read brought beside the index: its hits' JSON sources, and its texts in the text store. */
  async function takeIn(batch: { assets: IndexedAsset[]; sources: HitSource[] }) {
    for (const source of batch.sources) sources.set(source.row.id, source);
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
        else if (stampHasText(version.stamp)) textsToStore.add(version.id);
      }
    }
    for (const id of fresh.keys()) textsToStore.delete(id);
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
    while (textsToStore.size && !closing) {
      const ids = takeFirst(textsToStore, TEXT_COPY_BATCH);
      await inQueue(async () => {
        const found = (await stampedTexts(database, ids)).filter(({ versionId, stamp }) => !store.has(versionId, stamp));
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
    for (let i = 0; i < ids.length && !closing; i += TEXT_COPY_BATCH) await inQueue(() => store.move(ids.slice(i, i + TEXT_COPY_BATCH)));
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
        unsaved++;
        await saveOrWarn();
      } catch (error) {
        warn('could not copy texts for snippets; they come from PostgreSQL', error);
      }
    });
    tending = run;
    return run;
  }

  /** The start of hits' texts: from the text store, and from PostgreSQL for what it lacks. */
  async function snippetTexts(versionIds: string[], chars: number): Promise<Map<string, StoredText>> {
    const found = texts ? texts.read(versionIds, chars) : new Map<string, StoredText>();
    const missing = versionIds.filter((id) => !found.has(id));
    for (const [id, text] of await versionTexts(db, missing, chars)) found.set(id, { text, whole: text.length < chars });
    return found;
  }

  /** Writes the index to the snapshot file, in the queue: what is written must not change meanwhile. */
  let saving: Promise<void> | null = null;
  function saveSnapshot(): Promise<void> {
    if (!snapshotFile || !index.snapshot) return Promise.resolve();
    if (saving) return saving;
    saving = inQueue(async () => {
      const changes = unsaved;
      const data = index.snapshot!();
      if (texts) {
        const held = new Set([...sources.values()].flatMap((source) => source.versions.map((v) => v.id)));
        texts.retain((versionId) => held.has(versionId));
        addTexts(data, await texts.saved());
      }
      await writeSnapshot(snapshotFile, data);
      unsaved -= changes;
    }).finally(() => { saving = null; });
    return saving;
  }

  /** saveIndex after a build, on the timer and at shutdown: a failed save is reported, and the index serves on. */
  function saveOrWarn(): Promise<void> {
    return service.saveIndex().catch((error) => warn('could not save the search index', error));
  }

  /** Ends a build the service is closing under (a command that finished before the index did, a shutdown). */
  function stopIfClosing() {
    if (closing) throw new SearchClosed('the search service closed before its index was built');
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

  /**
   * After loading a snapshot: reads every asset's metadata (not its text) and compares fingerprints; assets that
   * changed or are new since the snapshot are indexed again with their text, assets gone are dropped. Null when
   * so much changed that the index was cleared for a build from the database.
   */
  async function catchUp(): Promise<number | null> {
    const everything = await indexedAssets(db, 'all', 'none');
    stopIfClosing();
    await takeIn(everything);
    const present = new Set(everything.assets.map((asset) => asset.id));
    const changed = everything.assets.filter((asset) => index.fingerprint(asset.id) !== asset.fingerprint).map((asset) => asset.id);
    // Mostly changed (a restored dump stamps every row anew, so does a migration rewriting every asset):
    // replacing most of the index costs more than building it afresh.
    if (changed.length > MOSTLY_CHANGED * everything.assets.length && index.clear) {
      index.clear();
      return null;
    }
    const gone = [...index.assetIds()].filter((id) => !present.has(id));
    for (const id of gone) index.remove(id);
    const readTexts = textBytesReader(database, 'text') ?? 'text';
    async function* changedAssets(): AsyncGenerator<IndexedAsset[]> {
      for (let i = 0; i < changed.length; i += BUILD_BATCH) {
        const batch = await indexedAssets(db, { ids: changed.slice(i, i + BUILD_BATCH) }, readTexts);
        stopIfClosing();
        await takeIn(batch);
        yield batch.assets;
      }
    }
    await index.indexMany(changedAssets());
    unsaved += changed.length + gone.length;
    return changed.length + gone.length;
  }

  /**
   * Every asset, in batches. Two ranges of ids are read side by side, each fetching its next batch while the
   * index digests the current one: de-TOASTing two gigabytes of text is PostgreSQL's share of the build, and
   * this lets it use two backends.
   */
  async function* everyAsset(): AsyncGenerator<IndexedAsset[]> {
    // A read failing while the other range is awaited must fail the build, not the process (unhandled rejection).
    const readTexts = textBytesReader(database, 'terms') ?? 'terms';
    const read = (after: string | null, before: string | undefined) => {
      const batch = indexedAssets(db, { after, before, limit: BUILD_BATCH }, readTexts);
      batch.catch(() => {});
      return batch;
    };
    const ranges = BUILD_RANGES.map(([after, before]) => ({ before, next: read(after, before) }));
    while (ranges.length) {
      for (const range of [...ranges]) {
        const batch = await range.next;
        stopIfClosing();
        if (batch.sources.length === 0) {
          ranges.splice(ranges.indexOf(range), 1);
          continue;
        }
        range.next = read(batch.lastId, range.before);
        await takeIn(batch);
        yield batch.assets;
        // Let other requests (health checks, uploads) through between batches.
        await yieldToEventLoop();
      }
    }
  }

  async function build(): Promise<BootReport> {
    const started = performance.now();
    // Counted while the index is read (it is a scan of every usage event).
    const recount = usageFigures(db);
    recount.catch(() => {});
    let reindexed = (await restoreSnapshot()) ? await catchUp() : null;
    const restored = reindexed !== null;
    if (reindexed === null) {
      reindexed = await index.indexMany(everyAsset());
      unsaved = Math.max(1, index.size);
    }
    applyRecount(await recount);
    built = true;
    if (changedDuringBuild.size) {
      const ids = [...changedDuringBuild];
      changedDuringBuild.clear();
      await reindex(ids);
    }
    if (unsaved) void saveOrWarn();
    void tendTexts();
    return { from: restored ? 'snapshot' : 'database', assets: index.size, reindexed, storedTexts: texts?.size ?? 0, ms: Math.round(performance.now() - started) };
  }

  async function whenBuilt() {
    if (built) return;
    if (!building) service.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SearchWarmingUp(`search is starting up (${index.size} assets indexed so far); try again in a few seconds`, 'SEARCH_WARMING_UP')), BUILD_WAIT_MS);
    });
    try {
      await Promise.race([building, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Replaces every asset's usage figures with a full recount. */
  function applyRecount(figures: Awaited<ReturnType<typeof usageFigures>>) {
    const changes = new Map(figures.usage);
    for (const assetId of usage.keys()) if (!changes.has(assetId)) changes.set(assetId, { decayed: 0, last30Days: 0, people30Days: 0 });
    usage = figures.usage;
    lastEventId = figures.lastEventId;
    index.setUsage(changes);
  }

  async function refreshUsage(recount: boolean) {
    if (recount) {
      applyRecount(await usageFigures(db));
      return;
    }
    const recent = await assetsUsedSince(db, lastEventId);
    lastEventId = recent.lastEventId;
    if (recent.assetIds.length === 0) return;
    // The assets used since are counted again, not added to: whether a new event is a new person-day depends on
    // the events before it. (An event counted here and again by the next refresh changes nothing.)
    const { usage: recounted } = await usageFigures(db, recent.assetIds);
    const changes = new Map<string, AssetUsage>();
    for (const assetId of recent.assetIds) {
      const after = recounted.get(assetId) ?? { decayed: 0, last30Days: 0, people30Days: 0 };
      usage.set(assetId, after);
      changes.set(assetId, after);
    }
    index.setUsage(changes);
  }

  /** Tells the other processes what changed (see remoteChange); never throws, the change is committed anyway. */
  async function notifyOthers(change: { assetId: string } | { term: [FacetKey, string] }) {
    try {
      await db.execute(sql`select pg_notify(${SEARCH_CHANNEL}, ${JSON.stringify({ origin, ...change })})`);
    } catch (error) {
      warn('could not notify other processes of a change', error);
    }
  }

  /** User id → name, for the owners of hits (users are few; renames show within OWNERS_REFRESH_MS). */
  async function ownerName(ids: string[]): Promise<Map<string, string>> {
    // A user added since the last read (a new marketer's first upload) is read at once, not named "unknown".
    if (!owners || Date.now() - owners.at > OWNERS_REFRESH_MS || ids.some((id) => !owners!.names.has(id))) {
      owners = { at: Date.now(), names: await ownerNames(db) };
    }
    return owners.names;
  }

  /** Slug → label per facet, for facet labels, snippets and the names of valid filter values. */
  async function taxonomyLabels(force = false) {
    if (!labels || force || Date.now() - labels.at > TAXONOMY_REFRESH_MS) {
      const byFacet = new Map<FacetKey, Map<string, string>>();
      for (const facet of await taxonomy.list()) byFacet.set(facet.key, new Map(facet.terms.map((t) => [t.slug, t.label])));
      labels = { at: Date.now(), byFacet };
    }
    return labels.byFacet;
  }

  /** The filters of a request, checked: an unknown value is a 400 naming the valid ones. */
  async function checkedFilters(params: SearchParams): Promise<SearchFilters> {
    const filters: SearchFilters = {};
    for (const facet of TAXONOMY_FACETS) {
      const values = [...new Set(params[facet] ?? [])];
      if (values.length === 0) continue;
      let known = (await taxonomyLabels()).get(facet)!;
      // An admin may have just added the term.
      if (values.some((v) => !known.has(v))) known = (await taxonomyLabels(true)).get(facet)!;
      const unknown = values.filter((v) => !known.has(v));
      if (unknown.length) {
        throw new Invalid(`unknown ${facet} ${unknown.map((v) => `"${v}"`).join(', ')}; known: ${[...known.keys()].join(', ') || '(none yet — an admin adds them)'}`, 'UNKNOWN_FILTER_VALUE');
      }
      filters[facet] = values;
    }
    const kinds = [...new Set(params.kind ?? [])];
    const unknownKinds = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
    if (unknownKinds.length) throw new Invalid(`unknown kind ${unknownKinds.map((v) => `"${v}"`).join(', ')}; known: ${KINDS.join(', ')}`, 'UNKNOWN_FILTER_VALUE');
    if (kinds.length) filters.kind = kinds;
    // Tags are free text, stored trimmed and lower-cased.
    const tags = [...new Set((params.tag ?? []).map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase()).filter(Boolean))];
    if (tags.length) filters.tag = tags;
    return filters;
  }

  const service = {
    index,

    /** Builds the index, from its snapshot and the changes since or from the database (searches wait for it). */
    start(): Promise<BootReport> {
      building ??= build().catch((error) => {
        building = null;
        throw error;
      });
      // Usage figures and freshness drift; refresh them on a timer, not per query.
      if (timers.length === 0) {
        timers.push(setInterval(() => void service.refreshUsage().catch((e) => warn('usage refresh failed', e)), USAGE_REFRESH_MS).unref());
        timers.push(setInterval(() => void service.refreshUsage(true).catch((e) => warn('usage recount failed', e)), USAGE_RECOUNT_MS).unref());
        if (snapshotFile) timers.push(setInterval(() => void tendTexts().then(saveOrWarn), SNAPSHOT_EVERY_MS).unref());
      }
      return building;
    },

    /** Re-reads usage_events: the assets used since the last refresh, or every asset (with decay) when `recount`. */
    async refreshUsage(recount = false): Promise<void> {
      // One refresh at a time: the incremental one advances a cursor.
      while (usageRefresh) await usageRefresh;
      usageRefresh = refreshUsage(recount).finally(() => { usageRefresh = null; });
      await usageRefresh;
    },

    /**
     * An asset changed in this process: index it now (so it is findable by the next request) and tell the
     * other processes. Never throws: the change is committed whatever happens to the index.
     */
    async assetChanged(assetId: string): Promise<void> {
      try {
        if (built) await reindex([assetId]);
        else changedDuringBuild.add(assetId);
      } catch (error) {
        warn(`could not index asset ${assetId}`, error);
      }
      await notifyOthers({ assetId });
    },

    /**
     * A taxonomy term was relabelled or moved: its assets are indexed again, here and (by one notification, not
     * one per asset) in the other processes. Never throws, like assetChanged.
     */
    async termChanged(facet: FacetKey, slug: string, notify = true): Promise<void> {
      labels = null;
      try {
        const ids = await assetsWithTerm(db, facet, slug);
        if (!built) for (const id of ids) changedDuringBuild.add(id);
        else for (let i = 0; i < ids.length; i += BUILD_BATCH) await reindex(ids.slice(i, i + BUILD_BATCH));
      } catch (error) {
        warn(`could not index the assets tagged ${facet} "${slug}" again`, error);
      }
      if (notify) await notifyOthers({ term: [facet, slug] });
    },

    /** A NOTIFY from some process (ourselves included, which we skip). */
    remoteChange(payload: string): Promise<void> {
      let message: { origin?: string; assetId?: string; term?: [FacetKey, string] };
      try {
        message = JSON.parse(payload);
      } catch {
        return Promise.resolve();
      }
      if (message.origin === origin) return Promise.resolve();
      if (Array.isArray(message.term) && message.term.length === 2) return service.termChanged(message.term[0], message.term[1], false);
      if (typeof message.assetId !== 'string') return Promise.resolve();
      if (!built) {
        changedDuringBuild.add(message.assetId);
        return Promise.resolve();
      }
      remoteChanges.add(message.assetId);
      remoteFlush ??= yieldToEventLoop().then(async () => {
        const ids = [...remoteChanges];
        remoteChanges.clear();
        remoteFlush = null;
        try {
          await reindex(ids);
        } catch (error) {
          warn('could not index assets changed elsewhere', error);
        }
      });
      return remoteFlush;
    },

    async search(user: CurrentUser, params: SearchParams): Promise<SearchResponse> {
      await whenBuilt();
      const filters = await checkedFilters(params);
      const query = parseQuery(params.q ?? '');
      const outcome = index.query({ query, audience: audienceOf(user), filters, limit: params.limit, offset: params.offset, now: Date.now() });
      const queryId = randomUUID();
      // The hits shown (up to SHOWN_LOGGED), so reports can tell an asset never shown from one shown and not opened.
      logSearch({ id: queryId, userId: user.id, query: query.text, filters, resultCount: outcome.total,
        shownAssetIds: outcome.hits.slice(0, SHOWN_LOGGED).map((h) => h.assetId), counted: countsAsUse(user) });
      const [names, starts, byFacet] = await Promise.all([
        ownerName(outcome.hits.flatMap((h) => sources.get(h.assetId)?.row.ownerId ?? [])),
        snippetTexts(outcome.hits.filter((h) => h.matchedIn === 'text').map((h) => h.versionId), SNIPPET_READS[0]!),
        taxonomyLabels(),
      ]);
      const labelOf = (facet: FacetKey, slug: string) => byFacet.get(facet)?.get(slug) ?? slug;
      const snippetOf = (asset: AssetJson, text: string | undefined) => {
        const termLabels = [
          ...asset.personas.map((s) => labelOf('persona', s)), ...asset.stages.map((s) => labelOf('stage', s)),
          ...asset.products.map((s) => labelOf('product', s)), ...asset.industries.map((s) => labelOf('industry', s)),
          ...(asset.language ? [labelOf('language', asset.language)] : []),
        ];
        return snippet({
          title: asset.title, tags: asset.tags.join(', '), labels: termLabels.join(', '), filename: asset.version.filename,
          description: asset.description, text,
        }, outcome.matched);
      };
      const hits = outcome.hits.flatMap((hit) => {
        const source = sources.get(hit.assetId);
        if (!source) return [];
        const { row, terms, versions } = source;
        const owner = names.has(row.ownerId) ? { id: row.ownerId, name: names.get(row.ownerId)! } : undefined;
        const asset = toAssetJson(user, row, { terms, owner, versions: new Map(versions.map((v) => [v.id, v])) });
        return [{ hit, asset, snippet: snippetOf(asset, starts.get(hit.versionId)?.text) }];
      });
      // Words found only further into a long text: read further for those hits alone.
      let read = starts;
      for (const size of SNIPPET_READS.slice(1)) {
        const later = hits.filter(({ hit, snippet: cut }) => hit.matchedIn === 'text' && cut?.field !== 'text' && read.get(hit.versionId)?.whole === false);
        if (later.length === 0) break;
        read = await snippetTexts(later.map(({ hit }) => hit.versionId), size);
        for (const entry of later) entry.snippet = snippetOf(entry.asset, read.get(entry.hit.versionId)?.text) ?? entry.snippet;
      }
      const facets = {} as SearchResponse['facets'];
      for (const facet of SEARCH_FACETS) {
        facets[facet] = outcome.facets[facet].map(({ value, count }) => ({
          value, count, label: facet === 'kind' ? KIND_LABELS[value] ?? value : labelOf(facet, value),
        }));
      }
      return {
        queryId, query: query.text, total: outcome.total, partialCount: outcome.partialCount, facets,
        hits: hits.map(({ hit, asset, snippet: cut }) => ({
          asset, score: hit.score, snippet: cut, matchesAll: hit.matchesAll,
          usage: { last30Days: hit.usage.last30Days, people30Days: hit.usage.people30Days },
        })),
      };
    },

    /** Completions of what is being typed and titles of the best matches, from assets this user may see. */
    async suggest(user: CurrentUser, q: string): Promise<{ suggestions: string[] }> {
      await whenBuilt();
      const query = parseQuery(q);
      const last = query.words.at(-1);
      if (!last) return { suggestions: [] };
      const outcome = index.query({ query, audience: audienceOf(user), filters: {}, limit: SUGGESTIONS, offset: 0, now: Date.now(), completeAll: true });
      const ordered = outcome.hits.flatMap((h) => sources.get(h.assetId)?.row ?? []);
      // What the user typed before the word being completed, kept as typed.
      const typedWords = wordsOf(query.text);
      const head = query.text.slice(0, typedWords.at(-1)?.start ?? 0);
      const completing = new Set(outcome.matched.at(-1)?.terms ?? []);
      const completions = new Map<string, number>();
      for (const row of ordered) {
        for (const value of [row.title, ...row.tags]) {
          for (const w of wordsOf(value)) {
            if (!completing.has(w.word)) continue;
            const completed = `${head}${value.slice(w.start, w.end).toLowerCase()}`;
            completions.set(completed, (completions.get(completed) ?? 0) + 1);
          }
        }
      }
      // Taxonomy labels starting with what was typed ("eval" → Evaluation).
      const typed = fold(query.text);
      const labelMatches = [...(await taxonomyLabels()).values()].flatMap((m) => [...m.values()]).filter((label) => fold(label).startsWith(typed));
      const suggestions = [
        ...[...completions].sort((a, b) => b[1] - a[1]).map(([text]) => text).slice(0, 4),
        ...labelMatches.slice(0, 2),
        ...ordered.map((r) => r.title),
      ];
      const seen = new Set<string>();
      return { suggestions: suggestions.filter((s) => !seen.has(fold(s)) && !!seen.add(fold(s))).slice(0, SUGGESTIONS) };
    },

    /** Writes the searches logged so far (they are otherwise written within LOG_FLUSH_MS). */
    async flushLog(): Promise<void> {
      if (logTimer) clearTimeout(logTimer);
      logTimer = null;
      const entries = unlogged;
      unlogged = [];
      // One write at a time, in order.
      logWrite = logWrite.then(() => logSearches(db, entries)).catch((error) => {
        if (closing || !isDatabaseUnavailable(error)) return warn(`could not log ${entries.length} searches`, error);
        // The database is away for a moment (a restart): keep them for the next try rather than lose the reports' rows.
        unlogged = [...entries, ...unlogged].slice(-LOG_HELD);
        logTimer ??= setTimeout(() => void service.flushLog(), LOG_RETRY_MS);
      });
      await logWrite;
    },

    /** Saves the index to the snapshot file if it changed since it was last saved (and is built). */
    async saveIndex(): Promise<void> {
      await saving?.catch(() => {});
      if (built && unsaved > 0) await saveSnapshot();
    },

    /** Once the texts a build did not read are in the text store (or the copy stopped): how many it copied, in how long. */
    async textsStored(): Promise<{ texts: number; ms: number } | null> {
      await tending;
      return textsCopied;
    },

    async close(): Promise<void> {
      closing = true;
      // A build under way stops at its next batch, before the database it reads goes.
      await building?.catch(() => {});
      await tending;
      for (const timer of timers) clearInterval(timer);
      timers.length = 0;
      await service.flushLog();
      await saveOrWarn();
      await texts?.close();
    },
  };
  return service;
}

export type SearchService = ReturnType<typeof searchService>;

/** A build ended because the service closed: nothing went wrong. */
export class SearchClosed extends Error {}

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
