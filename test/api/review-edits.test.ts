// Edits of a live asset go through review like a new version: sales keep the approved title, tags and terms (in
// detail, lists and search) until an approver approves the change; only the owner, approvers and admins edit;
// and a setting requires a second person to approve (self-approvals are marked in the audit log otherwise).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.ts';
import { useTestApp, type TestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { multipart, pdf } from '../support/files.ts';

type Headers = Record<string, string>;
interface AuditItem { action: string; comment: string | null; user: { name: string } | null; detail: Record<string, unknown> | null }

const ATTACK = 'Pricing: 90 % discount for everyone';

function helpers(t: TestApp) {
  const inject = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  return {
    inject,
    patch: (id: string, headers: Headers, payload: object) => inject('PATCH', `/api/assets/${id}`, headers, payload),
    step: (id: string, action: string, headers: Headers, payload?: object) => inject('POST', `/api/assets/${id}/${action}`, headers, payload),
    detail: async (id: string, headers: Headers) => (await inject('GET', `/api/assets/${id}`, headers)).json(),
    listed: async (headers: Headers, query = '') => {
      const res = await inject('GET', `/api/assets?limit=200${query}`, headers);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as { id: string; title: string }[];
    },
    searched: async (headers: Headers, q: string) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/search', headers, query: { q } });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().hits.map((h: { asset: { id: string; title: string } }) => h.asset) as { id: string; title: string; pendingChanges?: unknown }[];
    },
    auditOf: async (id: string, headers: Headers): Promise<AuditItem[]> => (await inject('GET', `/api/assets/${id}/audit`, headers)).json().items,
  };
}

