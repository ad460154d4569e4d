// Sales search, as the rest of the server sees it: one service made of its jobs, each in its own file around the
// state they share (search-state.ts): boot.ts builds the index, persistence.ts saves it and tends the text store,
// live-updates.ts keeps it in step with changes here and in other processes, usage-ranking.ts with usage, and
// answers.ts answers searches and suggestions. This file wires them together and runs their timers.
import type { Database } from '../db/client.ts';
import type { FacetKey, TaxonomyService } from '../taxonomy/service.ts';
import type { UsageService } from '../usage/service.ts';
import { searchAnswers } from './answers.ts';
import { indexBoot, type BootReport } from './boot.ts';
import type { SearchIndex } from './index.ts';
import { liveUpdates } from './live-updates.ts';
import { indexPersistence } from './persistence.ts';
import { searchState, type Warn } from './search-state.ts';
import { usageRanking } from './usage-ranking.ts';

export { SEARCH_CHANNEL } from './live-updates.ts';
export { SearchClosed, SearchWarmingUp, type BootReport } from './boot.ts';
export type { SearchParams, SearchResponse } from './answers.ts';

/** A changed index is saved this often (and when the service closes), so a crash costs a short catch-up. */
const SNAPSHOT_EVERY_MS = 15 * 60_000;
const USAGE_REFRESH_MS = 60_000;
const USAGE_RECOUNT_MS = 3_600_000;

export interface SearchServiceOptions {
  index?: SearchIndex;
  /**
   * Where the index is saved between runs (see snapshot-file.ts): a restart loads it and re-indexes only what
   * changed since. Without it the index is built from the database at every boot.
   */
  snapshotFile?: string;
  /** Where failures of background work go (the index keeps serving what it has). */
  warn?: Warn;
}

/**
 * Sales search: keeps the index in step with the database (built at boot, updated on every asset change,
 * caught up from other processes through LISTEN/NOTIFY) and answers searches with the page of assets,
 * snippets and facet counts; logs every search through usage, whose figures rank the hits.
 */
export function searchService(database: Database, taxonomy: TaxonomyService, usage: UsageService, options: SearchServiceOptions = {}) {
  const state = searchState(database, options);
  const persistence = indexPersistence(state);
  const ranking = usageRanking(state, usage);
  const live = liveUpdates(state, persistence);
  const boot = indexBoot(state, { persistence, live, ranking, start: () => void service.start() });
  const answers = searchAnswers(state, taxonomy, usage, boot.whenBuilt);
  const timers: NodeJS.Timeout[] = [];
  const warn = state.warn;

  const service = {
    index: state.index,

    /** Builds the index, from its snapshot and the changes since or from the database (searches wait for it). */
    start(): Promise<BootReport> {
      const building = boot.build();
      // Usage figures and freshness drift; refresh them on a timer, not per query.
      if (timers.length === 0) {
        timers.push(setInterval(() => void ranking.refresh().catch((e) => warn('usage refresh failed', e)), USAGE_REFRESH_MS).unref());
        timers.push(setInterval(() => void ranking.refresh(true).catch((e) => warn('usage recount failed', e)), USAGE_RECOUNT_MS).unref());
        if (state.snapshotFile) timers.push(setInterval(() => void persistence.tendTexts().then(persistence.saveOrWarn), SNAPSHOT_EVERY_MS).unref());
      }
      return building;
    },

    /** Re-reads usage: the assets used since the last refresh, or every asset (with decay) when `recount`. */
    refreshUsage: (recount = false): Promise<void> => ranking.refresh(recount),

    /** An asset changed in this process: indexed now and announced to the others (see live-updates.ts). Never throws. */
    assetChanged: (assetId: string): Promise<void> => live.assetChanged(assetId),

    /** A taxonomy term was relabelled or moved: its assets are indexed again, here and elsewhere. Never throws. */
    termChanged: (facet: FacetKey, slug: string, notify = true): Promise<void> => live.termChanged(facet, slug, notify),

    /** A NOTIFY from some process (ourselves included, which we skip). */
    remoteChange: (payload: string): Promise<void> => live.remoteChange(payload),

    /** Notifications were lost (LISTEN reconnected): indexes again whatever changed meanwhile; how many assets. */
    resync: (): Promise<number> => live.resync(),

    search: answers.search,
    peek: answers.peek,
    suggest: answers.suggest,

    /** Saves the index to the snapshot file if it changed since it was last saved (and is built). */
    saveIndex: (): Promise<void> => persistence.saveIndex(),

    /** Once the texts a build did not read are in the text store (or the copy stopped): how many it copied, in how long. */
    textsStored: () => persistence.textsStored(),

    async close(): Promise<void> {
      state.closing = true;
      // A build under way stops at its next batch, before the database it reads goes.
      await boot.settled();
      for (const timer of timers) clearInterval(timer);
      timers.length = 0;
      // A usage refresh the last tick started reads the database: let it end first.
      await ranking.settled();
      await persistence.close();
    },
  };
  return service;
}

export type SearchService = ReturnType<typeof searchService>;
