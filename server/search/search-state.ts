// What the search service's jobs share (boot, persistence, live updates, usage ranking, answers): the index and
// what is kept beside it, where the build stands, and the queue that orders every change to the index. One object,
// passed to each job, so what is shared is written down here rather than scattered over a closure.
import path from 'node:path';
import type { Database } from '../db/client.ts';
import type { FacetKey } from '../taxonomy/service.ts';
import type { SearchIndex } from './index.ts';
import { MemorySearchIndex } from './memory-index.ts';
import type { HitSource } from './queries.ts';
import { TextStore } from './text-store.ts';

/** Assets read per statement when many are indexed at once (the build, a catch-up, a relabelled term's assets). */
export const INDEX_BATCH = 500;

export type Warn = (message: string, error: unknown) => void;

export interface SearchState {
  readonly database: Database;
  readonly index: SearchIndex;
  /**
   * What each indexed asset's JSON is made of, kept in step with the index: a page of hits becomes API JSON
   * without a query (three small queries were half of a search's time). Visibility is the index's, by the same
   * rule as liveForSales.
   */
  readonly sources: Map<string, HitSource>;
  /** Texts for snippets, beside the snapshot (see text-store.ts); without a snapshot they come from PostgreSQL. */
  readonly texts: TextStore | null;
  /** Where the index is saved between runs; none: built from the database at every boot. */
  readonly snapshotFile: string | undefined;
  /** Where failures of background work go (the index keeps serving what it has). */
  readonly warn: Warn;
  /** The index is built: searches are answered and changes indexed at once. */
  built: boolean;
  /** The service is closing: a build or a text copy under way stops at its next batch. */
  closing: boolean;
  /** Assets changed while the index was being built; indexed again once it is. */
  readonly changedDuringBuild: Set<string>;
  /** Assets (re)indexed or removed since the snapshot was last saved. */
  unsaved: number;
  /** Versions whose texts are still to be copied into the text store (see persistence.ts). */
  readonly textsToStore: Set<string>;
  /** Slug → label per facet, for answers; dropped when a term changes. */
  labels: { at: number; byFacet: Map<FacetKey, Map<string, string>> } | null;
  /**
   * Runs `work` after everything queued before it has run: re-indexing, saving and copying texts never
   * interleave, so a later read is never overtaken by an earlier one and what is saved does not change meanwhile.
   */
  inQueue(work: () => Promise<void>): Promise<void>;
}

export function searchState(database: Database, options: { index?: SearchIndex; snapshotFile?: string; warn?: Warn }): SearchState {
  let queue: Promise<void> = Promise.resolve();
  return {
    database,
    index: options.index ?? new MemorySearchIndex(),
    sources: new Map(),
    texts: options.snapshotFile ? new TextStore(path.dirname(options.snapshotFile)) : null,
    snapshotFile: options.snapshotFile,
    warn: options.warn ?? ((message, error) => console.error(`search: ${message}`, error)),
    built: false,
    closing: false,
    changedDuringBuild: new Set(),
    unsaved: 0,
    textsToStore: new Set(),
    labels: null,
    inQueue(work) {
      const run = queue.then(work);
      queue = run.catch(() => {});
      return run;
    },
  };
}