describe('edits of a live asset', () => {
  const t = useTestApp({ signIn: ['approver', 'sales'] });
  const h = helpers(t);
  let owner: Headers;
  let otherMarketer: Headers;

  beforeAll(async () => {
    [owner, otherMarketer] = await Promise.all([t.as('marketing'), t.as('marketing')]);
  });

  /** What sales get for this asset's title in detail, in the list and in search for a word. */
  async function salesSee(id: string, word: string) {
    return {
      detail: (await h.detail(id, t.sales)).title as string,
      list: (await h.listed(t.sales)).find((a) => a.id === id)?.title,
      search: (await h.searched(t.sales, word)).filter((a) => a.id === id).map((a) => a.title),
    };
  }

  it("refuses another marketer's edit of someone else's approved asset, and sales never see it", async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Pricing one-pager' });
    const res = await h.patch(id, otherMarketer, { title: ATTACK });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'NOT_ASSET_OWNER', message: expect.stringMatching(/only its owner \(marketing \d+\), an approver or an admin/) });
    // Nor may they slip it in as a new version or submit it.
    const body = await multipart({}, { name: 'discount.pdf', content: await pdf([ATTACK]) });
    const version = await t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...otherMarketer, ...body.headers }, payload: body.payload });
    expect(version.statusCode).toBe(403);
    expect((await h.step(id, 'submit', otherMarketer)).statusCode).toBe(403);
    expect(await salesSee(id, 'discount')).toEqual({ detail: 'Pricing one-pager', list: 'Pricing one-pager', search: [] });
    expect((await h.auditOf(id, owner)).map((e) => e.action)).toEqual(['approved', 'submitted', 'created']);
  });

  it("refuses another marketer's edit of a draft too, while its owner and approvers edit it in place", async () => {
    const id = (await upload(t, owner, { title: 'Draft brief' })).json().id as string;
    expect((await h.patch(id, otherMarketer, { title: 'Mine now' })).statusCode).toBe(403);
    const own = await h.patch(id, owner, { title: 'Draft brief v2' });
    expect(own.json()).toMatchObject({ title: 'Draft brief v2', status: 'draft', pendingChanges: null });
    expect((await h.patch(id, t.approver, { title: 'Draft brief v3' })).json().title).toBe('Draft brief v3');
  });

  it("keeps the approved title for sales in detail, list and search until the owner's edit is approved", async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Pricing sheet', tags: 'pricing' });
    const edited = await h.patch(id, owner, { title: 'Pricing sheet with a 90 % discount' });
    expect(edited.statusCode, edited.body).toBe(200);
    // Marketing see the approved title and, beside it, what waits for review.
    expect(edited.json()).toMatchObject({
      title: 'Pricing sheet', status: 'draft',
      pendingChanges: {
        values: { title: 'Pricing sheet with a 90 % discount' },
        changes: [{ field: 'title', from: 'Pricing sheet', to: 'Pricing sheet with a 90 % discount' }],
        proposedBy: [{ name: expect.any(String) }], rejection: null,
      },
    });
    const approvedForSales = { detail: 'Pricing sheet', list: 'Pricing sheet', search: [] };
    expect(await salesSee(id, 'discount')).toEqual(approvedForSales);
    expect((await h.detail(id, t.sales)).pendingChanges).toBeUndefined();
    expect((await h.searched(t.sales, 'pricing sheet')).find((a) => a.id === id)).toMatchObject({ title: 'Pricing sheet' });
    // Staff search what sales see too (one document per asset); the hit carries the proposal.
    expect((await h.searched(owner, 'discount')).map((a) => a.id)).not.toContain(id);
    expect((await h.searched(owner, 'pricing sheet')).find((a) => a.id === id)?.pendingChanges).toMatchObject({ values: { title: 'Pricing sheet with a 90 % discount' } });

    expect((await h.step(id, 'submit', owner)).json()).toMatchObject({ status: 'in_review', title: 'Pricing sheet' });
    expect(await salesSee(id, 'discount')).toEqual(approvedForSales);

    const approved = await h.step(id, 'approve', t.approver);
    expect(approved.json()).toMatchObject({ status: 'approved', title: 'Pricing sheet with a 90 % discount', pendingChanges: null });
    expect(await salesSee(id, 'discount')).toEqual({
      detail: 'Pricing sheet with a 90 % discount', list: 'Pricing sheet with a 90 % discount', search: ['Pricing sheet with a 90 % discount'],
    });
    const [entry] = await h.auditOf(id, owner);
    expect(entry).toMatchObject({
      action: 'approved',
      detail: { from: 'in_review', to: 'approved', selfApproved: false, changes: [{ field: 'title', from: 'Pricing sheet', to: 'Pricing sheet with a 90 % discount' }] },
    });
  });

  it('keeps the approved metadata when the change is rejected, and marks the proposal rejected with the comment', async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Security whitepaper', personas: 'cio' });
    await h.patch(id, owner, { title: 'Security whitepaper (unverified claims)', personas: ['cfo'] });
    await h.step(id, 'submit', owner);
    const rejected = await h.step(id, 'reject', t.approver, { comment: 'Legal has not cleared these claims.' });
    expect(rejected.json()).toMatchObject({
      status: 'rejected', title: 'Security whitepaper', personas: ['cio'],
      pendingChanges: { values: { title: 'Security whitepaper (unverified claims)', personas: ['cfo'] }, rejection: { comment: 'Legal has not cleared these claims.' } },
    });
    expect(await salesSee(id, 'unverified')).toEqual({ detail: 'Security whitepaper', list: 'Security whitepaper', search: [] });
    expect((await h.listed(t.sales, '&persona=cfo')).map((a) => a.id)).not.toContain(id);
    const [entry] = await h.auditOf(id, owner);
    expect(entry).toMatchObject({ action: 'rejected', comment: 'Legal has not cleared these claims.', detail: { changes: [
      { field: 'title', from: 'Security whitepaper', to: 'Security whitepaper (unverified claims)' },
      { field: 'personas', added: ['cfo'], removed: ['cio'] },
    ] } });

    // The next edit is a new proposal; going back to the approved values leaves nothing to review.
    const reworked = (await h.patch(id, owner, { title: 'Security whitepaper, cleared' })).json();
    expect(reworked.pendingChanges).toMatchObject({ values: { title: 'Security whitepaper, cleared', personas: ['cfo'] }, rejection: null });
    const withdrawn = (await h.patch(id, owner, { title: 'Security whitepaper', personas: ['cio'] })).json();
    expect(withdrawn).toMatchObject({ status: 'approved', pendingChanges: null });
  });

  it('sends tags, terms and a later expiry through review, but takes an earlier expiry at once', async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Renewal playbook', expiresAt: '2098-01-01T00:00:00Z' });
    await h.patch(id, owner, { tags: ['renewals'], stages: ['purchase'], expiresAt: '2099-01-01T00:00:00Z' });
    expect((await h.listed(t.sales, '&stage=purchase')).map((a) => a.id)).not.toContain(id);
    expect((await h.listed(t.sales, '&tag=renewals')).map((a) => a.id)).not.toContain(id);
    expect(await h.detail(id, t.sales)).toMatchObject({ expiresAt: '2098-01-01T00:00:00.000Z', tags: [], stages: [] });

    const past = new Date(Date.now() - 1000).toISOString();
    const expired = (await h.patch(id, owner, { expiresAt: past })).json();
    expect(expired).toMatchObject({ expiresAt: past, pendingChanges: { values: { tags: ['renewals'], stages: ['purchase'] } } });
    expect(expired.pendingChanges.values).not.toHaveProperty('expiresAt');
    expect((await h.inject('GET', `/api/assets/${id}`, t.sales)).statusCode).toBe(404);
    const [entry] = await h.auditOf(id, owner);
    expect(entry!.detail).toMatchObject({ liveNow: ['expiresAt'], forReview: true });
  });

  it('applies proposed tags and terms on approval, less a term deleted meanwhile', async () => {
    const admin = await t.as('admin');
    await h.inject('POST', '/api/taxonomy/product/terms', admin, { label: 'Gannetline' });
    const id = await approvedAsset(t, owner, t.approver, { title: 'Onboarding guide' });
    await h.patch(id, owner, { tags: ['onboarding'], stages: ['purchase'], products: ['gannetline'] });
    expect((await h.inject('DELETE', '/api/taxonomy/product/terms/gannetline', admin)).statusCode).toBe(204);
    await h.step(id, 'submit', owner);
    expect((await h.step(id, 'approve', t.approver)).json()).toMatchObject({ tags: ['onboarding'], stages: ['purchase'], products: [] });
    expect((await h.listed(t.sales, '&stage=purchase')).map((a) => a.id)).toContain(id);
    expect((await h.listed(t.sales, '&tag=onboarding')).map((a) => a.id)).toContain(id);
  });

  it('keeps a proposal through archive and restore, back in draft to be submitted', async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Analyst report' });
    await h.patch(id, owner, { title: 'Analyst report, leaked draft' });
    await h.step(id, 'archive', t.approver);
    const restored = (await h.step(id, 'restore', t.approver)).json();
    expect(restored).toMatchObject({ status: 'draft', title: 'Analyst report', pendingChanges: { values: { title: 'Analyst report, leaked draft' } } });
    expect((await h.detail(id, t.sales)).title).toBe('Analyst report');
  });

  it('withdraws a review when what is under review changes', async () => {
    const id = (await upload(t, owner, { title: 'Launch email' })).json().id as string;
    await h.step(id, 'submit', owner);
    const edited = (await h.patch(id, owner, { title: 'Launch email, final' })).json();
    expect(edited.status).toBe('draft');
    expect((await h.auditOf(id, owner))[0]!.detail).toMatchObject({ from: 'in_review', to: 'draft', reviewWithdrawn: true });
    // An approver cannot approve what they have not seen.
    expect((await h.step(id, 'approve', t.approver)).statusCode).toBe(409);
  });

  it('marks an approver approving their own work in the audit log', async () => {
    const id = (await upload(t, t.approver, { title: 'Approver deck' })).json().id as string;
    await h.step(id, 'submit', t.approver);
    expect((await h.step(id, 'approve', t.approver)).statusCode).toBe(200);
    expect((await h.auditOf(id, owner))[0]!.detail).toMatchObject({ selfApproved: true });
  });

  it('counts an approver who proposed the change as approving their own work', async () => {
    const id = await approvedAsset(t, owner, t.approver, { title: 'Case study' });
    await h.patch(id, t.approver, { title: 'Case study, 2026' });
    await h.step(id, 'submit', owner);
    await h.step(id, 'approve', t.approver);
    expect((await h.auditOf(id, owner))[0]!.detail).toMatchObject({ selfApproved: true, changes: [{ field: 'title', to: 'Case study, 2026' }] });
  });
});

