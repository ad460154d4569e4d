// What marketing and approvers read about an asset's life: the edits made (field by field), what a new version
// does to a review, the default title of a long file name, the review queue's size, and files that cannot be read.
import { describe, expect, it } from 'vitest';
import { TITLE_MAX_LENGTH } from '../../web/src/lib/file-title.ts';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { damagedDocx, encryptedPdf, multipart, pdf } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales'] });

interface AuditItem { action: string; comment: string | null; user: { name: string } | null; detail: Record<string, unknown> | null }
const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
const auditOf = async (id: string): Promise<AuditItem[]> => (await inject('GET', `/api/assets/${id}/audit`, t.marketing)).json().items;
const created = async (fields: Record<string, string | string[]> = {}) => {
  const res = await upload(t, t.marketing, fields);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
async function addVersion(id: string, name: string, pages: string[]) {
  const body = await multipart({}, { name, content: await pdf(pages) });
  return t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload });
}

describe('the audit log of an edit', () => {
  it('records only the fields that changed, with old and new values', async () => {
    const id = await created({ title: 'Old title', description: 'Same text', personas: 'cfo', stages: 'awareness', tags: 'launch' });
    // The web form sends every field; only the title differs.
    const res = await inject('PATCH', `/api/assets/${id}`, t.marketing, {
      title: 'New title', description: 'Same text', personas: ['cfo'], stages: ['awareness'], products: [], industries: [],
      tags: ['Launch'], language: null, expiresAt: null,
    });
    expect(res.statusCode).toBe(200);
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({ action: 'updated', detail: { fields: ['title'], changes: [{ field: 'title', from: 'Old title', to: 'New title' }] } });
  });

  it('records lists as terms added and removed, and dates as ISO strings', async () => {
    const id = await created({ personas: 'cfo', tags: 'launch,hero' });
    await inject('PATCH', `/api/assets/${id}`, t.marketing, { personas: ['cio'], tags: ['hero', 'q3'], expiresAt: '2099-01-01T00:00:00Z' });
    const [entry] = await auditOf(id);
    expect(entry!.detail!.changes).toEqual([
      { field: 'expiresAt', from: null, to: '2099-01-01T00:00:00.000Z' },
      { field: 'personas', added: ['cio'], removed: ['cfo'] },
      { field: 'tags', added: ['q3'], removed: ['launch'] },
    ]);
  });

  it('records nothing and keeps updatedAt for an edit that changes nothing', async () => {
    const id = await created({ title: 'Unchanged', personas: 'cfo,cio' });
    const before = (await inject('GET', `/api/assets/${id}`, t.marketing)).json();
    const res = await inject('PATCH', `/api/assets/${id}`, t.marketing, { title: ' Unchanged ', personas: ['cio', 'cfo'] });
    expect(res.statusCode).toBe(200);
    expect(res.json().updatedAt).toBe(before.updatedAt);
    expect((await auditOf(id)).map((e) => e.action)).toEqual(['created']);
  });

  it('still refuses an unknown term in an edit', async () => {
    const id = await created();
    const res = await inject('PATCH', `/api/assets/${id}`, t.marketing, { personas: ['wizard'] });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('UNKNOWN_TERM');
  });
});

describe('a new version during review', () => {
  it('withdraws the review and says so in the history', async () => {
    const id = await created();
    expect((await inject('POST', `/api/assets/${id}/submit`, t.marketing)).statusCode).toBe(200);
    const added = await addVersion(id, 'v2.pdf', ['second']);
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ status: 'draft', version: { number: 2 } });
    const [entry] = await auditOf(id);
    expect(entry).toMatchObject({
      action: 'version_added',
      detail: { number: 2, from: 'in_review', to: 'draft', reviewWithdrawn: true, salesKeepVersion: null },
    });
  });

  it('sends a new version of an approved asset through review while sales keep the approved version', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, {}, { name: 'v1.pdf', content: await pdf(['first']) });
    const added = await addVersion(id, 'v2.pdf', ['second']);
    expect(added.json()).toMatchObject({ status: 'draft', approvedVersion: 1, version: { number: 2 } });
    expect((await auditOf(id))[0]!.detail).toMatchObject({ from: 'approved', reviewWithdrawn: false, salesKeepVersion: 1 });

    const salesSee = async () => (await inject('GET', `/api/assets/${id}`, t.sales)).json();
    expect(await salesSee()).toMatchObject({ status: 'approved', version: { number: 1, filename: 'v1.pdf' } });
    await inject('POST', `/api/assets/${id}/submit`, t.marketing);
    expect(await salesSee()).toMatchObject({ version: { number: 1 } });
    const v1 = await t.app.inject({ method: 'GET', url: `/api/assets/${id}/download`, headers: t.sales });
    expect(v1.headers['content-disposition']).toContain('v1.pdf');

    expect((await inject('POST', `/api/assets/${id}/approve`, t.approver)).statusCode).toBe(200);
    expect(await salesSee()).toMatchObject({ version: { number: 2, filename: 'v2.pdf' } });
  });
});

