// The search page's state lives in the URL (`/search?q=…&stage=…&stage=…`): shareable, and the back button works.
import { api, SEARCH_FACETS, type FacetCount, type SearchFacet, type SearchFilters, type SearchSnippet } from './api.ts';

/** Where the header's search box takes you; for sales `/` shows the same page. */
export const SEARCH_PATH = '/search';
/** The id of the header's search box, which "/" and the search page's keyboard navigation focus. */
export const SEARCH_BOX_ID = 'search-box';

export const FILTER_KEYS = [...SEARCH_FACETS, 'tag'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface SearchState { q: string; filters: SearchFilters }

export function readSearch(query: URLSearchParams): SearchState {
  const filters: SearchFilters = {};
  for (const key of FILTER_KEYS) {
    const values = [...new Set(query.getAll(key).map((v) => v.trim()).filter(Boolean))];
    if (values.length) filters[key] = values;
  }
  return { q: query.get('q') ?? '', filters };
}

export function searchHref(path: string, { q, filters }: SearchState): string {
  const params = new URLSearchParams();
  if (q.trim()) params.set('q', q);
  for (const key of FILTER_KEYS) for (const value of filters[key] ?? []) params.append(key, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export function activeFilters(filters: SearchFilters): { key: FilterKey; value: string }[] {
  return FILTER_KEYS.flatMap((key) => (filters[key] ?? []).map((value) => ({ key, value })));
}

/** The filters with `value` of `key` ticked when it was not, unticked when it was. */
export function toggleFilter(filters: SearchFilters, key: FilterKey, value: string): SearchFilters {
  const current = filters[key] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...filters, [key]: next.length ? next : undefined };
}

export function withoutFilter(filters: SearchFilters, key: FilterKey, value?: string): SearchFilters {
  const next = value === undefined ? [] : (filters[key] ?? []).filter((v) => v !== value);
  return { ...filters, [key]: next.length ? next : undefined };
}

/**
 * How many results the search gives without its `key` filter, when the reply's facet counts say exactly; else null.
 * A facet is counted ignoring its own selection, so without it the results are the union of its values: their sum
 * only for kind, the one facet every asset has exactly one value of (a persona may be shared, a language missing).
 */
export function totalWithout(key: FilterKey, facets: Record<SearchFacet, FacetCount[]>): number | null {
  return key === 'kind' ? facets.kind.reduce((sum, value) => sum + value.count, 0) : null;
}

export function isFacet(key: FilterKey): key is SearchFacet {
  return key !== 'tag';
}

/**
 * A snippet cut into plain and matched pieces, for the page to mark up as elements (never as an HTML string).
 * Highlights out of range are clipped, overlapping ones merged.
 */
export function highlightParts(text: string, highlights: SearchSnippet['highlights']): { text: string; matched: boolean }[] {
  const ranges = highlights
    .map(({ start, end }) => ({ start: Math.max(0, start), end: Math.min(text.length, end) }))
    .filter((r) => r.end > r.start)
    .sort((a, b) => a.start - b.start);
  const parts: { text: string; matched: boolean }[] = [];
  let at = 0;
  for (const range of ranges) {
    const start = Math.max(range.start, at);
    if (range.end <= start) continue;
    if (start > at) parts.push({ text: text.slice(at, start), matched: false });
    const last = parts.at(-1);
    // A match touching the previous one extends it.
    if (last?.matched) last.text += text.slice(start, range.end);
    else parts.push({ text: text.slice(start, range.end), matched: true });
    at = range.end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), matched: false });
  return parts;
}

let lastSearch: string | null = null;

/** Remembers the search results last shown, so an asset page can lead back to them. */
export function rememberSearch(href: string): void {
  lastSearch = href;
}

export function lastSearchHref(): string | null {
  return lastSearch;
}

/** Text as search compares it: lower case, accents dropped ("Étude" → "etude"). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Spellings to offer for a query that found nothing: the server's suggestions for it, else for ever shorter
 * beginnings of its longest word (a typo late in the word still leaves a useful start: "secruty" → "sec…").
 */
export async function didYouMean(q: string, signal?: AbortSignal): Promise<string[]> {
  const typed = foldText(q.trim());
  const longest = q.split(/[^\p{L}\p{N}]+/u).reduce((a, b) => (b.length > a.length ? b : a), '');
  const starts = [Math.ceil(longest.length * 2 / 3), Math.ceil(longest.length / 2), 3]
    .filter((n, i, all) => n >= 3 && n < longest.length && all.indexOf(n) === i)
    .map((n) => longest.slice(0, n));
  for (const attempt of [q, ...starts]) {
    const found = (await api.suggest(attempt, signal)).filter((s) => foldText(s) !== typed);
    if (found.length) return found.slice(0, 4);
  }
  return [];
}
