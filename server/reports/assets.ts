// Per-asset usage of the live library in the window, with a score against the asset's own persona × stage cell
// (not against the library's single best asset). One statement: figures, cell medians and order.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { assetInCell, dateOf, EVENT_KINDS, lastUseOf, liveAt, rows } from './measures.ts';
import { assetFigures, countedUsage, type UsageSource } from './source.ts';
import type { CellFilter } from './window.ts';

/** Fewer uses than this and an asset is not scored: two uses say little. */
export const MIN_USES_FOR_SCORE = 3;
export const ASSET_SORTS = ['-uses', 'uses', '-lastUsedAt', 'title'] as const;
export type AssetSort = (typeof ASSET_SORTS)[number];

export function scoreFormula(days: number): string {
  return `score = the asset's uses ÷ the median uses of the live assets in its persona × stage cell (its first persona `
    + `and first stage), over the last ${days} days; 1 is typical for its cell, 2 twice as used. A use is one person `
    + `downloading, sharing, copying the link to or presenting it on one day. Scored from ${MIN_USES_FOR_SCORE} uses; `
    + `a median below 1 counts as 1.`;
}

export interface AssetUsage {
  assetId: string;
  uses: number;
  views: number;
  downloads: number;
  shares: number;
  /** Opens by the people sales sent it to (share-link visitors). */
  shareOpens: number;
  uniqueUsers: number;
  lastUsedAt: Date | null;
  score: number | null;
  cell: { persona: string | null; stage: string | null };
}

interface AssetUsageRow {
  id: string; persona: string | null; stage: string | null; uses: number; views: number; downloads: number; shares: number; share_opens: number;
  events: number; last_used_at: number | null; median: number; total: number;
}

const ORDER: Record<AssetSort, string> = {
  '-uses': 'uses desc, lower(title), id',
  uses: 'uses, lower(title), id',
  '-lastUsedAt': 'last_used_at desc nulls last, lower(title), id',
  title: 'lower(title), id',
};

/** The live assets of the cell (all without one), sorted: `limit` of them (all without) and how many there are. */
export async function assetUsage(db: Db, source: UsageSource, cell: CellFilter, sort: AssetSort, page: { limit?: number } = {}):
  Promise<{ items: AssetUsage[]; total: number }> {
  // Each asset's first persona and first stage (taxonomy order): one pass over the tags, not a lookup per asset.
  const firstTerm = (facet: string) => sql`(select distinct on (asset_terms.asset_id) asset_terms.asset_id, terms.slug
    from asset_terms join terms on terms.id = asset_terms.term_id where terms.facet_key = ${facet}
    order by asset_terms.asset_id, terms.position, terms.slug)`;
  const list = await rows<AssetUsageRow>(db, sql`
    with live as (
      select assets.id, assets.title, persona.slug as persona, stage.slug as stage, ${assetInCell(cell)} as listed
      from assets left join ${firstTerm('persona')} as persona on persona.asset_id = assets.id
      left join ${firstTerm('stage')} as stage on stage.asset_id = assets.id
      where ${liveAt(source.window)}),
    -- Shares: the link went to a buyer either way (SHARE_KINDS).
    figures as (
      select live.*, coalesce(events.uses, 0) as uses, coalesce(events.view, 0) as views, coalesce(events.download, 0) as downloads,
        coalesce(events.share + events.copy_link, 0) as shares, coalesce(events.visitor_opens, 0) as share_opens, coalesce(${sql.raw(EVENT_KINDS.map((kind) => `events.${kind}`).join(' + '))}, 0) as events
      from live left join ${assetFigures(source)} as events on events.asset_id = live.id),
    medians as (
      select persona, stage, percentile_cont(0.5) within group (order by uses)::float8 as median from figures group by persona, stage)
    select figures.id, figures.persona, figures.stage, figures.uses, figures.views, figures.downloads, figures.shares, figures.share_opens, figures.events,
      ${lastUseOf(sql`figures.id`)} as last_used_at,
      medians.median, (count(*) over ())::int as total
    from figures join medians on medians.persona is not distinct from figures.persona and medians.stage is not distinct from figures.stage
    where figures.listed
    order by ${sql.raw(ORDER[sort])}
    ${page.limit === undefined ? sql`` : sql`limit ${page.limit}`}`);
  // Distinct people for the listed assets only: they are not summed per asset in advance.
  const withEvents = list.filter((row) => row.events > 0).map((row) => row.id);
  const people = new Map(withEvents.length === 0 ? [] : (await rows<{ asset_id: string; people: number }>(db, sql`
    select usage.asset_id, count(distinct usage.user_id)::int as people from ${countedUsage(source, withEvents)} group by usage.asset_id`))
    .map((row) => [row.asset_id, row.people]));
  return {
    total: list[0]?.total ?? 0,
    items: list.map((row) => ({
      assetId: row.id, uses: row.uses, views: row.views, downloads: row.downloads, shares: row.shares, shareOpens: row.share_opens, uniqueUsers: people.get(row.id) ?? 0,
      lastUsedAt: dateOf(row.last_used_at), score: cellScore(row.uses, row.median), cell: { persona: row.persona, stage: row.stage },
    })),
  };
}

/** uses ÷ the cell's median (at least 1), to two decimals; null below MIN_USES_FOR_SCORE. */
export function cellScore(uses: number, cellMedian: number): number | null {
  if (uses < MIN_USES_FOR_SCORE) return null;
  return Math.round((uses / Math.max(1, cellMedian)) * 100) / 100;
}
