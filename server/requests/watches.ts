// "Tell me when this exists": a person ticks it on a search that found nothing (or nothing they wanted). Whenever
// assets change — approved, processed, edited, here or, through the periodic check, in another process — each
// pending watch is asked again as its person would ask it, and the first time it finds an asset it did not find
// then, they are told, once. Watches a quarter old are let go: the need has passed or become a request.
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { CurrentUser } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { searchWatches, users } from '../db/schema.ts';
import { DomainError, NotFound } from '../errors.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { SearchService } from '../search/service.ts';
import type { UsageService } from '../usage/service.ts';

export const WATCH_CHECK_JOB = 'search-watches.check';
/** The periodic check: catches what other processes approved and what a crash left unchecked. */
export const WATCH_CHECK_EVERY_MS = 60_000;
/** A change here is checked this soon after (many changes at once are one check). */
const CHANGE_SETTLE_MS = 1_000;
const WATCH_DAYS = 90;
/** Asked again per check at most, least recently checked first. */
const CHECK_BATCH = 2_000;

type WatchRow = typeof searchWatches.$inferSelect;

function watchJson(row: WatchRow) {
  return {
    id: row.id, queryId: row.queryId, query: row.query, filters: row.filters,
    createdAt: row.createdAt.toISOString(), notifiedAt: row.notifiedAt?.toISOString() ?? null,
  };
}

/** The search page for a query and its filters, where the notification leads. */
export function searchLink(query: string, filters: Record<string, string[]>): string {
  const params = new URLSearchParams();
  if (query) params.set('q', query);
  for (const [facet, values] of Object.entries(filters)) for (const value of values) params.append(facet, value);
  return `/search?${params}`;
}

export function watchService(db: Db, search: SearchService, usage: UsageService, notify: NotificationService['notify']) {
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<number> | undefined;
  let again = false;
  const warn = (error: unknown) => console.warn(`search watches: the check failed (${(error as Error).message}); the next one retries`);

  async function checkAll(): Promise<number> {
    const since = new Date(Date.now() - WATCH_DAYS * 86_400_000);
    const pending = await db.select({ watch: searchWatches, user: { id: users.id, email: users.email, name: users.name, role: users.role } })
      .from(searchWatches).innerJoin(users, eq(users.id, searchWatches.userId))
      .where(and(isNull(searchWatches.notifiedAt), gt(searchWatches.createdAt, since), eq(users.disabled, false)))
      .orderBy(sql`${searchWatches.checkedAt} asc nulls first`).limit(CHECK_BATCH);
    let told = 0;
    const checked: string[] = [];
    for (const { watch, user } of pending) {
      const found = await findsNew(user, watch);
      checked.push(watch.id);
      if (found.length && await tell(user.id, watch, found)) told++;
    }
    if (checked.length) await db.update(searchWatches).set({ checkedAt: new Date() }).where(inArray(searchWatches.id, checked));
    return told;
  }

  /** The assets the watch's search finds now and did not find when watched. */
  async function findsNew(user: CurrentUser, watch: WatchRow) {
    try {
      const now = await search.peek(user, { q: watch.query, ...watch.filters, limit: 20, offset: 0 });
      const known = new Set(watch.knownAssetIds);
      return now.hits.filter((hit) => !known.has(hit.id));
    } catch (error) {
      // A filter term removed since: the search cannot be asked as it was; it finds nothing.
      if (error instanceof DomainError && error.statusCode === 400) return [];
      throw error;
    }
  }

  async function tell(userId: string, watch: WatchRow, found: { id: string; title: string }[]): Promise<boolean> {
    return db.transaction(async (tx) => {
      const [claimed] = await tx.update(searchWatches).set({ notifiedAt: new Date() })
        .where(and(eq(searchWatches.id, watch.id), isNull(searchWatches.notifiedAt))).returning({ id: searchWatches.id });
      if (!claimed) return false;
      const first = found[0]!;
      const more = found.length > 1 ? ` and ${found.length - 1} more` : '';
      await notify(userId, {
        kind: 'search-found', key: `search-found:${watch.id}`,
        title: watch.query ? `It exists now: "${watch.query}"` : 'Your search finds something now',
        body: `"${first.title}"${more} now match${found.length > 1 ? '' : 'es'} your search`,
        link: found.length === 1 ? `/assets/${first.id}` : searchLink(watch.query, watch.filters),
      }, tx);
      return true;
    });
  }

  const service = {
    /** Watches one's own search: 201 when new, 200 when it was watched already (from this search or the same words). */
    async watch(user: CurrentUser, queryId: string): Promise<{ created: boolean; watch: ReturnType<typeof watchJson> }> {
      const searched = await usage.searchOf(user, queryId);
      if (!searched) throw new NotFound('no search of yours with this queryId');
      const [same] = await db.select().from(searchWatches).where(and(
        eq(searchWatches.userId, user.id), isNull(searchWatches.notifiedAt),
        sql`(${searchWatches.queryId} = ${queryId} or (lower(${searchWatches.query}) = lower(${searched.query}) and ${searchWatches.filters} = ${JSON.stringify(searched.filters)}::jsonb))`,
      )).limit(1);
      if (same) return { created: false, watch: watchJson(same) };
      const [row] = await db.insert(searchWatches).values({
        userId: user.id, queryId, query: searched.query, filters: searched.filters, knownAssetIds: searched.shownAssetIds,
      }).onConflictDoNothing().returning();
      if (!row) {
        const [existing] = await db.select().from(searchWatches).where(and(eq(searchWatches.userId, user.id), eq(searchWatches.queryId, queryId)));
        return { created: false, watch: watchJson(existing!) };
      }
      return { created: true, watch: watchJson(row) };
    },

    async unwatch(user: CurrentUser, queryId: string): Promise<void> {
      await db.delete(searchWatches).where(and(eq(searchWatches.userId, user.id), eq(searchWatches.queryId, queryId)));
    },

    async mine(user: CurrentUser) {
      const rows = await db.select().from(searchWatches).where(eq(searchWatches.userId, user.id)).orderBy(desc(searchWatches.createdAt)).limit(200);
      return { items: rows.map(watchJson) };
    },

    /** Asks every pending watch again; how many people were told. One check at a time; a change meanwhile runs one more. */
    async check(): Promise<number> {
      if (checking) {
        again = true;
        return checking;
      }
      checking = (async () => {
        let told = 0;
        do {
          again = false;
          told += await checkAll();
        } while (again);
        return told;
      })().finally(() => { checking = undefined; });
      return checking;
    },

    /** Something changed in this process's index: check soon (changes in a burst are one check). Never throws. */
    assetsChanged(): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        service.check().catch(warn);
      }, CHANGE_SETTLE_MS);
      timer.unref();
    },

    /** Waits for a check under way (the app closes after it). */
    async close(): Promise<void> {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await checking?.catch(() => {});
    },
  };
  return service;
}

export type WatchService = ReturnType<typeof watchService>;
