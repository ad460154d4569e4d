// The taxonomy's statements: reads and writes of facets and their terms, so that service.ts reads as the rules
// (which facets exist, how slugs are made, when a term may go). Each takes the database or the caller's transaction.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { assetTerms, facets, terms } from '../db/schema.ts';

type Conn = Db | Tx;
export type FacetRow = typeof facets.$inferSelect;
export type TermRow = typeof terms.$inferSelect;

/** Inserts the facet unless one with its key exists; whether it was new. */
export async function insertFacetIfMissing(tx: Tx, values: typeof facets.$inferInsert): Promise<boolean> {
  const inserted = await tx.insert(facets).values(values).onConflictDoNothing().returning();
  return inserted.length > 0;
}

export async function insertTerms(tx: Tx, values: (typeof terms.$inferInsert)[]): Promise<void> {
  await tx.insert(terms).values(values);
}

export async function facetsInOrder(db: Db): Promise<FacetRow[]> {
  return db.select().from(facets).orderBy(asc(facets.position));
}

/** Every term of every facet, by position and then label. */
export async function termsInOrder(db: Db): Promise<TermRow[]> {
  return db.select().from(terms).orderBy(asc(terms.position), asc(terms.label));
}

/** The position after the facet's last term (0 for its first). */
export async function nextTermPosition(db: Db, facetKey: string): Promise<number> {
  const [{ next } = { next: 0 }] = await db.select({ next: sql<number>`coalesce(max(${terms.position}) + 1, 0)::int` })
    .from(terms).where(eq(terms.facetKey, facetKey));
  return next;
}

/** Inserts the term unless its facet has one with that slug already; the new row, if it was inserted. */
export async function insertTermIfMissing(db: Db, values: typeof terms.$inferInsert): Promise<TermRow | undefined> {
  const [row] = await db.insert(terms).values(values).onConflictDoNothing().returning();
  return row;
}

export async function findTerm(db: Db, facetKey: string, slug: string): Promise<TermRow | undefined> {
  const [row] = await db.select().from(terms).where(and(eq(terms.facetKey, facetKey), eq(terms.slug, slug)));
  return row;
}

/** The term after the change, if the facet has one with that slug. */
export async function updateTerm(db: Db, facetKey: string, slug: string, patch: Partial<typeof terms.$inferInsert>): Promise<TermRow | undefined> {
  const [row] = await db.update(terms).set(patch).where(and(eq(terms.facetKey, facetKey), eq(terms.slug, slug))).returning();
  return row;
}

/** How many assets are tagged with the term. */
export async function assetsUsingTerm(db: Db, termId: string): Promise<number> {
  const [{ used } = { used: 0 }] = await db.select({ used: sql<number>`count(*)::int` }).from(assetTerms).where(eq(assetTerms.termId, termId));
  return used;
}

export async function deleteTerm(db: Db, id: string): Promise<void> {
  await db.delete(terms).where(eq(terms.id, id));
}

/** Ids and slugs of the facet's terms among these slugs (unknown slugs have no row). */
export async function termsBySlug(tx: Conn, facetKey: string, slugs: string[]): Promise<{ id: string; slug: string }[]> {
  return tx.select({ id: terms.id, slug: terms.slug }).from(terms)
    .where(and(eq(terms.facetKey, facetKey), inArray(terms.slug, slugs)));
}

/** The facet's slugs in the order its terms are shown. */
export async function termSlugs(tx: Conn, facetKey: string): Promise<string[]> {
  const rows = await tx.select({ slug: terms.slug }).from(terms).where(eq(terms.facetKey, facetKey)).orderBy(asc(terms.position));
  return rows.map((row) => row.slug);
}
