// Answers of sales search: a page of hits (as asset JSON, with snippets and usage), facet counts with their labels,
// and suggestions while typing; every search is logged through usage's service for the reports.
import { randomUUID } from 'node:crypto';
import { KINDS } from '../assets/file-type.ts';
import { toAssetJson } from '../assets/queries.ts';
import type { AssetJson } from '../assets/schemas.ts';
import { audienceOf, type Viewer } from '../access/visibility.ts';
import type { CurrentUser } from '../auth/roles.ts';
import { Invalid } from '../errors.ts';
import type { FacetKey, TaxonomyService } from '../taxonomy/service.ts';
import type { UsageService } from '../usage/service.ts';
import { SEARCH_FACETS, type SearchFacet, type SearchFilters } from './index.ts';
import { ownerNames, versionTexts } from './queries.ts';
import { parseQuery } from './query-parser.ts';
import type { SearchState } from './search-state.ts';
import { SCAN_LIMIT, snippet, type Snippet } from './snippets.ts';
import type { StoredText } from './text-store.ts';
import { fold, wordsOf } from './text.ts';

const TAXONOMY_REFRESH_MS = 60_000;
/** Owner names on hits may lag a rename by this much. */
const OWNERS_REFRESH_MS = 60_000;
const SUGGESTIONS = 8;
/** Hits of a search the log keeps (a first page's worth). */
const SHOWN_LOGGED = 20;
/**
 * Text read for snippets: this many characters first, which holds the match for most hits and is a fraction of a
 * long document, then up to the snippet's scan limit for the hits whose words come later. (Steps of 4k and 32k
 * first measured no faster: the re-reads cost what the shorter first read saved.)
 */
const SNIPPET_READS = [16_384, SCAN_LIMIT];

export interface SearchParams {
  q?: string;
  persona?: string[]; stage?: string[]; kind?: string[]; product?: string[]; industry?: string[]; language?: string[]; tag?: string[];
  limit: number;
  offset: number;
}

export interface SearchResponse {
  queryId: string;
  /** The query as understood: trimmed, cut, and empty when it has no words (punctuation alone browses). */
  query: string;
  total: number;
  /** Of `total`, the hits that match only some of the words; they come after all that match every word. */
  partialCount: number;
  hits: { asset: AssetJson; score: number; snippet: Snippet | null; matchesAll: boolean; usage: { last30Days: number; people30Days: number } }[];
  facets: Record<SearchFacet, { value: string; label: string; count: number }[]>;
}

type TaxonomyFacet = Exclude<SearchFacet, 'kind'>;
const TAXONOMY_FACETS = SEARCH_FACETS.filter((f): f is TaxonomyFacet => f !== 'kind');
const KIND_LABELS = Object.fromEntries(KINDS.map((k) => [k, k.charAt(0).toUpperCase() + k.slice(1)]));


