// Trend: views, downloads, shares, searches and uses per UTC day or ISO week (from Monday), every bucket that
// touches the window present, zeros included.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedEventsIn, countedSearchesIn, kindIn, rows, SHARE_KINDS, USE_KINDS } from './measures.ts';
import { addDays, type ReportWindow } from './window.ts';

export const TREND_INTERVALS = ['day', 'week'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

export interface TrendPoint { date: string; views: number; downloads: number; shares: number; searches: number; uses: number }

export async function trend(db: Db, window: ReportWindow, interval: TrendInterval): Promise<TrendPoint[]> {
  // date_trunc('week') starts weeks on Monday, as ISO weeks do.
  const bucket = (column: string) => sql`to_char(date_trunc(${interval}::text, ${sql.raw(column)} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [events, uses, searches] = await Promise.all([
    rows<{ date: string; views: number; downloads: number; shares: number }>(db, sql`
      select ${bucket('usage_events.at')} as date,
        (count(*) filter (where usage_events.kind = 'view'))::int as views,
        (count(*) filter (where usage_events.kind = 'download'))::int as downloads,
        (count(*) filter (where ${kindIn(SHARE_KINDS)}))::int as shares
      from usage_events where ${countedEventsIn(window)} group by 1`),
    // Uses as everywhere: distinct (person, asset, day); a week's are its days' summed.
    rows<{ date: string; uses: number }>(db, sql`
      select to_char(date_trunc(${interval}::text, person_days.day), 'YYYY-MM-DD') as date, count(*)::int as uses
      from (
        select usage_events.asset_id, usage_events.user_id, (usage_events.at at time zone 'UTC')::date::timestamp as day
        from usage_events where ${countedEventsIn(window)} and ${kindIn(USE_KINDS)} group by 1, 2, 3) as person_days
      group by 1`),
    rows<{ date: string; searches: number }>(db, sql`
      select ${bucket('search_log.at')} as date, count(*)::int as searches from search_log where ${countedSearchesIn(window)} group by 1`),
  ]);
  const points = new Map(bucketStarts(window, interval).map((date) => [date, { date, views: 0, downloads: 0, shares: 0, searches: 0, uses: 0 }]));
  for (const row of events) Object.assign(points.get(row.date) ?? {}, { views: row.views, downloads: row.downloads, shares: row.shares });
  for (const row of uses) Object.assign(points.get(row.date) ?? {}, { uses: row.uses });
  for (const row of searches) Object.assign(points.get(row.date) ?? {}, { searches: row.searches });
  return [...points.values()];
}

/** The start (YYYY-MM-DD, UTC) of every day or week that touches the window. */
export function bucketStarts(window: ReportWindow, interval: TrendInterval): string[] {
  const first = new Date(Date.UTC(window.from.getUTCFullYear(), window.from.getUTCMonth(), window.from.getUTCDate()));
  // Back to Monday (getUTCDay: Sunday 0).
  const start = interval === 'week' ? addDays(first, -((first.getUTCDay() + 6) % 7)) : first;
  const step = interval === 'week' ? 7 : 1;
  const out: string[] = [];
  for (let at = start; at <= window.to; at = addDays(at, step)) out.push(at.toISOString().slice(0, 10));
  return out;
}
