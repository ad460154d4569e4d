// SQL for usage: writing batches of usage events and logged searches (with the clicks on hits they lead to), and
// the per-asset figures ranking reads from them.
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { searchLog, usageEvents } from '../db/schema.ts';
import { RANKED_KINDS, type UsageFigures, type UsageKind } from './uses.ts';

export interface UsageEventRow {
  assetId: string;
  versionId: string | null;
  userId: string | null;
  kind: UsageKind;
  counted: boolean;
  queryId: string | null;
  /** When it happened, not when its batch was written (a batch may wait out a database restart). */
  at: Date;
}

export interface SearchLogRow {
  /** The queryId the client sends back with its click on a hit. */
  id: string;
  userId: string;
  query: string;
  filters: Partial<Record<string, string[]>>;
  resultCount: number;
  /** The assets the search showed (its first page, best first): reports tell "never shown" from "shown, never opened". */
  shownAssetIds: string[];
  /** Whether reports count it: a search by sales, not marketing checking its own content (access's countsAsUse). */
  counted: boolean;
  at: Date;
}

export interface UsageBatch { searches: SearchLogRow[]; events: UsageEventRow[] }

/** Rows per INSERT: 8,000 parameters, far below PostgreSQL's 65,535. */
const ROWS_PER_STATEMENT = 1_000;

/**
 * Writes a batch in one transaction, a few statements whatever its size: the searches, then the events, then each
 * search's first click on a hit (for the reports' click rate; only one's own searches count), which therefore
 * finds the search it refers to when both are in the batch. All or nothing, so a batch can be tried again.
 */
export async function writeUsage(db: Db, batch: UsageBatch): Promise<void> {
  const clicks = firstClicks(batch.events);
  await db.transaction(async (tx) => {
    for (const rows of chunks(batch.searches)) {
      await tx.insert(searchLog).values(rows.map((entry) => ({
        id: entry.id, userId: entry.userId, query: entry.query, resultCount: entry.resultCount, at: entry.at,
        shownAssetIds: entry.shownAssetIds, counted: entry.counted,
        filters: Object.fromEntries(Object.entries(entry.filters).filter(([, v]) => v?.length)) as Record<string, string[]>,
      })));
    }
    for (const rows of chunks(batch.events)) await tx.insert(usageEvents).values(rows);
    for (const rows of chunks(clicks)) {
      const values = sql.join(rows.map((c) => sql`(${c.queryId}::uuid, ${c.userId}::uuid, ${c.assetId}::uuid, ${c.at.toISOString()}::timestamptz)`), sql`, `);
      await tx.execute(sql`update search_log set clicked_asset_id = click.asset_id, clicked_at = click.at
        from (values ${values}) as click (query_id, user_id, asset_id, at)
        where search_log.id = click.query_id and search_log.user_id = click.user_id and search_log.clicked_at is null`);
    }
  });
}

/** The clicks from a search of one's own, the first per search (a later one in the batch would not count either). */
function firstClicks(events: UsageEventRow[]): { queryId: string; userId: string; assetId: string; at: Date }[] {
  const first = new Map<string, { queryId: string; userId: string; assetId: string; at: Date }>();
  for (const event of events) {
    if (event.kind !== 'click' || !event.queryId || !event.userId) continue;
    const key = `${event.queryId}/${event.userId}`;
    if (!first.has(key)) first.set(key, { queryId: event.queryId, userId: event.userId, assetId: event.assetId, at: event.at });
  }
  return [...first.values()];
}

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) out.push(rows.slice(i, i + ROWS_PER_STATEMENT));
  return out;
}

const isUse = and(eq(usageEvents.counted, true), inArray(usageEvents.kind, [...RANKED_KINDS]));
/** Assets recounted per statement (an id list per statement stays far below PostgreSQL's parameter limit). */
const RECOUNT_BATCH = 1_000;

/**
 * Usage per asset over the last year, for ranking, counted as distinct (person, day) pairs: one person's repeats
 * on one day count once, whatever they did and however often. Each pair weighs 2^(−age / half-life), aged from
 * its last use. Share-link visitors (no user) count as one person a day. Also the events and the distinct people
 * of the last 30 days, for hits. `assetIds` limits the count to those assets (the refresh after new events);
 * without it every asset is counted, and the newest event id is returned, from which assetsUsedSince picks up.
 */
export async function usageFigures(db: Db, halfLifeDays: number, assetIds?: string[]): Promise<{ usage: Map<string, UsageFigures>; lastEventId: number }> {
  const halfLifeSeconds = halfLifeDays * 86_400;
  const [last] = assetIds ? [{ id: null }] : await db.select({ id: sql<number | null>`max(${usageEvents.id})::float8` }).from(usageEvents);
  const usage = new Map<string, UsageFigures>();
  const batches = assetIds ? Array.from({ length: Math.ceil(assetIds.length / RECOUNT_BATCH) }, (_, i) => assetIds.slice(i * RECOUNT_BATCH, (i + 1) * RECOUNT_BATCH)) : [null];
  for (const batch of batches) {
    if (batch?.length === 0) continue;
    const personDays = db.select({
      assetId: usageEvents.assetId,
      userId: usageEvents.userId,
      lastAt: sql<Date>`max(${usageEvents.at})`.as('last_at'),
      recentUses: sql<number>`count(*) filter (where ${usageEvents.at} > now() - interval '30 days')`.as('recent_uses'),
    }).from(usageEvents)
      .where(and(isUse, sql`${usageEvents.at} > now() - interval '365 days'`, batch ? inArray(usageEvents.assetId, batch) : undefined))
      // Days in UTC, whatever the session's time zone.
      .groupBy(usageEvents.assetId, usageEvents.userId, sql`(${usageEvents.at} at time zone 'UTC')::date`)
      .as('person_days');
    const rows = await db.select({
      assetId: personDays.assetId,
      // In float8: extract() gives numeric, and numeric power() made this query ten times slower (9 s at 1.5M events).
      decayed: sql<number>`sum(power(0.5::float8, extract(epoch from now() - ${personDays.lastAt})::float8 / ${halfLifeSeconds}))`,
      last30: sql<number>`sum(${personDays.recentUses})::int`,
      people30: sql<number>`(count(distinct ${personDays.userId}) filter (where ${personDays.lastAt} > now() - interval '30 days'))::int`,
    }).from(personDays).groupBy(personDays.assetId);
    for (const row of rows) usage.set(row.assetId, { decayed: Number(row.decayed), last30Days: Number(row.last30), people30Days: Number(row.people30) });
  }
  return { usage, lastEventId: Number(last?.id ?? 0) };
}

/** The assets with counted uses recorded after event `afterId`, and the newest event id seen. */
export async function assetsUsedSince(db: Db, afterId: number): Promise<{ assetIds: string[]; lastEventId: number }> {
  const rows = await db.select({
    assetId: usageEvents.assetId,
    used: sql<boolean>`bool_or(${isUse})`,
    lastId: sql<number>`max(${usageEvents.id})::float8`,
  }).from(usageEvents).where(gt(usageEvents.id, afterId)).groupBy(usageEvents.assetId);
  let lastEventId = afterId;
  for (const row of rows) lastEventId = Math.max(lastEventId, Number(row.lastId));
  return { assetIds: rows.filter((row) => row.used).map((row) => row.assetId), lastEventId };
}

/** One logged search, when it is this person's. */
export async function findSearchOf(db: Db, queryId: string, userId: string) {
  const [row] = await db.select().from(searchLog).where(and(eq(searchLog.id, queryId), eq(searchLog.userId, userId)));
  return row;
}