export function searchAnswers(state: SearchState, taxonomy: TaxonomyService, usage: UsageService, whenBuilt: () => Promise<void>) {
  const { index, texts } = state;
  const { db } = state.database;
  let owners: { at: number; names: Map<string, string> } | null = null;

  /** The start of hits' texts: from the text store, and from PostgreSQL for what it lacks. */
  async function snippetTexts(versionIds: string[], chars: number): Promise<Map<string, StoredText>> {
    const found = texts ? texts.read(versionIds, chars) : new Map<string, StoredText>();
    const missing = versionIds.filter((id) => !found.has(id));
    for (const [id, text] of await versionTexts(db, missing, chars)) found.set(id, { text, whole: text.length < chars });
    return found;
  }

  /** User id → name, for the owners of hits (users are few; renames show within OWNERS_REFRESH_MS). */
  async function ownerName(ids: string[]): Promise<Map<string, string>> {
    // A user added since the last read (a new marketer's first upload) is read at once, not named "unknown".
    if (!owners || Date.now() - owners.at > OWNERS_REFRESH_MS || ids.some((id) => !owners!.names.has(id))) {
      owners = { at: Date.now(), names: await ownerNames(db) };
    }
    return owners.names;
  }

  /** Slug → label per facet, for facet labels, snippets and the names of valid filter values. */
  async function taxonomyLabels(force = false) {
    if (!state.labels || force || Date.now() - state.labels.at > TAXONOMY_REFRESH_MS) {
      const byFacet = new Map<FacetKey, Map<string, string>>();
      for (const facet of await taxonomy.list()) byFacet.set(facet.key, new Map(facet.terms.map((t) => [t.slug, t.label])));
      state.labels = { at: Date.now(), byFacet };
    }
    return state.labels.byFacet;
  }

  /** The filters of a request, checked: an unknown value is a 400 naming the valid ones. */
  async function checkedFilters(params: SearchParams): Promise<SearchFilters> {
    const filters: SearchFilters = {};
    for (const facet of TAXONOMY_FACETS) {
      const values = [...new Set(params[facet] ?? [])];
      if (values.length === 0) continue;
      let known = (await taxonomyLabels()).get(facet)!;
      // An admin may have just added the term.
      if (values.some((v) => !known.has(v))) known = (await taxonomyLabels(true)).get(facet)!;
      const unknown = values.filter((v) => !known.has(v));
      if (unknown.length) {
        throw new Invalid(`unknown ${facet} ${unknown.map((v) => `"${v}"`).join(', ')}; known: ${[...known.keys()].join(', ') || '(none yet — an admin adds them)'}`, 'UNKNOWN_FILTER_VALUE');
      }
      filters[facet] = values;
    }
    const kinds = [...new Set(params.kind ?? [])];
    const unknownKinds = kinds.filter((k) => !(KINDS as readonly string[]).includes(k));
    if (unknownKinds.length) throw new Invalid(`unknown kind ${unknownKinds.map((v) => `"${v}"`).join(', ')}; known: ${KINDS.join(', ')}`, 'UNKNOWN_FILTER_VALUE');
    if (kinds.length) filters.kind = kinds;
    // Tags are free text, stored trimmed and lower-cased.
    const tags = [...new Set((params.tag ?? []).map((t) => t.trim().replace(/\s+/g, ' ').toLowerCase()).filter(Boolean))];
    if (tags.length) filters.tag = tags;
    return filters;
  }

  return {
    async search(user: CurrentUser, params: SearchParams): Promise<SearchResponse> {
      await whenBuilt();
      const filters = await checkedFilters(params);
      const query = parseQuery(params.q ?? '');
      const outcome = index.query({ query, audience: audienceOf(user), filters, limit: params.limit, offset: params.offset, now: Date.now() });
      const queryId = randomUUID();
      // The hits shown (a first page's worth), so reports can tell an asset never shown from one shown and not opened.
      usage.logSearch(user, { id: queryId, userId: user.id, query: query.text, filters, resultCount: outcome.total,
        shownAssetIds: outcome.hits.slice(0, SHOWN_LOGGED).map((h) => h.assetId) });
      const [names, starts, byFacet] = await Promise.all([
        ownerName(outcome.hits.flatMap((h) => state.sources.get(h.assetId)?.row.ownerId ?? [])),
        snippetTexts(outcome.hits.filter((h) => h.matchedIn === 'text').map((h) => h.versionId), SNIPPET_READS[0]!),
        taxonomyLabels(),
      ]);
      const labelOf = (facet: FacetKey, slug: string) => byFacet.get(facet)?.get(slug) ?? slug;
      const snippetOf = (asset: AssetJson, text: string | undefined) => {
        const termLabels = [
          ...asset.personas.map((s) => labelOf('persona', s)), ...asset.stages.map((s) => labelOf('stage', s)),
          ...asset.products.map((s) => labelOf('product', s)), ...asset.industries.map((s) => labelOf('industry', s)),
          ...(asset.language ? [labelOf('language', asset.language)] : []),
        ];
        return snippet({
          title: asset.title, tags: asset.tags.join(', '), labels: termLabels.join(', '), filename: asset.version.filename,
          description: asset.description, text,
        }, outcome.matched);
      };
      const hits = outcome.hits.flatMap((hit) => {
        const source = state.sources.get(hit.assetId);
        if (!source) return [];
        const { row, terms, versions } = source;
        const owner = names.has(row.ownerId) ? { id: row.ownerId, name: names.get(row.ownerId)! } : undefined;
        const asset = toAssetJson(user, row, { terms, owner, versions: new Map(versions.map((v) => [v.id, v])) });
        return [{ hit, asset, snippet: snippetOf(asset, starts.get(hit.versionId)?.text) }];
      });
      // Words found only further into a long text: read further for those hits alone.
      let read = starts;
      for (const size of SNIPPET_READS.slice(1)) {
        const later = hits.filter(({ hit, snippet: cut }) => hit.matchedIn === 'text' && cut?.field !== 'text' && read.get(hit.versionId)?.whole === false);
        if (later.length === 0) break;
        read = await snippetTexts(later.map(({ hit }) => hit.versionId), size);
        for (const entry of later) entry.snippet = snippetOf(entry.asset, read.get(entry.hit.versionId)?.text) ?? entry.snippet;
      }
      const facets = {} as SearchResponse['facets'];
      for (const facet of SEARCH_FACETS) {
        facets[facet] = outcome.facets[facet].map(({ value, count }) => ({
          value, count, label: facet === 'kind' ? KIND_LABELS[value] ?? value : labelOf(facet, value),
        }));
      }
      return {
        queryId, query: query.text, total: outcome.total, partialCount: outcome.partialCount, facets,
        hits: hits.map(({ hit, asset, snippet: cut }) => ({
          asset, score: hit.score, snippet: cut, matchesAll: hit.matchesAll,
          usage: { last30Days: hit.usage.last30Days, people30Days: hit.usage.people30Days },
        })),
      };
    },

    /**
     * What a search would find for this viewer now, without logging it as a search: how many assets match every
     * word, and the top of them with titles (a watch asks its query again with it; the backlog asks whether a topic
     * finds anything). Hits matching only some words do not count: "drone delivery pitch" is not answered by any pitch.
     */
    async peek(viewer: Viewer, params: SearchParams, limit = SHOWN_LOGGED): Promise<{ total: number; hits: { id: string; title: string }[] }> {
      await whenBuilt();
      const filters = await checkedFilters(params);
      const outcome = index.query({ query: parseQuery(params.q ?? ''), audience: audienceOf(viewer), filters, limit, offset: 0, now: Date.now() });
      return {
        total: outcome.total - outcome.partialCount,
        hits: outcome.hits.filter((hit) => hit.matchesAll).map((hit) => ({ id: hit.assetId, title: state.sources.get(hit.assetId)?.row.title ?? '' })),
      };
    },

    /** Completions of what is being typed and titles of the best matches, from assets this user may see. */
    async suggest(user: CurrentUser, q: string): Promise<{ suggestions: string[] }> {
      await whenBuilt();
      const query = parseQuery(q);
      const last = query.words.at(-1);
      if (!last) return { suggestions: [] };
      const outcome = index.query({ query, audience: audienceOf(user), filters: {}, limit: SUGGESTIONS, offset: 0, now: Date.now(), completeAll: true });
      const ordered = outcome.hits.flatMap((h) => state.sources.get(h.assetId)?.row ?? []);
      // What the user typed before the word being completed, kept as typed.
      const typedWords = wordsOf(query.text);
      const head = query.text.slice(0, typedWords.at(-1)?.start ?? 0);
      const completing = new Set(outcome.matched.at(-1)?.terms ?? []);
      const completions = new Map<string, number>();
      for (const row of ordered) {
        for (const value of [row.title, ...row.tags]) {
          for (const w of wordsOf(value)) {
            if (!completing.has(w.word)) continue;
            const completed = `${head}${value.slice(w.start, w.end).toLowerCase()}`;
            completions.set(completed, (completions.get(completed) ?? 0) + 1);
          }
        }
      }
      // Taxonomy labels starting with what was typed ("eval" → Evaluation).
      const typed = fold(query.text);
      const labelMatches = [...(await taxonomyLabels()).values()].flatMap((m) => [...m.values()]).filter((label) => fold(label).startsWith(typed));
      const suggestions = [
        ...[...completions].sort((a, b) => b[1] - a[1]).map(([text]) => text).slice(0, 4),
        ...labelMatches.slice(0, 2),
        ...ordered.map((r) => r.title),
      ];
      const seen = new Set<string>();
      return { suggestions: suggestions.filter((s) => !seen.has(fold(s)) && !!seen.add(fold(s))).slice(0, SUGGESTIONS) };
    },
  };
}
