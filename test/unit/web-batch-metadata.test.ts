// One file of an upload batch: the shared fields, with the file's own changes winning for that file.
import { describe, expect, it } from 'vitest';
import { editedFields, fileChanges, fileDraft, noEdits, withList, withValue } from '../../web/src/lib/batch-metadata.ts';
import { emptyDraft, type MetadataDraft } from '../../web/src/lib/metadata.ts';

const shared = (fields: Partial<MetadataDraft> = {}): MetadataDraft => ({ ...emptyDraft(), ...fields });

describe('a file of an upload batch', () => {
  it('goes up with the shared fields while it has no changes of its own', () => {
    const batch = shared({ personas: ['cfo'], stages: ['awareness'], tags: ['launch'], language: 'en' });
    expect(fileDraft(batch, noEdits())).toEqual(batch);
    expect(editedFields(noEdits())).toEqual([]);
  });

  it('keeps terms it adds and leaves out shared terms it removes', () => {
    const batch = shared({ personas: ['cfo'], stages: ['awareness', 'evaluation'] });
    let edits = withList(batch, noEdits(), 'personas', ['cfo', 'cio']);
    edits = withList(batch, edits, 'stages', ['awareness']);
    expect(fileDraft(batch, edits)).toMatchObject({ personas: ['cfo', 'cio'], stages: ['awareness'] });
    expect(fileChanges(edits)).toEqual([
      { kind: 'added', field: 'personas', value: 'cio' },
      { kind: 'removed', field: 'stages', value: 'evaluation' },
    ]);
    expect(editedFields(edits)).toEqual(['personas', 'stages']);
  });

  it('still follows shared fields changed after its own edits, except where it said otherwise', () => {
    const before = shared({ personas: ['cfo'], stages: ['awareness', 'evaluation'] });
    const edits = withList(before, noEdits(), 'stages', ['awareness']);
    const after = shared({ personas: ['cfo', 'procurement'], stages: ['awareness', 'evaluation', 'intent'], tags: ['spring'] });
    expect(fileDraft(after, edits)).toMatchObject({ personas: ['cfo', 'procurement'], stages: ['awareness', 'intent'], tags: ['spring'] });
  });

  it('keeps a term it added when the shared fields drop it', () => {
    const edits = withList(shared(), noEdits(), 'tags', ['pricing']);
    expect(fileDraft(shared({ tags: ['pricing'] }), edits).tags).toEqual(['pricing']);
    expect(fileDraft(shared(), edits).tags).toEqual(['pricing']);
  });

  it('replaces a shared value, and follows the shared one again once set back to it', () => {
    const batch = shared({ language: 'en', expires: '2030-01-31' });
    const edits = withValue(batch, withValue(batch, noEdits(), 'language', 'de'), 'expires', '');
    expect(fileDraft(batch, edits)).toMatchObject({ language: 'de', expires: '' });
    expect(fileChanges(edits)).toEqual([
      { kind: 'replaced', field: 'language', value: 'de' },
      { kind: 'replaced', field: 'expires', value: '' },
    ]);
    const back = withValue(batch, edits, 'language', 'en');
    expect(editedFields(back)).toEqual(['expires']);
    expect(fileDraft(shared({ language: 'fr' }), back).language).toBe('fr');
  });

  it('has no changes once its list is set back to the shared one', () => {
    const batch = shared({ personas: ['cfo'] });
    const edits = withList(batch, withList(batch, noEdits(), 'personas', ['cio']), 'personas', ['cfo']);
    expect(editedFields(edits)).toEqual([]);
    expect(fileChanges(edits)).toEqual([]);
  });
});
