import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../web/src/lib/api.ts';
import { auditLines, describeChange } from '../../web/src/lib/audit.ts';

const entry = (action: string, detail: Record<string, unknown>): AuditEntry => ({ id: 1, action, comment: null, at: '2024-01-01T00:00:00Z', user: null, detail });
const labels = { label: (_facet: string, slug: string) => slug.toUpperCase() };

describe('auditLines', () => {
  it('shows text fields old → new and lists as terms added and removed, with their labels', () => {
    expect(auditLines(entry('updated', {
      fields: ['title', 'personas'],
      changes: [{ field: 'title', from: 'Old', to: 'New' }, { field: 'personas', added: ['cfo'], removed: ['cio', 'it'] }],
    }), labels)).toEqual(['Title: “Old” → “New”', 'Personas: added CFO; removed CIO, IT']);
  });

  it('shortens long descriptions and says none for a cleared expiry', () => {
    expect(describeChange({ field: 'description', from: '', to: 'x'.repeat(200) })).toBe(`Description: empty → “${'x'.repeat(79)}…”`);
    expect(describeChange({ field: 'expiresAt', from: '2099-01-01T00:00:00.000Z', to: null })).toMatch(/^Expiry date: .*2099.* → none$/);
  });

  it('still reads entries written before values were recorded', () => {
    expect(auditLines(entry('updated', { fields: ['title', 'tags'] }))).toEqual(['Changed title, tags']);
  });

  it('says a new version withdrew the review, or which version sales keep', () => {
    expect(auditLines(entry('version_added', { number: 3, filename: 'v3.pdf', from: 'in_review', reviewWithdrawn: true, salesKeepVersion: 1 })))
      .toEqual(['New version 3 uploaded; review withdrawn — submit again', 'v3.pdf']);
    expect(auditLines(entry('version_added', { number: 2, filename: 'v2.pdf', from: 'approved', reviewWithdrawn: false, salesKeepVersion: 1 })))
      .toEqual(['New version 2 uploaded; sales keep version 1 until it is approved', 'v2.pdf']);
    expect(auditLines(entry('version_added', { number: 2, from: 'in_review', to: 'draft' }))).toEqual(['New version 2 uploaded; review withdrawn — submit again']);
  });

  it('says an edit of a live asset waits for review, and what went live at once', () => {
    expect(auditLines(entry('updated', {
      changes: [{ field: 'title', from: 'Old', to: 'New' }, { field: 'expiresAt', from: null, to: '2020-01-01T00:00:00.000Z' }],
      liveNow: ['expiresAt'], forReview: true, reviewWithdrawn: true,
    }))).toEqual([
      'Title: “Old” → “New”', expect.stringMatching(/^Expiry date: none → /), 'Expiry date: live at once',
      'For review: sales keep the approved details until it is approved', 'Review withdrawn — submit again',
    ]);
  });

  it('lists what an approval made live and marks approving one\'s own work', () => {
    expect(auditLines(entry('approved', { selfApproved: true, changes: [{ field: 'title', from: 'Old', to: 'New' }] })))
      .toEqual(['Approved their own work', 'Details now live:', 'Title: “Old” → “New”']);
    expect(auditLines(entry('approved', { selfApproved: false }))).toEqual([]);
    expect(auditLines(entry('rejected', { changes: [{ field: 'tags', added: ['q3'], removed: [] }] })))
      .toEqual(['Proposed changes sent back; sales keep the approved details:', 'Tags: added q3']);
  });
});
