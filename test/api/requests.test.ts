// Content requests, the failed-search backlog and "tell me when this exists": sales ask from an empty search,
// others vote, marketing works the board and links the asset that fulfils it, and everyone on the request — or
// watching the search — is told once the asset is live.
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales', 'admin'] });
let colleague: Record<string, string>;

beforeAll(async () => {
  colleague = await t.as('sales', 'robin@example.com');
});

type Headers = Record<string, string>;
const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Headers, payload?: object) =>
  t.app.inject({ method, url, headers, ...(payload && { payload }) });

async function searchFor(headers: Headers, q: string, filters: Record<string, string> = {}) {
  const res = await t.app.inject({ method: 'GET', url: '/api/search', headers, query: { q, ...filters } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { queryId: string; total: number };
}

async function request(headers: Headers, body: object) {
  const res = await api('POST', '/api/requests', headers, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function notificationsOf(headers: Headers) {
  return (await api('GET', '/api/notifications', headers)).json().items as { kind: string; text: string; link: string }[];
}

async function idOf(email: string) {
  const users = (await api('GET', '/api/users', t.admin)).json().items as { id: string; email: string }[];
  return users.find((user) => user.email === email)!.id;
}

/** Submits an uploaded asset and approves it. */
async function approve(id: string) {
  for (const [who, action] of [[t.marketing, 'submit'], [t.approver, 'approve']] as const) {
    expect((await api('POST', `/api/assets/${id}/${action}`, who)).statusCode).toBe(200);
  }
}

describe('content requests', () => {
  it('asks from an empty search, with its words and filters linked; others vote; the board lists the most wanted first', async () => {
    const search = await searchFor(t.sales, 'battlecard against Acme', { persona: 'cfo', stage: 'evaluation' });
    expect(search.total).toBe(0);
    const asked = await request(t.sales, { description: 'A <b>battlecard</b> for CFOs comparing us with Acme', queryId: search.queryId });
    expect(asked).toMatchObject({
      description: 'A <b>battlecard</b> for CFOs comparing us with Acme', query: 'battlecard against Acme', queryId: search.queryId,
      persona: 'cfo', stage: 'evaluation', status: 'open', votes: 1, voted: true, owner: null, asset: null, requester: { name: expect.any(String), disabled: false },
    });
    const other = await request(colleague, { description: 'ROI calculator for retail', stage: 'consideration' });

    const vote = await api('POST', `/api/requests/${asked.id}/votes`, colleague);
    expect(vote.statusCode).toBe(201);
    expect(vote.json()).toEqual({ requestId: asked.id, votes: 2 });
    // "Me too" twice is one vote.
    expect((await api('POST', `/api/requests/${asked.id}/votes`, colleague)).statusCode).toBe(200);
    const board = (await api('GET', '/api/requests', t.marketing)).json().items as { id: string; votes: number }[];
    expect(board.map((item) => item.id).slice(0, 2)).toEqual([asked.id, other.id]);
    const mine = (await api('GET', '/api/requests?mine=true', t.sales)).json().items as { id: string }[];
    expect(mine.map((item) => item.id)).toEqual([asked.id]);
    expect((await api('DELETE', `/api/requests/${asked.id}/votes`, colleague)).statusCode).toBe(204);
    expect((await api('GET', `/api/requests/${asked.id}`, colleague)).json()).toMatchObject({ votes: 1, voted: false });
  });

  it('refuses bad requests with a clear error', async () => {
    const theirs = await searchFor(colleague, 'nothing here at all');
    const cases: [Headers, string, string, object, number][] = [
      [t.sales, 'POST', '/api/requests', { description: '   ' }, 400],
      [t.sales, 'POST', '/api/requests', { description: 'x'.repeat(2001) }, 400],
      [t.sales, 'POST', '/api/requests', { description: 'Deck', persona: 'astronaut' }, 400],
      [t.sales, 'POST', '/api/requests', { description: 'Deck', queryId: theirs.queryId }, 404],
      [t.sales, 'POST', '/api/requests', { description: 'Deck', extra: 1 }, 400],
    ];
    for (const [who, method, url, body, code] of cases) {
      const res = await api(method as 'POST', url, who, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(code);
      expect(res.json().error?.message ?? res.json().message).toBeTruthy();
    }
    const asked = await request(t.sales, { description: 'Security whitepaper' });
    expect((await api('PATCH', `/api/requests/${asked.id}`, t.sales, { status: 'done' })).statusCode).toBe(403);
    expect((await api('PATCH', `/api/requests/${asked.id}`, t.marketing, {})).statusCode).toBe(400);
    expect((await api('PATCH', `/api/requests/${asked.id}`, t.marketing, { status: 'finished' })).statusCode).toBe(400);
    expect((await api('PATCH', `/api/requests/${asked.id}`, t.marketing, { ownerId: await idOf('sales@example.com') })).statusCode).toBe(400);
    expect((await api('PATCH', `/api/requests/${asked.id}`, t.marketing, { assetId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    expect((await api('PATCH', '/api/requests/00000000-0000-4000-8000-000000000000', t.marketing, { status: 'planned' })).statusCode).toBe(404);
    expect((await api('POST', '/api/requests/00000000-0000-4000-8000-000000000000/votes', t.sales)).statusCode).toBe(404);
  });

  it('done with an asset in review is told once the asset is approved, to everyone on it still signed in', async () => {
    const leaver = await t.as('sales', 'leaver@example.com');
    const asked = await request(t.sales, { description: 'Case study for logistics' });
    for (const who of [colleague, leaver]) expect((await api('POST', `/api/requests/${asked.id}/votes`, who)).statusCode).toBe(201);
    const planned = await api('PATCH', `/api/requests/${asked.id}`, t.marketing, { status: 'planned', comment: 'On it <script>' });
    expect(planned.json()).toMatchObject({ status: 'planned', owner: { name: expect.any(String) }, comment: 'On it <script>' });
    // The leaver is disabled before it is done: the request stays, they are not told.
    expect((await api('PATCH', `/api/users/${await idOf('leaver@example.com')}`, t.admin, { disabled: true })).statusCode).toBe(200);

    const created = await upload(t, t.marketing, { title: 'Logistics case study' });
    const assetId = created.json().id as string;
    const done = await api('PATCH', `/api/requests/${asked.id}`, t.marketing, { status: 'done', assetId });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'done', asset: { id: assetId }, announcedAt: null });
    // In review: sales see neither the asset on the request nor a notification yet.
    expect((await api('GET', `/api/requests/${asked.id}`, t.sales)).json().asset).toBeNull();
    expect((await notificationsOf(t.sales)).filter((n) => n.kind === 'request-done')).toEqual([]);

    await approve(assetId);
    for (const who of [t.sales, colleague]) {
      const told = (await notificationsOf(who)).filter((n) => n.kind === 'request-done');
      expect(told).toEqual([expect.objectContaining({ link: `/assets/${assetId}`, text: expect.stringContaining('"Logistics case study" is in the library') })]);
    }
    expect((await api('GET', `/api/requests/${asked.id}`, t.sales)).json()).toMatchObject({ asset: { id: assetId, title: 'Logistics case study' }, announcedAt: expect.any(String) });
    expect((await api('GET', `/api/requests/${asked.id}`, t.marketing)).json().requester).toMatchObject({ disabled: false });
    // Told once: the periodic check finds nothing more to tell.
    expect(await t.app.services.requests.announceEnded()).toBe(0);
    expect((await notificationsOf(colleague)).filter((n) => n.kind === 'request-done')).toHaveLength(1);
  });

  it('merges a duplicate (its votes move), and tells a declined request with the reason', async () => {
    const first = await request(t.sales, { description: 'Pricing one-pager in Spanish' });
    const duplicate = await request(colleague, { description: 'Spanish pricing sheet' });
    const merged = await api('PATCH', `/api/requests/${duplicate.id}`, t.marketing, { mergeInto: first.id });
    expect(merged.json()).toMatchObject({ mergedInto: first.id });
    expect((await api('GET', `/api/requests/${first.id}`, t.marketing)).json().votes).toBe(2);
    expect((await api('GET', '/api/requests', t.marketing)).json().items.map((item: { id: string }) => item.id)).not.toContain(duplicate.id);
    expect((await api('PATCH', `/api/requests/${duplicate.id}`, t.marketing, { status: 'done' })).statusCode).toBe(409);
    expect((await api('PATCH', `/api/requests/${first.id}`, t.marketing, { mergeInto: first.id })).statusCode).toBe(400);
    // A vote on the duplicate counts where it went.
    const admin = await api('POST', `/api/requests/${duplicate.id}/votes`, t.admin);
    expect(admin.json()).toEqual({ requestId: first.id, votes: 3 });

    const declined = await api('PATCH', `/api/requests/${first.id}`, t.marketing, { status: 'declined', comment: 'Spanish pricing is done by the partner' });
    expect(declined.json()).toMatchObject({ status: 'declined', announcedAt: expect.any(String) });
    const told = (await notificationsOf(colleague)).filter((n) => n.kind === 'request-declined');
    expect(told).toEqual([expect.objectContaining({ link: `/requests#${first.id}`, text: expect.stringContaining('done by the partner') })]);
  });
});

describe('the failed-search backlog and "tell me when this exists"', () => {
  it('groups failed searches into topics, ranked by people, with the request and watchers beside them', async () => {
    const searches = [
      [t.sales, 'Warehouse automation ROI'], [colleague, 'warehouse automaton roi'], [t.sales, 'warehouse automation ROI'],
      [colleague, 'drone delivery pitch'],
    ] as const;
    let watchId = '';
    for (const [who, q] of searches) {
      const found = await searchFor(who, q);
      expect(found.total).toBe(0);
      if (q === 'drone delivery pitch') watchId = found.queryId;
    }
    await searchFor(t.sales, 'drone delivery pitch', { persona: 'cfo' });
    await request(t.sales, { description: 'ROI sheet for warehouse automation', queryId: (await searchFor(t.sales, 'warehouse automation roi')).queryId });
    expect((await api('POST', `/api/searches/${watchId}/watch`, colleague)).statusCode).toBe(201);

    const res = await api('GET', '/api/requests/backlog?days=30', t.marketing);
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { topic: string; queries: string[]; searchers: number; searches: number; persona: string | null; watchers: number; request: unknown }[];
    const warehouse = items.find((item) => item.topic.toLowerCase().startsWith('warehouse'))!;
    expect(warehouse).toMatchObject({ searchers: 2, searches: 4, noResults: 4, persona: null, request: { status: 'open', votes: 1 } });
    expect(warehouse.queries).toEqual(expect.arrayContaining(['warehouse automaton roi', 'Warehouse automation ROI']));
    const drones = items.filter((item) => item.topic === 'drone delivery pitch');
    expect(drones.map((item) => [item.persona, item.watchers]).sort()).toEqual([['cfo', 0], [null, 1]].sort());
    expect(items.indexOf(warehouse)).toBe(0);
    expect((await api('GET', '/api/requests/backlog', t.sales)).statusCode).toBe(403);
    expect((await api('GET', '/api/requests/backlog?days=0', t.marketing)).statusCode).toBe(400);
  });

  it('tells the watcher once when an approved asset answers their search, and shows the backlog it finds now', async () => {
    const search = await searchFor(t.sales, 'zebra onboarding');
    expect(search.total).toBe(0);
    const watched = await api('POST', `/api/searches/${search.queryId}/watch`, t.sales);
    expect(watched.statusCode, watched.body).toBe(201);
    // The same search again, or the same words from another search: the same watch.
    expect((await api('POST', `/api/searches/${search.queryId}/watch`, t.sales)).statusCode).toBe(200);
    expect((await api('POST', `/api/searches/${(await searchFor(t.sales, 'Zebra onboarding')).queryId}/watch`, t.sales)).statusCode).toBe(200);
    expect((await api('POST', `/api/searches/${search.queryId}/watch`, colleague)).statusCode).toBe(404);
    expect((await api('POST', '/api/searches/not-a-uuid/watch', t.sales)).statusCode).toBe(400);

    // A draft does not answer it for sales; an approved one does.
    const draft = await upload(t, t.marketing, { title: 'Zebra onboarding guide' });
    await t.app.services.watches.check();
    expect((await notificationsOf(t.sales)).filter((n) => n.kind === 'search-found')).toEqual([]);
    await approve(draft.json().id);
    await t.app.services.watches.check();
    await t.app.services.watches.check();
    const told = (await notificationsOf(t.sales)).filter((n) => n.kind === 'search-found');
    expect(told).toEqual([expect.objectContaining({ text: expect.stringContaining('"Zebra onboarding guide"'), link: `/assets/${draft.json().id}` })]);
    const watches = (await api('GET', '/api/searches/watches', t.sales)).json().items as { query: string; notifiedAt: string | null }[];
    expect(watches.find((watch) => watch.query === 'zebra onboarding')!.notifiedAt).toEqual(expect.any(String));

    const backlog = (await api('GET', '/api/requests/backlog?days=30', t.marketing)).json().items as { topic: string; findsNow: number }[];
    expect(backlog.find((item) => item.topic.toLowerCase() === 'zebra onboarding')).toMatchObject({ findsNow: 1 });
  });

  it('is not answered by an asset matching only some of its words', async () => {
    const search = await searchFor(colleague, 'yak shearing manual');
    expect((await api('POST', `/api/searches/${search.queryId}/watch`, colleague)).statusCode).toBe(201);
    await approvedAsset(t, t.marketing, t.approver, { title: 'Onboarding manual' });
    await t.app.services.watches.check();
    const found = () => notificationsOf(colleague).then((all) => all.filter((n) => n.text.includes('yak shearing manual')));
    expect(await found()).toEqual([]);
    await approvedAsset(t, t.marketing, t.approver, { title: 'Yak shearing: the manual' });
    await t.app.services.watches.check();
    expect(await found()).toHaveLength(1);
  });

  it('a search answered by an asset that was already live is not news', async () => {
    const live = await approvedAsset(t, t.marketing, t.approver, { title: 'Quokka field guide' });
    const search = await searchFor(t.sales, 'quokka');
    expect(search.total).toBe(1);
    expect((await api('POST', `/api/searches/${search.queryId}/watch`, t.sales)).statusCode).toBe(201);
    await t.app.services.watches.check();
    expect((await notificationsOf(t.sales)).filter((n) => n.link === `/assets/${live}`)).toEqual([]);
  });
});
