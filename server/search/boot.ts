// Boot of the search index: loaded from its snapshot and caught up on what changed since, or built from the
// database (two id ranges read side by side), with the usage figures counted meanwhile; searches arriving before
// it is ready wait for it, briefly.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DomainError } from '../errors.ts';
import type { IndexedAsset } from './index.ts';
import type { LiveUpdates } from './live-updates.ts';
import type { IndexPersistence } from './persistence.ts';
import { indexedAssets, textBytesReader } from './queries.ts';
import { INDEX_BATCH, type SearchState } from './search-state.ts';
import type { UsageRanking } from './usage-ranking.ts';

/** A snapshot with more than this share of its assets changed since is dropped for a build from the database. */
const MOSTLY_CHANGED = 0.5;
/** Id ranges read in parallel at boot (ids are random UUIDs, so halves are even). */
const BUILD_RANGES: [string | null, string | undefined][] = [[null, '80000000-0000-0000-0000-000000000000'], ['7fffffff-ffff-ffff-ffff-ffffffffffff', undefined]];
/** A search arriving while the index is still being built waits this long, then gets a 503. */
const BUILD_WAIT_MS = 10_000;

/** The index is not built yet → 503. */
export class SearchWarmingUp extends DomainError { override readonly statusCode = 503; }

/** A build ended because the service closed: nothing went wrong. */
export class SearchClosed extends Error {}

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

export interface BootJobs {
  persistence: IndexPersistence;
  live: LiveUpdates;
  ranking: UsageRanking;
  /** The service's start (the build and its timers), for a search arriving before anyone started it. */
  start: () => void;
}

export type IndexBoot = ReturnType<typeof indexBoot>;

export function indexBoot(state: SearchState, { persistence, live, ranking, start }: BootJobs) {
  const { index, database } = state;
  const { db } = database;
  let building: Promise<BootReport> | null = null;

  /** Ends a build the service is closing under (a command that finished before the index did, a shutdown). */
  function stopIfClosing() {
    if (state.closing) throw new SearchClosed('the search service closed before its index was built');
  }

  /**
   * After loading a snapshot: reads every asset's metadata (not its text) and compares fingerprints; assets that
   * changed or are new since the snapshot are indexed again with their text, assets gone are dropped. Null when
   * so much changed that the index was cleared for a build from the database.
   */
  async function catchUp(): Promise<number | null> {
    const everything = await indexedAssets(db, 'all', 'none');
    stopIfClosing();
    await persistence.takeIn(everything);
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
      for (let i = 0; i < changed.length; i += INDEX_BATCH) {
        const batch = await indexedAssets(db, { ids: changed.slice(i, i + INDEX_BATCH) }, readTexts);
        stopIfClosing();
        await persistence.takeIn(batch);
        yield batch.assets;
      }
    }
    await index.indexMany(changedAssets());
    state.unsaved += changed.length + gone.length;
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
      const batch = indexedAssets(db, { after, before, limit: INDEX_BATCH }, readTexts);
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
        await persistence.takeIn(batch);
        yield batch.assets;
        // Let other requests (health checks, uploads) through between batches.
        await yieldToEventLoop();
      }
    }
  }

  async function build(): Promise<BootReport> {
    const started = performance.now();
    // Counted while the index is read (it is a scan of every usage event).
    const recount = ranking.countAll();
    recount.catch(() => {});
    let reindexed = (await persistence.restoreSnapshot()) ? await catchUp() : null;
    const restored = reindexed !== null;
    if (reindexed === null) {
      reindexed = await index.indexMany(everyAsset());
      state.unsaved = Math.max(1, index.size);
    }
    ranking.applyRecount(await recount);
    state.built = true;
    if (state.changedDuringBuild.size) {
      const ids = [...state.changedDuringBuild];
      state.changedDuringBuild.clear();
      await live.reindex(ids);
    }
    if (state.unsaved) void persistence.saveOrWarn();
    void persistence.tendTexts();
    return { from: restored ? 'snapshot' : 'database', assets: index.size, reindexed, storedTexts: state.texts?.size ?? 0, ms: Math.round(performance.now() - started) };
  }

  return {
    /** Builds the index once (again after a failed build); the same promise to every caller meanwhile. */
    build(): Promise<BootReport> {
      building ??= build().catch((error) => {
        building = null;
        throw error;
      });
      return building;
    },

    /** Waits for the index (starting its build if nobody did), up to BUILD_WAIT_MS: then SearchWarmingUp. */
    async whenBuilt(): Promise<void> {
      if (state.built) return;
      if (!building) start();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new SearchWarmingUp(`search is starting up (${index.size} assets indexed so far); try again in a few seconds`, 'SEARCH_WARMING_UP')), BUILD_WAIT_MS);
      });
      try {
        await Promise.race([building, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },

    /** Once a build under way has ended (at close: it stops at its next batch, before the database it reads goes). */
    async settled(): Promise<void> {
      await building?.catch(() => {});
    },
  };
}
