import type { AssetRow, TermLists } from './queries.ts';

/**
 * An asset's editable metadata as stored, in the form the audit log compares.
 *
 * Every one of these fields is "what sales see", so on a live asset each goes through review: title, description,
 * tags and taxonomy terms are shown on the asset and decide where sales find it (search words, filters, facets),
 * and the expiry decides whether they see it at all. The one exception is an expiry brought earlier (see
 * takesEffectAtOnce). `kind` and the file are not here: they come from the content, which has its own review.
 */
export interface MetadataValues extends TermLists {
  title: string;
  description: string;
  tags: string[];
  /** ISO 8601, or null for no expiry. */
  expiresAt: string | null;
}

export const TEXT_FIELDS = ['title', 'description', 'language', 'expiresAt'] as const;
export const LIST_FIELDS = ['personas', 'stages', 'products', 'industries', 'tags'] as const;
export type MetadataField = (typeof TEXT_FIELDS)[number] | (typeof LIST_FIELDS)[number];

/** One field an edit changed, as the audit log keeps it: text fields old and new, lists what was added and removed. */
export type FieldChange =
  | { field: (typeof TEXT_FIELDS)[number]; from: string | null; to: string | null }
  | { field: (typeof LIST_FIELDS)[number]; added: string[]; removed: string[] };

export interface PersonRef { id: string; name: string }

/**
 * Edits of a live asset waiting for review (the `pending_changes` column). The asset row and its terms keep the
 * approved metadata, which is all sales (lists, detail, search, reports, shares) ever read; approval copies these
 * values onto the row.
 */
export interface PendingChanges {
  /** The proposed value of each field that differs from the approved one; fields absent here stay as approved. */
  values: Partial<MetadataValues>;
  /** Who proposed them, in the order they first did. */
  proposedBy: PersonRef[];
  /** ISO 8601 of the latest edit. */
  proposedAt: string;
  /** Set when an approver sent the proposal back; cleared by the next edit or submission. */
  rejection: { comment: string; by: PersonRef; at: string } | null;
}

/**
 * The fields whose value `after` differs from `before`, in a fixed order. Lists are compared as sets
 * (the order of tags or terms is not a change anyone asked for); fields absent from `after` are unchanged.
 */
export function metadataChanges(before: MetadataValues, after: Partial<MetadataValues>): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of TEXT_FIELDS) {
    const to = after[field];
    if (to === undefined || to === before[field]) continue;
    changes.push({ field, from: before[field], to });
  }
  for (const field of LIST_FIELDS) {
    const to = after[field];
    if (to === undefined) continue;
    const added = [...new Set(to)].filter((v) => !before[field].includes(v));
    const removed = before[field].filter((v) => !to.includes(v));
    if (added.length || removed.length) changes.push({ field, added, removed });
  }
  return changes;
}

/** The metadata a row and its terms hold: for a live asset, the approved metadata. */
export function storedValues(row: AssetRow, terms: TermLists): MetadataValues {
  return {
    title: row.title, description: row.description, tags: row.tags, expiresAt: row.expiresAt?.toISOString() ?? null,
    personas: terms.personas, stages: terms.stages, products: terms.products, industries: terms.industries, language: terms.language,
  };
}

/** Of `values`, the fields that differ from `approved` (the proposal to keep). */
export function differingValues(approved: MetadataValues, values: Partial<MetadataValues>): Partial<MetadataValues> {
  const fields = new Set(metadataChanges(approved, values).map((c) => c.field));
  return Object.fromEntries(Object.entries(values).filter(([field]) => fields.has(field as MetadataField))) as Partial<MetadataValues>;
}

/**
 * An expiry brought earlier (or set where there was none) goes live at once: it only takes the asset away from
 * sales sooner, and an owner pulling outdated content should not wait for an approver. A later or removed expiry
 * would show it for longer, so it waits for review like any other change.
 */
export function takesEffectAtOnce(approvedExpiry: string | null, proposedExpiry: string | null | undefined): proposedExpiry is string {
  if (proposedExpiry === undefined || proposedExpiry === null) return false;
  return approvedExpiry === null || Date.parse(proposedExpiry) < Date.parse(approvedExpiry);
}
