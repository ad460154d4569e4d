// Usage: records what people do with assets (views, downloads, clicks from a search…) and the searches they run,
// through one write buffer, and answers the figures ranking reads from them. Owns usage_events and search_log.
import { countsAsUse } from '../access/visibility.ts';
import type { CurrentUser } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { burstFilter } from './bursts.ts';
import { assetsUsedSince, findSearchOf, usageFigures } from './queries.ts';
import type { UsageKind } from './uses.ts';
import { usageWriteBuffer, type WriteBufferOptions } from './write-buffer.ts';

export interface UsageEvent { assetId: string; versionId?: string | null; kind: UsageKind; queryId?: string | null }

export interface LoggedSearch { id: string; userId: string; query: string; filters: Partial<Record<string, string[]>>; resultCount: number; shownAssetIds: string[] }

export interface UsageServiceOptions extends WriteBufferOptions {
  /** The clock bursts are judged by (tests move it on). */
  now?: () => number;
}

export function usageService(db: Db, options: UsageServiceOptions = {}) {
  const buffer = usageWriteBuffer(db, options);
  const bursts = burstFilter(options.now);
  return {
    /**
     * Records an event; it is written with the next batch, so this resolves at once (a download does not wait on
     * it). A click carrying the queryId of one's own search marks that search's first click.
     * Marketing's own handling is kept but not counted as use: reports measure what sales do. A repeat within
     * seconds (a double click, a restarted download, a preview opened again) is the same use: not recorded again.
     */
    async record(user: CurrentUser | null, event: UsageEvent): Promise<void> {
      if (bursts.isRepeat(user?.id ?? null, event)) return;
      buffer.recordEvent({
        assetId: event.assetId, versionId: event.versionId ?? null, userId: user?.id ?? null, kind: event.kind,
        counted: countsAsUse(user), queryId: event.queryId ?? null, at: new Date(),
      });
    },

    /** Logs a search for the reports, with the next batch; reports count only those by sales (countsAsUse). */
    logSearch(user: CurrentUser, search: LoggedSearch): void {
      buffer.logSearch({ ...search, counted: countsAsUse(user), at: new Date() });
    },

    /**
     * Per-asset figures for ranking (see queries.ts), every asset's or these assets', with uses decaying by
     * `halfLifeDays`. Includes what this process recorded until now: the buffer is written first.
     */
    async usageFigures(halfLifeDays: number, assetIds?: string[]) {
      await buffer.flush();
      return usageFigures(db, halfLifeDays, assetIds);
    },

    /** The assets with counted uses since event `afterId` (see queries.ts), this process's recorded ones included. */
    async assetsUsedSince(afterId: number) {
      await buffer.flush();
      return assetsUsedSince(db, afterId);
    },

    /** A person's own logged search (this process's last ones included), or undefined. */
    async searchOf(user: CurrentUser, queryId: string) {
      await buffer.flush();
      return findSearchOf(db, queryId, user.id);
    },

    /** Writes what was recorded and logged until now (it is otherwise written within 50 ms). */
    flush: (): Promise<void> => buffer.flush(),

    /** Writes what is pending, before the database closes. */
    close: (): Promise<void> => buffer.close(),
  };
}

export type UsageService = ReturnType<typeof usageService>;
