// Search analytics: the most frequent queries with how often a hit was opened from them, and the queries that found
// nothing — each the same query however it was cased, accented or mistyped (query-variants.ts). One statement
// counts per spelling; grouping spellings is done here.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { countedSearch, epochMs, rows, searchInCell } from './measures.ts';
import { inRanges, windowRange, type UsageSource } from './source.ts';
import { groupQueryVariants, searchersOf as searchers, spellingsByFrequency } from './query-variants.ts';
import type { CellFilter } from './window.ts';

/** How many of the most frequent queries `top` lists. */
export const TOP_QUERIES = 100;

export interface TopQuery { query: string; count: number; clickRate: number; searchers: number }
export interface ZeroResultQuery { query: string; variants: string[]; count: number; searchers: number; lastAt: Date }
export interface SearchAnalytics { top: TopQuery[]; zeroResults: ZeroResultQuery[] }

interface SpellingRow { query: string; zero: boolean; count: number; clicks: number; users: (string | null)[]; last_at: number }

/**
 * The window's counted searches per spelling. Without a cell, from the window's span (its whole days, summed per
 * query in advance) and the raw searches of the rest; a cell's drill-down (filters are not summed) from the raw ones.
 */
export async function searchAnalytics(db: Db, source: UsageSource, cell: CellFilter): Promise<SearchAnalytics> {
  const fromSpan = source.span !== null && !cell.persona && !cell.stage;
  const parts: SQL[] = [];
  if (fromSpan) {
    // People who have since been removed are nobody, as in the raw searches (their user_id is set null).
    parts.push(sql`select query, zero, count, clicks,
      (select coalesce(json_agg(searcher), '[]'::json) from unnest(user_ids) as searcher where exists (select 1 from users where users.id = searcher)) as users,
      ${epochMs(sql`last_at`)} as last_at
      from search_span_queries where from_day = ${source.span!.from}::date and to_day = ${source.span!.to}::date`);
  }
  const ranges = fromSpan ? source.rawRanges : [windowRange(source.window)];
  if (ranges.length) {
    parts.push(sql`select search_log.query, search_log.result_count = 0 as zero, count(*)::int as count, count(search_log.clicked_at)::int as clicks,
      json_agg(distinct search_log.user_id) as users, ${epochMs(sql`max(search_log.at)`)} as last_at
      from search_log where ${countedSearch} and ${inRanges(sql`search_log.at`, ranges)} and ${searchInCell(cell)}
      group by search_log.query, search_log.result_count = 0`);
  }
  const spellings = await rows<SpellingRow>(db, sql.join(parts, sql` union all `));
  const top = groupQueryVariants(spellings.filter((row) => row.query !== '')).map(({ rows: group }) => {
    const count = sum(group, (row) => row.count);
    return { query: mostFrequentSpelling(group), count, clickRate: round(sum(group, (row) => row.clicks) / count, 3), searchers: searchers(group) };
  }).sort((a, b) => b.count - a.count || b.searchers - a.searchers || compare(a.query, b.query)).slice(0, TOP_QUERIES);
  const zeroResults = groupQueryVariants(spellings.filter((row) => row.zero)).map(({ rows: group }) => ({
    query: mostFrequentSpelling(group),
    variants: spellingsByFrequency(group).filter((spelling) => spelling !== ''),
    count: sum(group, (row) => row.count),
    searchers: searchers(group),
    lastAt: new Date(Math.max(...group.map((row) => row.last_at))),
  })).sort((a, b) => b.count - a.count || b.lastAt.getTime() - a.lastAt.getTime() || compare(a.query, b.query));
  return { top, zeroResults };
}

const mostFrequentSpelling = (group: SpellingRow[]) => spellingsByFrequency(group)[0]!;
const sum = <T>(list: T[], of: (item: T) => number) => list.reduce((total, item) => total + of(item), 0);
const round = (n: number, decimals: number) => Math.round(n * 10 ** decimals) / 10 ** decimals;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
