// Filter values in a URL that the hub no longer has: a bookmark or a shared link from before a taxonomy change.
// The API answers them with a 400; the pages drop them from the URL instead and say so.
import { FACET_KEYS, KINDS, STATUSES, type FacetKey } from './api.ts';
import type { Taxonomy } from './taxonomy.ts';

/** A filter as a URL holds it: one value (the library) or several (search). */
export type UrlFilters = Partial<Record<string, string | string[]>>;

export interface StaleFilter { key: string; value: string }

const FIXED_VALUES: Record<string, readonly string[]> = { kind: KINDS, status: STATUSES };

function isFacetKey(key: string): key is FacetKey {
  return (FACET_KEYS as readonly string[]).includes(key);
}

/** The values of taxonomy, kind and status filters that `taxonomy` and the app do not know; tags are free text. */
export function staleFilterValues(filters: UrlFilters, taxonomy: Taxonomy): StaleFilter[] {
  const stale: StaleFilter[] = [];
  for (const [key, raw] of Object.entries(filters)) {
    const known = isFacetKey(key) ? taxonomy.facet(key).terms.map((t) => t.slug) : FIXED_VALUES[key];
    if (!known) continue;
    for (const value of [raw ?? []].flat()) if (!known.includes(value)) stale.push({ key, value });
  }
  return stale;
}

/** The filters without the stale values (a filter left with none is dropped). */
export function withoutStale<F extends UrlFilters>(filters: F, stale: StaleFilter[]): F {
  const out: UrlFilters = { ...filters };
  for (const { key, value } of stale) {
    const current = out[key];
    if (Array.isArray(current)) {
      const rest = current.filter((v) => v !== value);
      out[key] = rest.length ? rest : undefined;
    } else if (current === value) out[key] = undefined;
  }
  return out as F;
}

/** “The filter persona “x” no longer exists and was removed.”, naming each facet as the taxonomy does. */
export function staleFiltersNotice(stale: StaleFilter[], taxonomy: Taxonomy): string {
  const named = stale.map(({ key, value }) => `${(isFacetKey(key) ? taxonomy.facet(key).label : key).toLowerCase()} “${value}”`);
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(', ')} and ${named.at(-1)}`;
  return named.length === 1
    ? `The filter ${list} no longer exists and was removed.`
    : `The filters ${list} no longer exist and were removed.`;
}

/**
 * The stale values of `filters`, checked against a fresh copy of the taxonomy when the loaded one does not know
 * some: an admin may have added the term after this page loaded, and a link to it is then fine.
 */
export async function confirmStale(filters: UrlFilters, taxonomy: Taxonomy, refresh: () => Promise<Taxonomy>): Promise<{ stale: StaleFilter[]; taxonomy: Taxonomy }> {
  let current = taxonomy;
  try {
    current = await refresh();
  } catch { /* the loaded copy, then: the server's 400 still catches what it misses */ }
  return { stale: staleFilterValues(filters, current), taxonomy: current };
}
