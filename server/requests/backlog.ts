// The failed-search backlog: what sales searched for and did not get — the searches that found nothing, and the
// queries whose searches nobody opened a hit from — grouped into topics (the same words after folding, typos merged
// as search analytics merges them, the same persona and stage filters), ranked by how many people hit them. Beside
// each topic: who waits to be told it exists, the request already made for it, and whether it finds something now.
import { sql } from 'drizzle-orm';
import type { Principal } from '../auth/principal.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/rows.ts';
import { groupQueryVariants, searchersOf, spellingsByFrequency } from '../reports/query-variants.ts';
import type { SearchService } from '../search/service.ts';
import type { RequestStatus } from './schemas.ts';

/** Anyone in sales: what the library offers the field, which the backlog asks "does it find something now" as. */
const SALES_VIEWER: Principal = { kind: 'sales', user: { id: '', email: '', name: '', role: 'sales' } };

interface Spelling {
  source: 'search';
  query: string; persona: string | null; stage: string | null;
  count: number; no_results: number; clicks: number; users: (string | null)[]; last_at: Date;
}
/** Requests and watches join the grouping with no weight, to be found under their topic. */
interface Linked { source: 'request' | 'watch'; query: string; persona: string | null; stage: string | null; count: 0; id: string; status: RequestStatus; votes: number }

export interface BacklogTopic {
  topic: string; queries: string[]; searchers: number; searches: number; noResults: number;
  persona: string | null; stage: string | null; lastAt: string; watchers: number; findsNow: number;
  request: { id: string; status: RequestStatus; votes: number } | null;
}

export async function failedSearchBacklog(db: Db, search: SearchService, days: number, limit: number): Promise<BacklogTopic[]> {
  const since = new Date(Date.now() - days * 86_400_000).toISOString();
  const [spellings, linked] = await Promise.all([
    rows<Omit<Spelling, 'source'>>(db, sql`
      select query, filters->'persona'->>0 as persona, filters->'stage'->>0 as stage, count(*)::int as count,
        (count(*) filter (where result_count = 0))::int as no_results, count(clicked_at)::int as clicks,
        json_agg(distinct user_id) as users, max(at) as last_at
      from search_log where counted and at >= ${since}::timestamptz and query <> ''
      group by 1, 2, 3`),
    rows<Omit<Linked, 'count'>>(db, sql`
      select 'request' as source, query, persona, stage, id, status,
        (select count(*)::int from request_votes where request_id = content_requests.id) as votes
      from content_requests where query is not null and query <> '' and merged_into_id is null
      union all
      select 'watch', query, filters->'persona'->>0, filters->'stage'->>0, id, 'open', 0
      from search_watches where notified_at is null and query <> ''`),
  ]);
  const all: (Spelling | Linked)[] = [
    ...spellings.map((row) => ({ ...row, source: 'search' as const, last_at: new Date(row.last_at) })),
    ...linked.map((row) => ({ ...row, count: 0 as const })),
  ];
  const topics: BacklogTopic[] = [];
  for (const group of groupQueryVariants(all)) {
    const byCell = new Map<string, (Spelling | Linked)[]>();
    for (const row of group.rows) {
      const cell = `${row.persona ?? ''}\u0000${row.stage ?? ''}`;
      byCell.set(cell, [...(byCell.get(cell) ?? []), row]);
    }
    for (const members of byCell.values()) {
      const searches = members.filter((row): row is Spelling => row.source === 'search');
      // A topic someone opened a hit from is not failing; one with no search in the window is not in it.
      if (searches.length === 0 || searches.some((row) => row.clicks > 0)) continue;
      const requests = members.filter((row): row is Linked => row.source === 'request')
        .sort((a, b) => Number(a.status === 'declined') - Number(b.status === 'declined') || b.votes - a.votes);
      const queries = spellingsByFrequency(searches);
      topics.push({
        topic: queries[0]!, queries, searchers: searchersOf(searches),
        searches: searches.reduce((total, row) => total + row.count, 0),
        noResults: searches.reduce((total, row) => total + row.no_results, 0),
        persona: searches[0]!.persona, stage: searches[0]!.stage,
        lastAt: new Date(Math.max(...searches.map((row) => row.last_at.getTime()))).toISOString(),
        watchers: members.filter((row) => row.source === 'watch').length,
        findsNow: 0,
        request: requests[0] ? { id: requests[0].id, status: requests[0].status, votes: requests[0].votes } : null,
      });
    }
  }
  topics.sort((a, b) => b.searchers - a.searchers || b.searches - a.searches || b.lastAt.localeCompare(a.lastAt));
  const listed = topics.slice(0, limit);
  for (const topic of listed) {
    const filters = { ...(topic.persona && { persona: [topic.persona] }), ...(topic.stage && { stage: [topic.stage] }) };
    // A term removed since cannot be searched by: it finds nothing.
    topic.findsNow = await search.peek(SALES_VIEWER, { q: topic.topic, ...filters, limit: 1, offset: 0 }).then((found) => found.total, () => 0);
  }
  return listed;
}
