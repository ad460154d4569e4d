import type { Asset, Facet, FacetKey } from './api.ts';

/** Which asset field holds the slugs of each facet. */
export const FACET_FIELDS = {
  persona: 'personas', stage: 'stages', product: 'products', industry: 'industries',
} as const satisfies Record<Exclude<FacetKey, 'language'>, keyof Asset>;

export type ListFacet = keyof typeof FACET_FIELDS;
export const LIST_FACETS = Object.keys(FACET_FIELDS) as ListFacet[];

/** Looks up term labels by slug; unknown slugs (a term deleted meanwhile) show as the slug itself. */
export class Taxonomy {
  readonly facets: Facet[];
  private readonly labels = new Map<string, string>();

  constructor(facets: Facet[]) {
    this.facets = facets;
    for (const facet of facets) for (const term of facet.terms) this.labels.set(`${facet.key}:${term.slug}`, term.label);
  }

  facet(key: FacetKey): Facet {
    return this.facets.find((f) => f.key === key) ?? { key, label: key, multiple: key !== 'language', terms: [] };
  }

  label(key: FacetKey, slug: string): string {
    return this.labels.get(`${key}:${slug}`) ?? slug;
  }
}
