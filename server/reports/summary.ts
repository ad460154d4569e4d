// Summary: how much of the live library sales used in the window, the events by kind, who was active, how many
// searches there were and how many found nothing. One statement.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedSearchesIn, countedUsage, EVENT_KINDS, liveAt, rows, type EventKind, type UsageSource } from './measures.ts';

export interface SummaryFigures {
  liveAssets: number;
  usedAssets: number;
  events: Record<EventKind, number>;
  activeSalesUsers: number;
  searches: number;
  zeroResultSearches: number;
}

export async function summaryFigures(db: Db, source: UsageSource): Promise<SummaryFigures> {
  const { window } = source;
  const [row] = await rows<Record<EventKind, number> & { live_assets: number; used_assets: number; active_users: number; searches: number; zero_results: number }>(db, sql`
    with live as (select assets.id from assets where ${liveAt(window)}),
    usage as materialized (select * from ${countedUsage(source)}),
    -- The window's usage read once for the counts by kind, the used assets and who was active.
    events as (
      select ${sql.join(EVENT_KINDS.map((kind) => sql`coalesce(sum(usage.${sql.identifier(kind)}), 0)::int as ${sql.identifier(kind)}`), sql`, `)},
        (count(distinct usage.asset_id) filter (where usage.used and live.id is not null))::int as used_assets
      from usage left join live on live.id = usage.asset_id),
    active as (
      select usage.user_id from usage where usage.user_id is not null
      union
      select search_log.user_id from search_log where ${countedSearchesIn(window)} and search_log.user_id is not null),
    searches as (
      select count(*)::int as searches, (count(*) filter (where search_log.result_count = 0))::int as zero_results
      from search_log where ${countedSearchesIn(window)})
    select events.*, searches.*, (select count(*)::int from live) as live_assets, (select count(*)::int from active) as active_users
    from events, searches`);
  const events = Object.fromEntries(EVENT_KINDS.map((kind) => [kind, row?.[kind] ?? 0])) as Record<EventKind, number>;
  return {
    liveAssets: row?.live_assets ?? 0, usedAssets: row?.used_assets ?? 0, events,
    activeSalesUsers: row?.active_users ?? 0, searches: row?.searches ?? 0, zeroResultSearches: row?.zero_results ?? 0,
  };
}
