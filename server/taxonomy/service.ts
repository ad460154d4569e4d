// The taxonomy: the facets assets are tagged by (persona, stage, product, industry, language) and their terms,
// which admins add, rename, reorder and remove. The rules are here; the SQL is in store.ts.
import type { Db, Tx } from '../db/client.ts';
import type { terms } from '../db/schema.ts';
import { Conflict, Invalid, NotFound } from '../errors.ts';
import * as store from './store.ts';

export const FACET_KEYS = ['persona', 'stage', 'product', 'industry', 'language'] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

export interface Term { slug: string; label: string }
export interface Facet { key: FacetKey; label: string; multiple: boolean; terms: Term[] }

/** What a fresh install ships with; the stages are the buyer's journey, the rest are examples an admin edits. */
const DEFAULTS: { key: FacetKey; label: string; multiple: boolean; terms: string[] }[] = [
  { key: 'persona', label: 'Persona', multiple: true, terms: ['CFO', 'CIO', 'Head of Sales', 'Marketing Leader', 'Procurement', 'End User'] },
  { key: 'stage', label: 'Stage', multiple: true, terms: ['Awareness', 'Interest', 'Consideration', 'Intent', 'Evaluation', 'Purchase'] },
  { key: 'product', label: 'Product', multiple: true, terms: [] },
  { key: 'industry', label: 'Industry', multiple: true, terms: ['Financial Services', 'Healthcare', 'Manufacturing', 'Retail', 'Technology', 'Public Sector'] },
  { key: 'language', label: 'Language', multiple: false, terms: ['English', 'French', 'German', 'Spanish'] },
];
const LANGUAGE_SLUGS: Record<string, string> = { English: 'en', French: 'fr', German: 'de', Spanish: 'es' };

/** "Head of Sales" → "head-of-sales"; accents folded so slugs stay ASCII. */
export function slugify(label: string): string {
  return label.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
}

export function isFacetKey(key: string): key is FacetKey {
  return (FACET_KEYS as readonly string[]).includes(key);
}

/** Called after a term's label or place changed, so what shows or matches it can follow. */
export type TermChangedListener = (facet: FacetKey, slug: string) => Promise<void>;

export function taxonomyService(db: Db) {
  const termListeners: TermChangedListener[] = [];

  async function facetOrThrow(key: string) {
    if (!isFacetKey(key)) throw new NotFound(`no facet "${key}"; facets are ${FACET_KEYS.join(', ')}`, 'FACET_NOT_FOUND');
    return key;
  }

  return {
    /** Creates the facets and their default terms the first time; later boots leave admin edits alone. */
    async ensureDefaults(): Promise<void> {
      await db.transaction(async (tx) => {
        for (const [position, facet] of DEFAULTS.entries()) {
          const isNew = await store.insertFacetIfMissing(tx, { key: facet.key, label: facet.label, position, multiple: facet.multiple });
          if (!isNew || facet.terms.length === 0) continue;
          await store.insertTerms(tx, facet.terms.map((label, i) => ({
            facetKey: facet.key, label, slug: LANGUAGE_SLUGS[label] ?? slugify(label), position: i,
          })));
        }
      });
    },

    async list(): Promise<Facet[]> {
      const facetRows = await store.facetsInOrder(db);
      const termRows = await store.termsInOrder(db);
      return facetRows.filter((f) => isFacetKey(f.key)).map((f) => ({
        key: f.key as FacetKey, label: f.label, multiple: f.multiple,
        terms: termRows.filter((t) => t.facetKey === f.key).map((t) => ({ slug: t.slug, label: t.label })),
      }));
    },

    async addTerm(facetKey: string, label: string, slug?: string): Promise<Term> {
      const key = await facetOrThrow(facetKey);
      const finalSlug = slug ?? slugify(label);
      if (!finalSlug) throw new Invalid('the label needs at least one letter or digit to make a slug', 'BAD_SLUG');
      const next = await store.nextTermPosition(db, key);
      const row = await store.insertTermIfMissing(db, { facetKey: key, slug: finalSlug, label: label.trim(), position: next });
      if (!row) throw new Conflict(`${key} already has a term "${finalSlug}"`, 'TERM_EXISTS');
      return { slug: row.slug, label: row.label };
    },

    onTermChanged(listener: TermChangedListener) {
      termListeners.push(listener);
    },

    async updateTerm(facetKey: string, slug: string, changes: { label?: string; position?: number }): Promise<Term> {
      const key = await facetOrThrow(facetKey);
      const patch: Partial<typeof terms.$inferInsert> = {};
      if (changes.label !== undefined) patch.label = changes.label.trim();
      if (changes.position !== undefined) patch.position = changes.position;
      const row = Object.keys(patch).length
        ? await store.updateTerm(db, key, slug, patch)
        : await store.findTerm(db, key, slug);
      if (!row) throw new NotFound(`${key} has no term "${slug}"`, 'TERM_NOT_FOUND');
      if (Object.keys(patch).length) for (const listener of termListeners) await listener(key, slug);
      return { slug: row.slug, label: row.label };
    },

    /** Refuses while assets use the term, so nobody's tagging disappears silently. */
    async deleteTerm(facetKey: string, slug: string): Promise<void> {
      const key = await facetOrThrow(facetKey);
      const row = await store.findTerm(db, key, slug);
      if (!row) throw new NotFound(`${key} has no term "${slug}"`, 'TERM_NOT_FOUND');
      const used = await store.assetsUsingTerm(db, row.id);
      if (used > 0) throw new Conflict(`"${row.label}" is used by ${used} asset${used === 1 ? '' : 's'}; remove it from them first`, 'TERM_IN_USE');
      await store.deleteTerm(db, row.id);
    },

    /** Term ids for the given slugs of one facet; unknown slugs are a 400 naming the known ones. */
    async resolve(tx: Db | Tx, facetKey: FacetKey, slugs: string[]): Promise<string[]> {
      const unique = [...new Set(slugs)];
      if (unique.length === 0) return [];
      const rows = await store.termsBySlug(tx, facetKey, unique);
      const unknown = unique.filter((s) => !rows.some((r) => r.slug === s));
      if (unknown.length) {
        const known = await store.termSlugs(tx, facetKey);
        throw new Invalid(
          `unknown ${facetKey} ${unknown.map((s) => `"${s}"`).join(', ')}; known: ${known.join(', ') || '(none yet — an admin adds them)'}`,
          'UNKNOWN_TERM',
        );
      }
      return rows.map((r) => r.id);
    },
  };
}

export type TaxonomyService = ReturnType<typeof taxonomyService>;
