import type { MetadataDraft } from './metadata.ts';

// One file of an upload batch takes the batch's shared fields, with its own changes on top.

/** The fields holding lists (term slugs, free tags): a file adds to them or takes from them. */
export const LIST_FIELDS = ['personas', 'stages', 'products', 'industries', 'tags'] as const;
export type ListField = (typeof LIST_FIELDS)[number];

/** The fields holding one value: a file replaces it. */
export const VALUE_FIELDS = ['language', 'expires', 'description'] as const;
export type ValueField = (typeof VALUE_FIELDS)[number];

/**
 * What one file changes from the batch's shared fields. Kept as changes rather than a copy, so a shared field
 * edited afterwards still reaches the file, except where the file has said otherwise.
 */
export interface FileEdits {
  added: Partial<Record<ListField, string[]>>;
  removed: Partial<Record<ListField, string[]>>;
  values: Partial<Pick<MetadataDraft, ValueField>>;
}

export function noEdits(): FileEdits {
  return { added: {}, removed: {}, values: {} };
}

/** The fields the file goes up with: the shared ones, less what the file removed, plus what it added or replaced. */
export function fileDraft(shared: MetadataDraft, edits: FileEdits): MetadataDraft {
  const draft: MetadataDraft = { ...shared, ...edits.values };
  for (const field of LIST_FIELDS) {
    const removed = edits.removed[field] ?? [];
    const list = shared[field].filter((value) => !removed.includes(value));
    for (const value of edits.added[field] ?? []) if (!list.includes(value)) list.push(value);
    draft[field] = list;
  }
  return draft;
}

/** The file's list set to `next`: stored as what the shared list lacks (added) and what it has that `next` lacks (removed). */
export function withList(shared: MetadataDraft, edits: FileEdits, field: ListField, next: string[]): FileEdits {
  const added = next.filter((value) => !shared[field].includes(value));
  const removed = shared[field].filter((value) => !next.includes(value));
  return { ...edits, added: { ...edits.added, [field]: added }, removed: { ...edits.removed, [field]: removed } };
}

/** The file's value set to `value`; setting it back to the shared value makes the file follow the shared one again. */
export function withValue(shared: MetadataDraft, edits: FileEdits, field: ValueField, value: string): FileEdits {
  const values = { ...edits.values };
  if (value === shared[field]) delete values[field];
  else values[field] = value;
  return { ...edits, values };
}

/** The fields the file has its own say on. */
export function editedFields(edits: FileEdits): (ListField | ValueField)[] {
  const lists = LIST_FIELDS.filter((field) => edits.added[field]?.length || edits.removed[field]?.length);
  const values = VALUE_FIELDS.filter((field) => edits.values[field] !== undefined);
  return [...lists, ...values];
}

/** One change a file makes, as the queue lists it under the file. */
export type FileChange =
  | { kind: 'added' | 'removed'; field: ListField; value: string }
  | { kind: 'replaced'; field: ValueField; value: string };

export function fileChanges(edits: FileEdits): FileChange[] {
  const changes: FileChange[] = [];
  for (const field of LIST_FIELDS) {
    for (const value of edits.added[field] ?? []) changes.push({ kind: 'added', field, value });
    for (const value of edits.removed[field] ?? []) changes.push({ kind: 'removed', field, value });
  }
  for (const field of VALUE_FIELDS) {
    const value = edits.values[field];
    if (value !== undefined) changes.push({ kind: 'replaced', field, value });
  }
  return changes;
}
