// Share links: a sender makes a link to assets they can see; a visitor opens it without signing in and reads the
// last approved version; every derived route checks the link; visits, pages and active time reach the sender, with
// scanners and unfurlers apart; a revoked, expired or emptied link is refused on every route.
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { shares, usageEvents } from '../../server/db/schema.ts';
import { rows } from '../../server/reports/measures.ts';
import { MAX_BEAT_MS } from '../../server/sharing/service.ts';
import { testApp, useTestApp } from '../support/app.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { mp4, multipart, pdf } from '../support/files.ts';

const t = useTestApp({ signIn: ['marketing', 'approver', 'sales', 'admin'] });
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
let deck: string;
let sheet: string;

beforeAll(async () => {
  deck = await approvedAsset(t, t.marketing, t.approver, { title: 'Pricing <b>deck</b>' }, { name: 'deck.pdf', content: await pdf(['Page one', 'Page two', 'Page three']) });
  sheet = await approvedAsset(t, t.marketing, t.approver, { title: 'Datasheet' });
  await t.app.services.processing.drain();
});

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({ method, url, headers, ...(payload !== undefined && { payload: payload as object }) });
/** A visitor's request: no cookie, a browser's user agent. */
const visit = (method: 'GET' | 'HEAD' | 'POST', url: string, options: { agent?: string; payload?: unknown; ip?: string } = {}) =>
  t.app.inject({
    method, url, remoteAddress: options.ip ?? '203.0.113.7',
    headers: { 'user-agent': options.agent ?? CHROME, ...(options.payload !== undefined && { 'content-type': 'text/plain' }) },
    ...(options.payload !== undefined && { payload: JSON.stringify(options.payload) }),
  });

async function share(body: Record<string, unknown> = {}) {
  const res = await api('POST', '/api/shares', t.sales, { assetIds: [deck], recipient: 'Dana at Acme', allowDownload: false, ...body });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json();
  // Made a minute ago: an opening within seconds of sending is a mail scanner's.
  await t.app.services.database.db.update(shares).set({ createdAt: new Date(Date.now() - 60_000) }).where(eq(shares.id, created.id));
  return { ...created, path: new URL(created.url).pathname as string };
}

const visitIdOf = (html: string) => /data-visit="([0-9a-f-]{36})"/.exec(html)![1]!;

