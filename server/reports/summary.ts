// Summary: how much of the live library sales used in the window, the events by kind, who was active, how many
// searches there were and how many found nothing. One statement.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { EVENT_KINDS, liveAt, rows, type EventKind } from './measures.ts';
import { activePeople, assetFigures, dayTotals, type UsageSource } from './source.ts';

export interface SummaryFigures {
  liveAssets: number;
  usedAssets: number;
  events: Record<EventKind, number>;
  activeSalesUsers: number;
  searches: number;
  zeroResultSearches: number;
}

export async function summaryFigures(db: Db, source: UsageSource): Promise<SummaryFigures> {
  const [row] = await rows<Record<EventKind, number> & { live_assets: number; used_assets: number; active_users: number; searches: number; zero_results: number }>(db, sql`
    with live as (select assets.id from assets where ${liveAt(source.window)}),
    totals as (
      select ${sql.join(EVENT_KINDS.map((kind) => sql`coalesce(sum(totals.${sql.identifier(kind)}), 0)::int as ${sql.identifier(kind)}`), sql`, `)},
        coalesce(sum(totals.searches), 0)::int as searches, coalesce(sum(totals.zero_result_searches), 0)::int as zero_results
      from ${dayTotals(source)} as totals)
    select totals.*, (select count(*)::int from live) as live_assets,
      (select count(*)::int from ${assetFigures(source)} as figures join live on live.id = figures.asset_id where figures.uses > 0) as used_assets,
      (select count(*)::int from ${activePeople(source)} as people) as active_users
    from totals`);
  const events = Object.fromEntries(EVENT_KINDS.map((kind) => [kind, row?.[kind] ?? 0])) as Record<EventKind, number>;
  return {
    liveAssets: row?.live_assets ?? 0, usedAssets: row?.used_assets ?? 0, events,
    activeSalesUsers: row?.active_users ?? 0, searches: row?.searches ?? 0, zeroResultSearches: row?.zero_results ?? 0,
  };
}
