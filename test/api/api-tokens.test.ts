// API tokens: a scope and an expiry chosen at creation, managed only from a signed-in session, and ended by a
// password change (own, an admin's reset, the command line) or by disabling the account.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import userCommand from '../../server/cli/user.ts';
import { apiTokens } from '../../server/db/schema.ts';
import { approvedAsset, upload } from '../support/assets.ts';
import { useTestApp } from '../support/app.ts';
import { multipart, png } from '../support/files.ts';

const t = useTestApp({ signIn: ['admin', 'approver'] });

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
const inject = (method: Method, url: string, headers: Record<string, string>, payload?: object) => t.app.inject({ method, url, headers, payload });
const me = (headers: Record<string, string>) => inject('GET', '/api/me', headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function createToken(session: Record<string, string>, body: object = { name: 'CRM sync' }) {
  const res = await inject('POST', '/api/auth/tokens', session, body);
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; name: string; token: string; scope: string; expiresAt: string; createdAt: string };
}

async function newVersion(headers: Record<string, string>, id: string) {
  const body = await multipart({}, { name: 'v2.png', content: await png(80, 60), type: 'image/png' });
  return t.app.inject({ method: 'POST', url: `/api/assets/${id}/versions`, headers: { ...headers, ...body.headers }, payload: body.payload });
}