describe('making a share link', () => {
  it('answers a link with 256 random bits, of which only a hash is kept', async () => {
    const created = await share({ opportunity: 'OPP-42', note: 'after the demo' });
    expect(created.url).toMatch(new RegExp(`^${t.app.services.config.publicUrl}/s/[A-Za-z0-9_-]{43}$`));
    expect(created).toMatchObject({ recipient: 'Dana at Acme', opportunity: 'OPP-42', assetIds: [deck], status: 'active', visitCount: 0 });
    const stored = await rows<Record<string, unknown>>(t.app.services.database.db, sql`select * from shares where id = ${created.id}`);
    expect(JSON.stringify(stored)).not.toContain(created.token);
    expect(stored[0]!.token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses assets the sender cannot see (404) and malformed fields (400, naming the field)', async () => {
    const draft: string = (await upload(t, t.marketing, { title: 'Draft' })).json().id;
    const post = (body: Record<string, unknown>) => api('POST', '/api/shares', t.sales, { assetIds: [deck], recipient: 'X', allowDownload: true, ...body });
    expect((await post({ assetIds: [draft] })).statusCode).toBe(404);
    for (const [body, field] of [
      [{ opportunity: 'OPP 42; drop table' }, 'opportunity'], [{ expiresAt: 'next tuesday' }, 'expiresAt'], [{ expiresAt: '2020-01-01T00:00:00Z' }, 'expiresAt'],
      [{ recipient: '' }, 'recipient'], [{ assetIds: [] }, 'assetIds'], [{ allowDownload: 'yes' }, 'allowDownload'],
    ] as const) {
      const res = await post(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().message).toContain(field);
    }
  });

  it('lists the sender’s own links, and everyone’s for marketing with ?all', async () => {
    const mine = await share();
    expect((await api('GET', '/api/shares', t.sales)).json().items.map((s: { id: string }) => s.id)).toContain(mine.id);
    expect((await api('GET', '/api/shares', t.marketing)).json().items.map((s: { id: string }) => s.id)).not.toContain(mine.id);
    expect((await api('GET', '/api/shares?all=true', t.marketing)).json().items.map((s: { id: string }) => s.id)).toContain(mine.id);
    expect((await api('GET', `/api/shares/${mine.id}`, t.marketing)).statusCode).toBe(404);
    expect((await api('DELETE', `/api/shares/${mine.id}`, t.marketing)).statusCode).toBe(404);
  });
});

describe('the public page', () => {
  it('shows the assets page by page, as text, with no index, its own CSP and no cookie needed', async () => {
    const link = await share({ assetIds: [deck, sheet] });
    const page = await visit('GET', link.path);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'.*script-src 'nonce-[A-Za-z0-9+/=]+'/);
    expect(page.body).toContain('Pricing &lt;b&gt;deck&lt;/b&gt;');
    expect(page.body).not.toContain('<b>deck</b>');
    expect(page.body).toContain(`${link.path}/a/${deck}/pages/3`);
    expect(page.body).not.toContain('/file?');
    const picture = await visit('GET', `${link.path}/a/${deck}/pages/2`);
    expect(picture.statusCode).toBe(200);
    expect(picture.headers['content-type']).toBe('image/webp');
    expect(picture.headers['cache-control']).toBe('private, no-cache');
    expect((await visit('GET', `${link.path}/a/${deck}/pages/9`)).statusCode).toBe(404);
    // Downloads only when the sender allowed them; never an asset that is not on the link.
    expect((await visit('GET', `${link.path}/a/${deck}/file`)).statusCode).toBe(403);
    const other = await approvedAsset(t, t.marketing, t.approver, { title: 'Not on the link' });
    expect((await visit('GET', `${link.path}/a/${other}/pages/1`)).statusCode).toBe(404);
  });

  it('plays a video in the page from its file, in ranges, and plays nothing else', async () => {
    const video = await approvedAsset(t, t.marketing, t.approver, { title: 'Product tour' }, { name: 'tour.mp4', content: mp4(42), type: 'video/mp4' });
    const link = await share({ assetIds: [video, deck] });
    const page = await visit('GET', link.path);
    expect(page.body).toContain(`<video controls preload="metadata" poster="${link.path}/a/${video}/pages/1" src="${link.path}/a/${video}/media">`);
    const part = await t.app.inject({ method: 'GET', url: `${link.path}/a/${video}/media`, headers: { range: 'bytes=0-9' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.headers['content-disposition']).toBe('inline');
    expect(part.rawPayload).toHaveLength(10);
    // Not a way round a read-only link: only video and audio play; the file of a document is not served.
    expect((await visit('GET', `${link.path}/a/${deck}/media`)).statusCode).toBe(404);
    expect((await visit('GET', `${link.path}/a/${deck}/file`)).statusCode).toBe(403);
  });

  it('offers downloads when allowed, counted for the visit and in the reports', async () => {
    const link = await share({ allowDownload: true });
    const page = await visit('GET', link.path);
    const visitId = visitIdOf(page.body);
    expect(page.body).toContain(`/a/${deck}/file?visit=${visitId}`);
    const file = await visit('GET', `${link.path}/a/${deck}/file?visit=${visitId}`);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment');
    expect(file.body.startsWith('%PDF')).toBe(true);
    await t.app.services.usage.flush();
    const [downloads] = await rows<{ n: number }>(t.app.services.database.db, sql`
      select count(*)::int as n from usage_events where asset_id = ${deck} and kind = 'download' and user_id is null and counted`);
    expect(downloads!.n).toBeGreaterThan(0);
  });

  it('serves the last approved version to everyone holding the link, and tells the sender who read an older one', async () => {
    const id = await approvedAsset(t, t.marketing, t.approver, { title: 'Case study' }, { name: 'case.pdf', content: await pdf(['Version one']) });
    await t.app.services.processing.drain();
    const link = await share({ assetIds: [id] });
    const first = visitIdOf((await visit('GET', link.path)).body);
    await visit('POST', `${link.path}/beat`, { payload: { visitId: first, pages: [{ assetId: id, page: 1, activeMs: 4000 }], interacted: true } });
    // A second version, in review: the link keeps the first until it is approved.
    const body = await multipart({}, { name: 'case.pdf', content: await pdf(['Version two', 'With a second page']) });
    expect((await t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...t.marketing, ...body.headers }, payload: body.payload })).statusCode).toBe(201);
    await t.app.services.processing.drain();
    expect((await visit('GET', link.path)).body).not.toContain(`/a/${id}/pages/2`);
    for (const [who, action] of [[t.marketing, 'submit'], [t.approver, 'approve']] as const) {
      expect((await api('POST', `/api/assets/${id}/${action}`, who)).statusCode).toBe(200);
    }
    expect((await visit('GET', link.path)).body).toContain(`/a/${id}/pages/2`);
    const detail = (await api('GET', `/api/shares/${link.id}`, t.sales)).json();
    expect(detail.visits.find((v: { id: string }) => v.id === first)).toMatchObject({ outdated: true });
    expect(detail.updated).toEqual([{ id, title: 'Case study' }]);
  });
});

