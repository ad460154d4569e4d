// Usage figures in the index, for ranking and for hits: counted by usage's service, recounted in full at boot and
// hourly (decay moves every asset), refreshed every minute for the assets used since.
import type { UsageService } from '../usage/service.ts';
import type { AssetUsage } from './index.ts';
import { USAGE_HALF_LIFE_DAYS } from './ranking.ts';
import type { SearchState } from './search-state.ts';

const NO_USE: AssetUsage = { decayed: 0, last30Days: 0, people30Days: 0 };

export type UsageCount = Awaited<ReturnType<UsageService['usageFigures']>>;

export type UsageRanking = ReturnType<typeof usageRanking>;

export function usageRanking(state: SearchState, usage: UsageService) {
  const { index } = state;
  let figures = new Map<string, AssetUsage>();
  let lastEventId = 0;
  let refreshing: Promise<void> | null = null;

  /** Replaces every asset's usage figures with a full recount. */
  function applyRecount(count: UsageCount) {
    const changes = new Map(count.usage);
    for (const assetId of figures.keys()) if (!changes.has(assetId)) changes.set(assetId, NO_USE);
    figures = count.usage;
    lastEventId = count.lastEventId;
    index.setUsage(changes);
  }

  async function refresh(recount: boolean) {
    if (recount) {
      applyRecount(await usage.usageFigures(USAGE_HALF_LIFE_DAYS));
      return;
    }
    const recent = await usage.assetsUsedSince(lastEventId);
    lastEventId = recent.lastEventId;
    if (recent.assetIds.length === 0) return;
    // The assets used since are counted again, not added to: whether a new event is a new person-day depends on
    // the events before it. (An event counted here and again by the next refresh changes nothing.)
    const { usage: recounted } = await usage.usageFigures(USAGE_HALF_LIFE_DAYS, recent.assetIds);
    const changes = new Map<string, AssetUsage>();
    for (const assetId of recent.assetIds) {
      const after = recounted.get(assetId) ?? NO_USE;
      figures.set(assetId, after);
      changes.set(assetId, after);
    }
    index.setUsage(changes);
  }

  return {
    /** Every asset's figures, counted (a scan of every usage event: the boot runs it while the index is read). */
    countAll: (): Promise<UsageCount> => usage.usageFigures(USAGE_HALF_LIFE_DAYS),
    applyRecount,

    /** Once a refresh under way has ended (at close, before the database goes); its failure was reported already. */
    settled: async (): Promise<void> => { await refreshing?.catch(() => {}); },

    /** Re-reads usage: the assets used since the last refresh, or every asset (with decay) when `recount`. */
    async refresh(recount = false): Promise<void> {
      // One refresh at a time: the incremental one advances a cursor.
      while (refreshing) await refreshing;
      refreshing = refresh(recount).finally(() => { refreshing = null; });
      await refreshing;
    },
  };
}
