// Trend: views, downloads, shares, searches and uses per UTC day or ISO week (from Monday), every bucket that
// touches the window present, zeros included.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from './measures.ts';
import { dayTotals, type UsageSource } from './source.ts';
import { addDays, type ReportWindow } from './window.ts';

export const TREND_INTERVALS = ['day', 'week'] as const;
export type TrendInterval = (typeof TREND_INTERVALS)[number];

export interface TrendPoint { date: string; views: number; downloads: number; shares: number; searches: number; uses: number }

export async function trend(db: Db, source: UsageSource, interval: TrendInterval): Promise<TrendPoint[]> {
  const { window } = source;
  // date_trunc('week') starts weeks on Monday, as ISO weeks do. Uses as everywhere: distinct (person, asset, day);
  // a week's are its days' summed.
  const totals = await rows<{ date: string; views: number; downloads: number; shares: number; searches: number; uses: number }>(db, sql`
    select to_char(date_trunc(${interval}::text, totals.day::timestamp), 'YYYY-MM-DD') as date,
      sum(totals.view)::int as views, sum(totals.download)::int as downloads, sum(totals.share + totals.copy_link)::int as shares,
      sum(totals.searches)::int as searches, sum(totals.uses)::int as uses
    from ${dayTotals(source)} as totals group by 1`);
  const points = new Map(bucketStarts(window, interval).map((date) => [date, { date, views: 0, downloads: 0, shares: 0, searches: 0, uses: 0 }]));
  for (const row of totals) Object.assign(points.get(row.date) ?? {}, row);
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
