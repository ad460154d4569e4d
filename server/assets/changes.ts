import type { TermLists } from './queries.ts';

/** An asset's editable metadata as stored, in the form the audit log compares. */
export interface MetadataValues extends TermLists {
  title: string;
  description: string;
  tags: string[];
  /** ISO 8601, or null for no expiry. */
  expiresAt: string | null;
}

export const TEXT_FIELDS = ['title', 'description', 'language', 'expiresAt'] as const;
export const LIST_FIELDS = ['personas', 'stages', 'products', 'industries', 'tags'] as const;

/** One field an edit changed, as the audit log keeps it: text fields old and new, lists what was added and removed. */
export type FieldChange =
  | { field: (typeof TEXT_FIELDS)[number]; from: string | null; to: string | null }
  | { field: (typeof LIST_FIELDS)[number]; added: string[]; removed: string[] };

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