describe('creating and listing tokens', () => {
  it('answers 201 with the secret once, a read scope and a 90-day expiry by default', async () => {
    const session = await t.as('marketing');
    const before = Date.now();
    const created = await createToken(session, { name: 'CRM sync' });
    expect(created).toMatchObject({ name: 'CRM sync', scope: 'read', token: expect.stringMatching(/^cht_[A-Za-z0-9_-]{40,}$/) });
    const days = (Date.parse(created.expiresAt) - before) / 86400_000;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThan(90.01);
  });

  it('takes the scope and an expiry of up to a year, and refuses more or a scope it does not know (400)', async () => {
    const session = await t.as('marketing');
    const created = await createToken(session, { name: 'Nightly import', scope: 'upload', expiresInDays: 365 });
    expect(created.scope).toBe('upload');
    expect(Math.round((Date.parse(created.expiresAt) - Date.parse(created.createdAt)) / 86400_000)).toBe(365);
    for (const body of [{ name: 'x', expiresInDays: 366 }, { name: 'x', expiresInDays: 0 }, { name: 'x', expiresInDays: 1.5 }, { name: 'x', scope: 'root' }, { name: '' }]) {
      const res = await inject('POST', '/api/auth/tokens', session, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
  });

  it('lists the user\'s tokens with scope, expiry and last use, never the secret', async () => {
    const session = await t.as('marketing');
    const made = await createToken(session, { name: 'Reports', scope: 'read', expiresInDays: 7 });
    const before = (await inject('GET', '/api/auth/tokens', session)).json().items;
    expect(before).toEqual([{ id: made.id, name: 'Reports', scope: 'read', createdAt: made.createdAt, expiresAt: made.expiresAt, lastUsedAt: null }]);
    expect((await me(bearer(made.token))).statusCode).toBe(200);
    const [after] = (await inject('GET', '/api/auth/tokens', session)).json().items;
    expect(Date.now() - Date.parse(after.lastUsedAt)).toBeLessThan(10_000);
    const raw = (await inject('GET', '/api/auth/tokens', session)).body;
    expect(raw).not.toContain(made.token);
    expect(raw).not.toMatch(/hash|token"/i);
  });

  it('ends a token when its owner deletes it; someone else cannot (404)', async () => {
    const session = await t.as('marketing');
    const other = await t.as('marketing');
    const { id, token } = await createToken(session);
    expect((await inject('DELETE', `/api/auth/tokens/${id}`, other)).statusCode).toBe(404);
    expect((await me(bearer(token))).statusCode).toBe(200);
    expect((await inject('DELETE', `/api/auth/tokens/${id}`, session)).statusCode).toBe(204);
    const res = await me(bearer(token));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_INVALID');
  });
});

describe('expiry', () => {
  it('refuses an expired token with 401 that says it expired, also on routes anyone may call', async () => {
    const session = await t.as('marketing');
    const { id, token } = await createToken(session, { name: 'old', scope: 'admin' });
    await t.app.services.database.db.update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, id));
    for (const url of ['/api/me', '/api/assets', '/api/health']) {
      const res = await inject('GET', url, bearer(token));
      expect(res.statusCode, url).toBe(401);
      expect(res.json()).toMatchObject({ code: 'TOKEN_EXPIRED', message: expect.stringMatching(/expired on \d{4}-\d{2}-\d{2}/) });
    }
    // The owner still sees it in the list, to know why an integration stopped.
    expect((await inject('GET', '/api/auth/tokens', session)).json().items.map((i: { id: string }) => i.id)).toContain(id);
  });

  it('refuses a token nobody issued with 401', async () => {
    const res = await me(bearer('cht_made-up-value-of-the-right-shape-000000000000'));
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('TOKEN_INVALID');
  });
});

describe('scopes', () => {
  it('read: GET works, every write is 403', async () => {
    const session = await t.as('marketing');
    const mine = (await upload(t, session, { title: 'Mine' })).json().id as string;
    const { token } = await createToken(session, { name: 'read', scope: 'read' });
    expect((await inject('GET', `/api/assets/${mine}`, bearer(token))).statusCode).toBe(200);
    expect((await inject('GET', '/api/search?q=mine', bearer(token))).statusCode).toBe(200);
    const refused = await upload(t, bearer(token), { title: 'Nope' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'TOKEN_SCOPE', message: expect.stringContaining('read-only') });
    for (const [method, url, body] of [
      ['PATCH', `/api/assets/${mine}`, { title: 'Changed' }],
      ['POST', `/api/assets/${mine}/submit`, undefined],
      ['DELETE', `/api/assets/${mine}`, undefined],
      ['POST', '/api/events', { assetId: mine, kind: 'view' }],
    ] as const) {
      const res = await inject(method, url, bearer(token), body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('TOKEN_SCOPE');
    }
    expect((await inject('GET', `/api/assets/${mine}`, session)).json()).toMatchObject({ title: 'Mine', status: 'draft' });
  });

  it('upload: creates assets, adds versions to and edits its owner\'s, and nothing else', async () => {
    const session = await t.as('marketing');
    const colleague = await t.as('marketing');
    const theirs = (await upload(t, colleague, { title: 'Theirs' })).json().id as string;
    const { token } = await createToken(session, { name: 'DAM import', scope: 'upload' });

    const created = await upload(t, bearer(token), { title: 'Imported' });
    expect(created.statusCode).toBe(201);
    const mine = created.json().id as string;
    expect((await newVersion(bearer(token), mine)).statusCode).toBe(201);
    const edited = await inject('PATCH', `/api/assets/${mine}`, bearer(token), { title: 'Imported, renamed' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().title).toBe('Imported, renamed');

    for (const res of [
      await inject('PATCH', `/api/assets/${theirs}`, bearer(token), { title: 'Pricing: 90 % off' }),
      await newVersion(bearer(token), theirs),
      await inject('POST', `/api/assets/${mine}/submit`, bearer(token)),
      await inject('DELETE', `/api/assets/${mine}`, bearer(token)),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('TOKEN_SCOPE');
    }
    expect((await inject('GET', `/api/assets/${theirs}`, colleague)).json().title).toBe('Theirs');
    // An asset that does not exist is the route's 404, not a scope question.
    expect((await inject('PATCH', '/api/assets/00000000-0000-4000-8000-000000000000', bearer(token), { title: 'x' })).statusCode).toBe(404);
  });

  it('upload never lifts a role: a sales user\'s upload token still cannot upload (403 for the role)', async () => {
    const sales = await t.as('sales');
    const { token } = await createToken(sales, { name: 'x', scope: 'upload' });
    const res = await upload(t, bearer(token), { title: 'Nope' });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('ROLE_REQUIRED');
  });

  it('admin: everything the owner\'s role allows, and no more', async () => {
    const session = await t.as('marketing');
    const mine = (await upload(t, session, { title: 'Full' })).json().id as string;
    const { token } = await createToken(session, { name: 'full', scope: 'admin' });
    expect((await inject('POST', `/api/assets/${mine}/submit`, bearer(token))).statusCode).toBe(200);
    expect((await inject('POST', `/api/assets/${mine}/approve`, bearer(token), {})).json().code).toBe('ROLE_REQUIRED');
    expect((await inject('GET', '/api/users', bearer(token))).statusCode).toBe(403);

    const { token: adminToken } = await createToken(t.admin, { name: 'ops', scope: 'admin' });
    expect((await inject('GET', '/api/users', bearer(adminToken))).statusCode).toBe(200);
    const approved = await approvedAsset(t, session, t.approver, { title: 'Live' });
    expect((await inject('POST', `/api/assets/${approved}/archive`, bearer(adminToken))).statusCode).toBe(200);
  });

  it('no token, whatever its scope, lists, creates or deletes tokens or changes the password (403: needs a session)', async () => {
    const session = await t.as('admin');
    const { id, token } = await createToken(session, { name: 'ops', scope: 'admin' });
    for (const [method, url, body] of [
      ['POST', '/api/auth/tokens', { name: 'successor', scope: 'admin' }],
      ['GET', '/api/auth/tokens', undefined],
      ['DELETE', `/api/auth/tokens/${id}`, undefined],
      ['POST', '/api/auth/password', { currentPassword: 'correct horse battery', newPassword: 'something else entirely' }],
    ] as const) {
      const res = await inject(method, url, bearer(token), body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().code).toBe('SESSION_REQUIRED');
    }
    expect((await inject('GET', '/api/auth/tokens', session)).json().items).toHaveLength(1);
    expect((await me(bearer(token))).statusCode).toBe(200);
  });
});

describe('what ends every token of a user', () => {
  async function userWithTokens(email: string) {
    const session = await t.as('marketing', email);
    const tokens = [await createToken(session, { name: 'a', scope: 'read' }), await createToken(session, { name: 'b', scope: 'admin' })];
    for (const { token } of tokens) expect((await me(bearer(token))).statusCode).toBe(200);
    const user = (await t.app.services.auth.findUserByEmail(email))!;
    return { session, user, tokens };
  }
  const allRefused = async (tokens: { token: string }[]) => {
    for (const { token } of tokens) {
      const res = await me(bearer(token));
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('TOKEN_INVALID');
    }
  };

  it('a password change by the user', async () => {
    const { session, tokens } = await userWithTokens('self@example.com');
    const res = await inject('POST', '/api/auth/password', session, { currentPassword: 'correct horse battery', newPassword: 'a new long secret' });
    expect(res.statusCode).toBe(204);
    await allRefused(tokens);
    expect((await inject('GET', '/api/auth/tokens', session)).json().items).toEqual([]);
  });

  it('an admin\'s password reset', async () => {
    const { user, tokens } = await userWithTokens('reset@example.com');
    expect((await inject('PATCH', `/api/users/${user.id}`, t.admin, { password: 'reset by admin' })).statusCode).toBe(200);
    await allRefused(tokens);
  });

  it('disabling the account, and enabling it again brings none back', async () => {
    const { user, tokens } = await userWithTokens('gone@example.com');
    expect((await inject('PATCH', `/api/users/${user.id}`, t.admin, { disabled: true })).statusCode).toBe(200);
    await allRefused(tokens);
    expect((await inject('PATCH', `/api/users/${user.id}`, t.admin, { disabled: false })).statusCode).toBe(200);
    await allRefused(tokens);
  });

  it('npm run user -- set-password', async () => {
    const { tokens } = await userWithTokens('cli@example.com');
    const printed: string[] = [];
    const out = { print: (line: string) => printed.push(line), warn: (line: string) => printed.push(line), progress: () => {} };
    const args = userCommand.parse(['set-password', '--email', ' CLI@example.com', '--password', 'set on the shell']);
    const code = await userCommand.run({ services: t.app.services, out, signal: new AbortController().signal, host: 'cli' }, args);
    expect(code, printed.join('\n')).toBe(0);
    await allRefused(tokens);
  });
});