describe('visits', () => {
  it('counts a person’s visit with active time per page, capped, and shows bots and scanners apart', async () => {
    const link = await share({ assetIds: [deck, sheet] });
    // An unfurler, a HEAD from a link checker, and a browser that never sends a heartbeat.
    await visit('GET', link.path, { agent: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' });
    await visit('HEAD', link.path);
    await visit('GET', link.path);
    const person = visitIdOf((await visit('GET', link.path)).body);
    const beat = (pages: { assetId: string; page: number; activeMs: number }[], extra: Record<string, unknown> = {}) =>
      visit('POST', `${link.path}/beat`, { payload: { visitId: person, pages, interacted: true, ...extra } });
    expect((await beat([{ assetId: deck, page: 1, activeMs: 6000 }, { assetId: deck, page: 2, activeMs: 3000 }])).statusCode).toBe(204);
    // Past the cap, a page the asset does not have, an asset not on the link: capped or ignored.
    const other = await approvedAsset(t, t.marketing, t.approver, { title: 'Elsewhere' });
    expect((await beat([{ assetId: deck, page: 2, activeMs: 3_600_000 }, { assetId: deck, page: 40, activeMs: 5000 }, { assetId: other, page: 1, activeMs: 5000 }])).statusCode).toBe(204);
    const detail = (await api('GET', `/api/shares/${link.id}`, t.sales)).json();
    expect(detail.visitCount).toBe(1);
    expect(detail.botCount).toBe(3);
    expect(detail.visits).toHaveLength(1);
    const [seen] = detail.visits;
    expect(seen).toMatchObject({ device: 'Chrome on macOS', forwarded: false, outdated: false });
    const secondsOnPage2 = seen.pages.find((p: { page: number }) => p.page === 2).activeSec;
    expect(secondsOnPage2).toBeLessThanOrEqual(3 + Math.ceil(MAX_BEAT_MS / 1000));
    expect(seen.pages.map((p: { assetId: string; page: number }) => `${p.assetId === deck ? 'deck' : 'other'}:${p.page}`).sort()).toEqual(['deck:1', 'deck:2']);
    expect(detail.bots.map((b: { reason: string }) => b.reason)).toEqual(expect.arrayContaining([
      expect.stringContaining('known bot'), expect.stringContaining('HEAD'), expect.stringContaining('no heartbeat'),
    ]));
    // The visitor's view is a counted use of the asset, by nobody in particular.
    await t.app.services.usage.flush();
    const views = await t.app.services.database.db.select().from(usageEvents).where(eq(usageEvents.assetId, deck));
    expect(views.some((event) => event.kind === 'view' && event.userId === null && event.counted)).toBe(true);
    // Marketing sees it as the asset's share opens, beside its other figures.
    const report = (await api('GET', '/api/reports/assets?days=7&limit=1000', t.marketing)).json();
    expect(report.items.find((item: { asset: { id: string } }) => item.asset.id === deck).shareOpens).toBeGreaterThan(0);
  });

  it('shows a visit from another device or address as forwarded, and an automated browser as a bot', async () => {
    const link = await share();
    const open = async (agent: string, ip: string, extra: Record<string, unknown> = {}) => {
      const id = visitIdOf((await visit('GET', link.path, { agent, ip })).body);
      await visit('POST', `${link.path}/beat`, { agent, ip, payload: { visitId: id, pages: [{ assetId: deck, page: 1, activeMs: 2000 }], interacted: true, ...extra } });
      return id;
    };
    const recipient = await open(CHROME, '203.0.113.7');
    const colleague = await open(FIREFOX, '198.51.100.20');
    await open(CHROME, '203.0.113.7', { automated: true });
    const detail = (await api('GET', `/api/shares/${link.id}`, t.sales)).json();
    expect(detail.visits.map((v: { id: string; forwarded: boolean }) => [v.id, v.forwarded])).toEqual([[colleague, true], [recipient, false]]);
    expect(detail.bots.map((b: { reason: string }) => b.reason)).toContainEqual(expect.stringContaining('automated'));
  });

  it('slows a flood of heartbeats from one address (429), and counts no more time for it', async () => {
    const link = await share();
    const visitId = visitIdOf((await visit('GET', link.path, { ip: '198.51.100.66' })).body);
    const beat = () => visit('POST', `${link.path}/beat`, { ip: '198.51.100.66', payload: { visitId, pages: [{ assetId: deck, page: 1, activeMs: 15_000 }], interacted: true } });
    const codes: number[] = [];
    for (let i = 0; i < 305; i++) codes.push((await beat()).statusCode);
    expect(codes.slice(0, 200).every((code) => code === 204)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    // However many beats came, the time counted is no more than the time that passed, plus a beat's allowance.
    const [read] = (await api('GET', `/api/shares/${link.id}`, t.sales)).json().visits;
    expect(read.pages[0].activeSec).toBeLessThanOrEqual(Math.ceil(MAX_BEAT_MS / 1000) + 10);
    // Another address is not slowed by it.
    expect((await visit('GET', link.path, { ip: '198.51.100.67' })).statusCode).toBe(200);
  });

  it('ignores a heartbeat for another link’s visit and refuses one that is not JSON', async () => {
    const [a, b] = [await share(), await share()];
    const visitOfA = visitIdOf((await visit('GET', a.path)).body);
    expect((await visit('POST', `${b.path}/beat`, { payload: { visitId: visitOfA, pages: [{ assetId: deck, page: 1, activeMs: 5000 }], interacted: true } })).statusCode).toBe(204);
    expect((await api('GET', `/api/shares/${a.id}`, t.sales)).json().visitCount).toBe(0);
    const bad = await t.app.inject({ method: 'POST', url: `${a.path}/beat`, headers: { 'content-type': 'text/plain' }, payload: '<script>' });
    expect(bad.statusCode).toBe(400);
  });
});

describe('telling the sender', () => {
  it('notifies the sender in the app when a person first opens a link, and of each forward; once each', async () => {
    const sender = await t.as('sales', 'notified@example.com');
    const res = await api('POST', '/api/shares', sender, { assetIds: [deck, sheet], recipient: 'Kim at Initech', allowDownload: false });
    const link = res.json();
    await t.app.services.database.db.update(shares).set({ createdAt: new Date(Date.now() - 60_000) }).where(eq(shares.id, link.id));
    const path = new URL(link.url).pathname;
    const read = async (agent: string, ip: string) => {
      const visitId = visitIdOf((await visit('GET', path, { agent, ip })).body);
      await visit('POST', `${path}/beat`, { agent, ip, payload: { visitId, pages: [{ assetId: deck, page: 1, activeMs: 3000 }], interacted: true } });
    };
    // A scanner's opening tells nobody.
    await visit('GET', path, { agent: 'Slackbot-LinkExpanding 1.0' });
    expect((await api('GET', '/api/notifications', sender)).json()).toEqual({ unread: 0, items: [] });
    await read(CHROME, '203.0.113.7');
    await read(CHROME, '203.0.113.7');
    await read(FIREFOX, '198.51.100.20');
    const { unread, items } = (await api('GET', '/api/notifications', sender)).json();
    expect(unread).toBe(2);
    expect(items.map((n: { kind: string; title: string }) => [n.kind, n.title])).toEqual([
      ['share-forwarded', 'Your link for Kim at Initech was opened by someone else'],
      ['share-opened', 'Kim at Initech opened your link'],
    ]);
    expect(items[1].body).toBe('“Pricing <b>deck</b>” and 1 more · Chrome on macOS');
    expect(items[1].link).toBe(`/shares?id=${link.id}`);
    // Nobody else hears of it; reading marks them read.
    expect((await api('GET', '/api/notifications', t.sales)).json().items.some((n: { title: string }) => n.title.includes('Kim'))).toBe(false);
    expect((await t.app.inject({ method: 'POST', url: '/api/notifications/read', headers: sender, payload: { ids: [items[0].id] } })).statusCode).toBe(204);
    expect((await api('GET', '/api/notifications', sender)).json().unread).toBe(1);
    expect((await t.app.inject({ method: 'POST', url: '/api/notifications/read', headers: sender })).statusCode).toBe(204);
    expect((await api('GET', '/api/notifications', sender)).json().unread).toBe(0);

    // The daily digest: once per sender and day, however often the job runs.
    expect(await t.app.services.sharing.sendDigests()).toBeGreaterThan(0);
    expect(await t.app.services.sharing.sendDigests()).toBe(0);
    const digest = (await api('GET', '/api/notifications', sender)).json().items[0];
    expect(digest).toMatchObject({ kind: 'share-digest', title: 'Your links yesterday: 3 visits', readAt: null });
    expect(digest.body).toMatch(/^On 1 link, about 1 minute of reading\.$/);
  });
});

describe('links that end', () => {
  it('refuses a revoked link on every route (410), naming whom to ask', async () => {
    const link = await share({ allowDownload: true });
    const visitId = visitIdOf((await visit('GET', link.path)).body);
    expect((await api('DELETE', `/api/shares/${link.id}`, t.sales)).statusCode).toBe(204);
    const page = await visit('GET', link.path);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('withdrawn');
    expect(page.body).toContain('sales@example.com');
    for (const url of [`${link.path}/a/${deck}/pages/1`, `${link.path}/a/${deck}/thumbnail`, `${link.path}/a/${deck}/file`]) {
      expect((await visit('GET', url)).statusCode, url).toBe(410);
    }
    expect((await visit('POST', `${link.path}/beat`, { payload: { visitId, pages: [], interacted: true } })).statusCode).toBe(410);
    expect((await api('GET', `/api/shares/${link.id}`, t.sales)).json().status).toBe('revoked');
  });

  it('refuses an expired link (410) and shows an emptied one as a page naming the sender, never a file', async () => {
    const expiring = await share({ expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await t.app.services.database.db.update(shares).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(shares.id, expiring.id));
    expect((await visit('GET', expiring.path)).statusCode).toBe(410);
    expect((await visit('GET', `${expiring.path}/a/${deck}/pages/1`)).statusCode).toBe(410);

    const retired = await approvedAsset(t, t.marketing, t.approver, { title: 'Soon archived' });
    const link = await share({ assetIds: [retired], allowDownload: true });
    expect((await api('POST', `/api/assets/${retired}/archive`, t.approver)).statusCode).toBe(200);
    const page = await visit('GET', link.path);
    expect(page.statusCode).toBe(410);
    expect(page.body).toContain('no longer available');
    expect(page.body).toContain('sales@example.com');
    expect((await visit('GET', `${link.path}/a/${retired}/file`)).statusCode).toBe(404);
  });

  it('answers 404 for a token that opens nothing, and slows an address that keeps guessing, whatever it forwards', async () => {
    expect((await visit('GET', '/s/not-a-token')).statusCode).toBe(404);
    const guesses = [];
    for (let i = 0; i < 21; i++) {
      const res = await t.app.inject({ method: 'GET', url: `/s/${'A'.repeat(42)}${String.fromCharCode(65 + i)}`, remoteAddress: '192.0.2.99', headers: { 'x-forwarded-for': `10.0.0.${i}` } });
      guesses.push(res.statusCode);
    }
    expect(guesses.slice(0, 19).every((code) => code === 404)).toBe(true);
    expect(guesses.at(-1)).toBe(429);
    // Another address is not affected.
    expect((await visit('GET', `/s/${'B'.repeat(43)}`, { ip: '192.0.2.100' })).statusCode).toBe(404);
  });

  it('behind a trusted proxy, keys the guessing limit on the address the proxy saw, not what the client claims', async () => {
    const proxied = await testApp({ trustProxyHops: 1 });
    try {
      const codes = [];
      for (let i = 0; i < 21; i++) {
        // The client puts whatever it likes in X-Forwarded-For; the proxy (the socket's peer) appends the address it saw.
        const res = await proxied.app.inject({
          method: 'GET', url: `/s/${'C'.repeat(42)}${String.fromCharCode(65 + i)}`, remoteAddress: '10.0.0.1',
          headers: { 'x-forwarded-for': `198.18.${i}.${i}, 192.0.2.77` },
        });
        codes.push(res.statusCode);
      }
      expect(codes.at(-1)).toBe(429);
      const other = await proxied.app.inject({ method: 'GET', url: `/s/${'D'.repeat(43)}`, remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': '192.0.2.78' } });
      expect(other.statusCode).toBe(404);
    } finally {
      await proxied.close();
    }
  });
});
