// Coverage: for every persona × stage cell of the taxonomy, the live assets, the used ones, their uses, and the
// searches that found nothing while naming that persona and that stage. Every cell is present, zeros included.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedSearchesIn, liveAt, rows } from './measures.ts';
import { assetFigures, type UsageSource } from './source.ts';

export interface CoverageTerm { slug: string; label: string }
export interface CoverageCell {
  persona: string; stage: string; liveAssets: number; usedAssets: number; uses: number;
  /** Opens of the cell's assets by the people sales sent them to (share links). */
  shareOpens: number;
  zeroResultSearches: number;
}
export interface Coverage { personas: CoverageTerm[]; stages: CoverageTerm[]; cells: CoverageCell[] }

export async function coverage(db: Db, source: UsageSource): Promise<Coverage> {
  const { window } = source;
  const [termRows, assetRows, searchRows] = await Promise.all([
    rows<{ facet: 'persona' | 'stage'; slug: string; label: string }>(db, sql`
      select terms.facet_key as facet, terms.slug, terms.label from terms where terms.facet_key in ('persona', 'stage')
      order by terms.position, terms.label`),
    // An asset with several personas or stages counts in each of its cells.
    rows<{ persona: string; stage: string; live_assets: number; used_assets: number; uses: number; share_opens: number }>(db, sql`
      with live as (select assets.id from assets where ${liveAt(window)}),
      cells as (
        select live.id, persona.slug as persona, stage.slug as stage from live
        join asset_terms as persona_link on persona_link.asset_id = live.id
        join terms as persona on persona.id = persona_link.term_id and persona.facet_key = 'persona'
        join asset_terms as stage_link on stage_link.asset_id = live.id
        join terms as stage on stage.id = stage_link.term_id and stage.facet_key = 'stage')
      select cells.persona, cells.stage, count(*)::int as live_assets, (count(*) filter (where figures.uses > 0))::int as used_assets,
        coalesce(sum(figures.uses), 0)::int as uses, coalesce(sum(figures.visitor_opens), 0)::int as share_opens
      from cells left join ${assetFigures(source)} as figures on figures.asset_id = cells.id
      group by cells.persona, cells.stage`),
    // A search naming two personas and one stage counts in both cells; one naming no stage counts in none.
    rows<{ persona: string; stage: string; searches: number }>(db, sql`
      select persona.slug as persona, stage.slug as stage, count(*)::int as searches
      from search_log
      cross join jsonb_array_elements_text(search_log.filters -> 'persona') as persona(slug)
      cross join jsonb_array_elements_text(search_log.filters -> 'stage') as stage(slug)
      where ${countedSearchesIn(window)} and search_log.result_count = 0
      group by 1, 2`),
  ]);
  const personas = termRows.filter((t) => t.facet === 'persona').map(({ slug, label }) => ({ slug, label }));
  const stages = termRows.filter((t) => t.facet === 'stage').map(({ slug, label }) => ({ slug, label }));
  const key = (persona: string, stage: string) => `${persona}\n${stage}`;
  const cellFigures = new Map(assetRows.map((row) => [key(row.persona, row.stage), row]));
  const searchFigures = new Map(searchRows.map((row) => [key(row.persona, row.stage), row.searches]));
  const cells = personas.flatMap((persona) => stages.map((stage) => {
    const figures = cellFigures.get(key(persona.slug, stage.slug));
    return {
      persona: persona.slug, stage: stage.slug, liveAssets: figures?.live_assets ?? 0, usedAssets: figures?.used_assets ?? 0,
      uses: figures?.uses ?? 0, shareOpens: figures?.share_opens ?? 0, zeroResultSearches: searchFigures.get(key(persona.slug, stage.slug)) ?? 0,
    };
  }));
  return { personas, stages, cells };
}
