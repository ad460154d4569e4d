import { and, eq, isNull } from 'drizzle-orm';
import { countsAsUse } from '../access/visibility.ts';
import type { CurrentUser } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { searchLog, usageEvents } from '../db/schema.ts';

export const BROWSER_EVENT_KINDS = ['view', 'click', 'copy_link', 'presented'] as const;
export type UsageKind = (typeof BROWSER_EVENT_KINDS)[number] | 'download' | 'share';

export interface UsageEvent { assetId: string; versionId?: string | null; kind: UsageKind; queryId?: string | null }

export function usageService(db: Db) {
  return {
    /** Marketing's own handling is kept but not counted as use: reports measure what sales do. */
    async record(user: CurrentUser | null, event: UsageEvent): Promise<void> {
      await db.insert(usageEvents).values({
        assetId: event.assetId, versionId: event.versionId ?? null, userId: user?.id ?? null, kind: event.kind,
        counted: countsAsUse(user), queryId: event.queryId ?? null,
      });
      // The first hit opened from a search is its click, for the reports' click rate; only one's own searches count.
      if (event.kind === 'click' && event.queryId && user) {
        await db.update(searchLog).set({ clickedAssetId: event.assetId, clickedAt: new Date() })
          .where(and(eq(searchLog.id, event.queryId), eq(searchLog.userId, user.id), isNull(searchLog.clickedAt)));
      }
    },
  };
}

export type UsageService = ReturnType<typeof usageService>;
