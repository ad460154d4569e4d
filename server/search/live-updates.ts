// Live updates of the search index: an asset or a taxonomy term changed in this process (indexed before the
// request that changed it answers, and announced to the other processes by NOTIFY), or in another process (the
// NOTIFY received, indexed in one batch per turn of the event loop).
import { randomUUID } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { FacetKey } from '../taxonomy/service.ts';
import type { IndexPersistence } from './persistence.ts';
import { assetsWithTerm, indexedAssets } from './queries.ts';
import { INDEX_BATCH, type SearchState } from './search-state.ts';

/** PostgreSQL channel on which each process tells the others which asset changed. */
export const SEARCH_CHANNEL = 'content_hub_search';

export type LiveUpdates = ReturnType<typeof liveUpdates>;

export function liveUpdates(state: SearchState, persistence: IndexPersistence) {
  const { index, warn } = state;
  const { db } = state.database;
  /** Tells our own notifications apart from other processes'. */
  const origin = randomUUID();
  /** Assets other processes changed, indexed in one batch on the next turn of the event loop. */
  const remoteChanges = new Set<string>();
  let remoteFlush: Promise<void> | null = null;

  /** Re-reads assets and indexes them, in the queue. */
  function reindex(assetIds: string[]): Promise<void> {
    return state.inQueue(() => readAndIndex(assetIds));
  }

  async function readAndIndex(assetIds: string[]) {
    const batch = await indexedAssets(db, { ids: assetIds });
    await persistence.takeIn(batch);
    const found = batch.assets;
    for (const asset of found) index.index(asset);
    const present = new Set(found.map((a) => a.id));
    for (const id of assetIds) {
      if (present.has(id)) continue;
      index.remove(id);
      state.sources.delete(id);
    }
    state.unsaved += assetIds.length;
  }

  /** Tells the other processes what changed (see remoteChange); never throws, the change is committed anyway. */
  async function notifyOthers(change: { assetId: string } | { term: [FacetKey, string] }) {
    try {
      await db.execute(sql`select pg_notify(${SEARCH_CHANNEL}, ${JSON.stringify({ origin, ...change })})`);
    } catch (error) {
      warn('could not notify other processes of a change', error);
    }
  }

  async function termChanged(facet: FacetKey, slug: string, notify = true): Promise<void> {
    state.labels = null;
    try {
      const ids = await assetsWithTerm(db, facet, slug);
      if (!state.built) for (const id of ids) state.changedDuringBuild.add(id);
      else for (let i = 0; i < ids.length; i += INDEX_BATCH) await reindex(ids.slice(i, i + INDEX_BATCH));
    } catch (error) {
      warn(`could not index the assets tagged ${facet} "${slug}" again`, error);
    }
    if (notify) await notifyOthers({ term: [facet, slug] });
  }

  return {
    reindex,

    /**
     * An asset changed in this process: index it now (so it is findable by the next request) and tell the
     * other processes. Never throws: the change is committed whatever happens to the index.
     */
    async assetChanged(assetId: string): Promise<void> {
      try {
        if (state.built) await reindex([assetId]);
        else state.changedDuringBuild.add(assetId);
      } catch (error) {
        warn(`could not index asset ${assetId}`, error);
      }
      await notifyOthers({ assetId });
    },

    /**
     * A taxonomy term was relabelled or moved: its assets are indexed again, here and (by one notification, not
     * one per asset) in the other processes. Never throws, like assetChanged.
     */
    termChanged,

    /** A NOTIFY from some process (ourselves included, which we skip). */
    remoteChange(payload: string): Promise<void> {
      let message: { origin?: string; assetId?: string; term?: [FacetKey, string] };
      try {
        message = JSON.parse(payload);
      } catch {
        return Promise.resolve();
      }
      if (message.origin === origin) return Promise.resolve();
      if (Array.isArray(message.term) && message.term.length === 2) return termChanged(message.term[0], message.term[1], false);
      if (typeof message.assetId !== 'string') return Promise.resolve();
      if (!state.built) {
        state.changedDuringBuild.add(message.assetId);
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
  };
}