describe('a second approver', () => {
  const t = useTestApp({ signIn: ['marketing', 'approver'], config: { requireSecondApprover: true } });
  const h = helpers(t);
  let secondApprover: Headers;

  beforeAll(async () => { secondApprover = await t.as('approver'); });

  it('is required by REQUIRE_SECOND_APPROVER=1', () => {
    expect(loadConfig({ REQUIRE_SECOND_APPROVER: '1' }).requireSecondApprover).toBe(true);
    expect(loadConfig({}).requireSecondApprover).toBe(false);
  });

  it('stops an owner approving their own asset, and lets another approver do it', async () => {
    const id = (await upload(t, t.approver, { title: 'My own deck' })).json().id as string;
    await h.step(id, 'submit', t.approver);
    const own = await h.step(id, 'approve', t.approver);
    expect(own.statusCode).toBe(403);
    expect(own.json()).toMatchObject({ code: 'SECOND_APPROVER_REQUIRED', message: expect.stringMatching(/another approver has to approve it/) });
    expect((await h.detail(id, t.approver)).status).toBe('in_review');
    expect((await h.step(id, 'approve', secondApprover)).json().status).toBe('approved');
    expect((await h.auditOf(id, t.approver))[0]).toMatchObject({ action: 'approved', detail: { selfApproved: false } });
  });

  it("stops an approver approving changes they proposed to someone else's asset", async () => {
    const id = (await upload(t, t.marketing, { title: 'Partner brief' })).json().id as string;
    await h.step(id, 'submit', t.marketing);
    await h.step(id, 'approve', t.approver);
    await h.patch(id, t.approver, { title: 'Partner brief, revised' });
    await h.step(id, 'submit', t.marketing);
    expect((await h.step(id, 'approve', t.approver)).statusCode).toBe(403);
    expect((await h.step(id, 'approve', secondApprover)).json()).toMatchObject({ status: 'approved', title: 'Partner brief, revised' });
  });
});
