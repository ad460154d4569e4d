// The lines under an entry of an asset's history: what an edit changed, what a new version did to the review.
import type { AuditEntry, FacetKey, FieldChange } from './api.ts';
import { date } from './format.ts';

/** Term labels by facet and slug (a Taxonomy); without one, slugs show as they are. */
export interface TermLabels { label(key: FacetKey, slug: string): string }

export const FIELD_LABELS: Record<FieldChange['field'], string> = {
  title: 'Title', description: 'Description', language: 'Language', expiresAt: 'Expiry date',
  personas: 'Personas', stages: 'Stages', products: 'Products', industries: 'Industries', tags: 'Tags',
};
const FACET_OF: Partial<Record<FieldChange['field'], FacetKey>> = {
  personas: 'persona', stages: 'stage', products: 'product', industries: 'industry', language: 'language',
};
const QUOTE_MAX = 80;

function quoted(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return `“${oneLine.length > QUOTE_MAX ? `${oneLine.slice(0, QUOTE_MAX - 1).trimEnd()}…` : oneLine}”`;
}

function textValue(change: Extract<FieldChange, { from: string | null }>, value: string | null, terms?: TermLabels): string {
  if (value === null || value === '') return change.field === 'expiresAt' ? 'none' : change.field === 'language' ? 'none' : 'empty';
  if (change.field === 'expiresAt') return date(value);
  if (change.field === 'language') return terms?.label('language', value) ?? value;
  return quoted(value);
}

/** "Title: “Old” → “New”", "Personas: added CFO; removed CIO". */
export function describeChange(change: FieldChange, terms?: TermLabels): string {
  const label = FIELD_LABELS[change.field] ?? change.field;
  if ('from' in change) return `${label}: ${textValue(change, change.from, terms)} → ${textValue(change, change.to, terms)}`;
  const facet = FACET_OF[change.field];
  const name = (slug: string) => (facet && terms ? terms.label(facet, slug) : slug);
  const parts = [
    ...(change.added.length ? [`added ${change.added.map(name).join(', ')}`] : []),
    ...(change.removed.length ? [`removed ${change.removed.map(name).join(', ')}`] : []),
  ];
  return `${label}: ${parts.join('; ')}`;
}

function isFieldChange(value: unknown): value is FieldChange {
  return typeof value === 'object' && value !== null && typeof (value as { field?: unknown }).field === 'string'
    && (('from' in value && 'to' in value) || (Array.isArray((value as { added?: unknown }).added) && Array.isArray((value as { removed?: unknown }).removed)));
}

/** What to show under an entry's headline, one line each. */
export function auditLines(entry: AuditEntry, terms?: TermLabels): string[] {
  const detail = entry.detail ?? {};
  const changes = Array.isArray(detail.changes) ? detail.changes.filter(isFieldChange).map((c) => describeChange(c, terms)) : [];
  if (entry.action === 'approved') {
    return [...(detail.selfApproved === true ? ['Approved their own work'] : []), ...(changes.length ? ['Details now live:', ...changes] : [])];
  }
  if (entry.action === 'rejected' && changes.length) return ['Proposed changes sent back; sales keep the approved details:', ...changes];
  if (entry.action === 'updated') {
    if (Array.isArray(detail.changes)) {
      const liveNow = Array.isArray(detail.liveNow) ? detail.liveNow.map(String) : [];
      const status = [
        ...(liveNow.length ? [`${liveNow.map((f) => FIELD_LABELS[f as FieldChange['field']] ?? f).join(', ')}: live at once`] : []),
        ...(detail.forReview === true ? ['For review: sales keep the approved details until it is approved'] : []),
      ];
      const withdrawn = detail.reviewWithdrawn === true ? ['Review withdrawn — submit again'] : [];
      return [...changes, ...status, ...withdrawn];
    }
    // Entries written before edits recorded their values name only the fields sent.
    if (Array.isArray(detail.fields) && detail.fields.length) return [`Changed ${detail.fields.map(String).join(', ')}`];
  }
  if (entry.action === 'version_added' && typeof detail.number === 'number') {
    // Older entries lack reviewWithdrawn but say where the asset came from.
    const withdrawn = detail.reviewWithdrawn === true || (detail.reviewWithdrawn === undefined && detail.from === 'in_review');
    const consequence = withdrawn ? '; review withdrawn — submit again'
      : typeof detail.salesKeepVersion === 'number' ? `; sales keep version ${detail.salesKeepVersion} until it is approved` : '';
    return [`New version ${detail.number} uploaded${consequence}`, ...(typeof detail.filename === 'string' ? [detail.filename] : [])];
  }
  if (entry.action === 'created' && typeof detail.filename === 'string') return [detail.filename];
  return [];
}