describe('the default title of an upload', () => {
  const longName = `${Array.from({ length: 50 }, (_, i) => `section_${i}`).join('-').slice(0, 396)}.pdf`;

  it('derives a readable title that fits from a 400-character file name', async () => {
    expect(longName).toHaveLength(400);
    const res = await upload(t, t.marketing, {}, { name: longName, content: await pdf() });
    expect(res.statusCode, res.body).toBe(201);
    const { title } = res.json();
    expect(title.length).toBeLessThanOrEqual(TITLE_MAX_LENGTH);
    expect(title).toMatch(/^Section 0 section 1 section 2 /);
    expect(title).not.toMatch(/[_-]/);
  });

  it('accepts the title the upload queue derives from the same name', async () => {
    const { titleFromFileName } = await import('../../web/src/lib/file-title.ts');
    const res = await upload(t, t.marketing, { title: titleFromFileName(longName) }, { name: longName, content: await pdf() });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('still refuses a typed title over the limit, naming the field', async () => {
    const res = await upload(t, t.marketing, { title: 'x'.repeat(TITLE_MAX_LENGTH + 1) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/title/);
  });
});

describe('the review count', () => {
  it('counts the assets waiting in review, for approvers only', async () => {
    const count = async () => (await inject('GET', '/api/assets/review-count', t.approver)).json().inReview as number;
    const start = await count();
    const a = await created();
    const b = await created();
    await inject('POST', `/api/assets/${a}/submit`, t.marketing);
    await inject('POST', `/api/assets/${b}/submit`, t.marketing);
    expect(await count()).toBe(start + 2);
    await inject('POST', `/api/assets/${a}/reject`, t.approver, { comment: 'Wrong logo' });
    expect(await count()).toBe(start + 1);
    expect((await inject('GET', '/api/assets/review-count', t.marketing)).statusCode).toBe(403);
    expect((await inject('GET', '/api/assets/review-count', t.sales)).statusCode).toBe(403);
  });
});

describe('files that cannot be read', () => {
  it('says in words that a PDF is password-protected, to marketing and to sales', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, {}, { name: 'secret.pdf', content: await encryptedPdf() });
    expect((await inject('GET', `/api/assets/${id}`, t.marketing)).json().preview.problem).toBeNull();
    await t.app.services.processing.drain();
    const problem = { code: 'password-protected', message: 'This PDF is password-protected, so it has no preview or searchable text.' };
    expect((await inject('GET', `/api/assets/${id}`, t.marketing)).json().preview).toMatchObject({ status: 'ready', problem });
    expect((await inject('GET', `/api/assets/${id}`, t.sales)).json().preview).toMatchObject({ problem });
  });

  it('says a file looks damaged when its content cannot be unpacked', async () => {
    const res = await upload(t, t.marketing, {}, { name: 'brief.docx', content: damagedDocx() });
    expect(res.statusCode, res.body).toBe(201);
    await t.app.services.processing.drain();
    const { preview } = (await inject('GET', `/api/assets/${res.json().id}`, t.marketing)).json();
    expect(preview).toMatchObject({ status: 'failed', problem: { code: 'damaged' } });
    expect(preview.problem.message).toMatch(/^The file looks damaged, so it has no preview or searchable text \(.*document\.xml.*\)\.$/);
  });

  it('reports nothing for a file that processed well', async () => {
    const id = await created();
    await t.app.services.processing.drain();
    expect((await inject('GET', `/api/assets/${id}`, t.marketing)).json().preview).toMatchObject({ status: 'ready', problem: null });
  });
});
