// Trend: views, downloads, shares, searches and uses per UTC day or ISO week (from Monday), every bucket that
// touches the window present, zeros included.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedSearchesIn, countedUsage, rows, type UsageSource } from './measures.ts';
import { addDays, type ReportWindow } from './window.ts';

export const TREND_INTERVALS = ['day', 'week'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

export interface TrendPoint { date: string; views: number; downloads: number; shares: number; searches: number; uses: number }

export async function trend(db: Db, source: UsageSource, interval: TrendInterval): Promise<TrendPoint[]> {
  const { window } = source;
  // date_trunc('week') starts weeks on Monday, as ISO weeks do.
  const bucket = (column: string) => sql`to_char(date_trunc(${interval}::text, ${sql.raw(column)} at time zone 'UTC'), 'YYYY-MM-DD')`;
  const [events, searches] = await Promise.all([
    // Uses as everywhere: distinct (person, asset, day), one row of usage each; a week's are its days' summed.
    rows<{ date: string; views: number; downloads: number; shares: number; uses: number }>(db, sql`
      select to_char(date_trunc(${interval}::text, usage.day::timestamp), 'YYYY-MM-DD') as date,
        coalesce(sum(usage.view), 0)::int as views, coalesce(sum(usage.download), 0)::int as downloads,
        coalesce(sum(usage.share + usage.copy_link), 0)::int as shares, (count(*) filter (where usage.used))::int as uses
      from ${countedUsage(source)} group by 1`),
    rows<{ date: string; searches: number }>(db, sql`
      select ${bucket('search_log.at')} as date, count(*)::int as searches from search_log where ${countedSearchesIn(window)} group by 1`),
  ]);
  const points = new Map(bucketStarts(window, interval).map((date) => [date, { date, views: 0, downloads: 0, shares: 0, searches: 0, uses: 0 }]));
  for (const row of events) Object.assign(points.get(row.date) ?? {}, { views: row.views, downloads: row.downloads, shares: row.shares, uses: row.uses });
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
