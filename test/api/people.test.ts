// People management: changing one's own password, and admins inviting people by a one-time link.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invites, users } from '../../server/db/schema.ts';
import { sessionCookie, useTestApp } from '../support/app.ts';

const t = useTestApp({ signIn: ['admin'], config: { publicUrl: 'https://hub.example.com' } });

const PASSWORD = 'correct horse battery';
const inject = (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, headers: Record<string, string> = {}, payload?: object, ip = '10.1.0.1') =>
  t.app.inject({ method, url, headers, payload, remoteAddress: ip });
const login = (email: string, password: string, ip = '10.1.0.1') => inject('POST', '/api/auth/login', {}, { email, password }, ip);
const me = (headers: Record<string, string>) => inject('GET', '/api/me', headers);

/** A user signed in twice (two browsers) with an API token besides. */
async function userWithTwoSessionsAndToken(email: string) {
  await t.app.services.auth.createUser({ email, name: email.split('@')[0]!, role: 'marketing', password: PASSWORD });
  const here = { cookie: sessionCookie(await login(email, PASSWORD)) };
  const elsewhere = { cookie: sessionCookie(await login(email, PASSWORD)) };
  const token = (await inject('POST', '/api/auth/tokens', here, { name: 'CRM sync' })).json().token as string;
  return { here, elsewhere, bearer: { authorization: `Bearer ${token}` } };
}

const changePassword = (headers: Record<string, string>, currentPassword: string, newPassword: string, ip = '10.1.0.1') =>
  inject('POST', '/api/auth/password', headers, { currentPassword, newPassword }, ip);

describe('changing one\'s own password', () => {
  it('keeps this session, ends the other sessions and the API tokens, and the new password signs in', async () => {
    const { here, elsewhere, bearer } = await userWithTwoSessionsAndToken('pat@example.com');
    expect((await me(bearer)).statusCode).toBe(200);

    const res = await changePassword(here, PASSWORD, 'a brand new secret');
    expect(res.statusCode).toBe(204);

    expect((await me(here)).json()).toMatchObject({ email: 'pat@example.com' });
    expect((await me(elsewhere)).statusCode).toBe(401);
    expect((await me(bearer)).statusCode).toBe(401);
    expect((await inject('GET', '/api/auth/tokens', here)).json().items).toEqual([]);
    expect((await login('pat@example.com', PASSWORD, '10.1.0.2')).statusCode).toBe(401);
    expect((await login('pat@example.com', 'a brand new secret', '10.1.0.2')).statusCode).toBe(200);
  });

  it('refuses a wrong current password with 400 and changes nothing', async () => {
    const { here, elsewhere, bearer } = await userWithTwoSessionsAndToken('quinn@example.com');
    const res = await changePassword(here, 'not my password', 'a brand new secret');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'WRONG_PASSWORD', message: 'the current password is wrong' });
    // 400, not 401: the caller is still signed in, everywhere.
    for (const headers of [here, elsewhere, bearer]) expect((await me(headers)).statusCode).toBe(200);
    expect((await login('quinn@example.com', PASSWORD, '10.1.0.3')).statusCode).toBe(200);
  });

  it('refuses a new password shorter than 8 characters, or the same as the current one', async () => {
    const headers = await t.as('sales');
    const short = await changePassword(headers, PASSWORD, 'short');
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toMatch(/newPassword/);
    const same = await changePassword(headers, PASSWORD, PASSWORD);
    expect(same.statusCode).toBe(400);
    expect(same.json().code).toBe('SAME_PASSWORD');
    expect((await inject('POST', '/api/auth/password', headers, { newPassword: 'a brand new secret' })).statusCode).toBe(400);
  });

  it('stops guessing the current password with 429, like sign-in', async () => {
    const headers = await t.as('sales', 'guesser@example.com');
    for (let i = 0; i < 5; i++) expect((await changePassword(headers, `guess-${i}`, 'a brand new secret', '10.1.0.9')).statusCode).toBe(400);
    const blocked = await changePassword(headers, PASSWORD, 'a brand new secret', '10.1.0.9');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await login('guesser@example.com', PASSWORD, '10.1.0.10')).statusCode).toBe(200);
  });

  it('needs a signed-in user', async () => {
    const res = await changePassword({}, PASSWORD, 'a brand new secret');
    expect(res.statusCode).toBe(401);
  });
});

const invite = (body: object, headers = t.admin) => inject('POST', '/api/invites', headers, body);
const tokenOf = (url: string) => url.split('/invite/')[1]!;
const openInvite = (token: string) => inject('GET', `/api/invites/by-token/${token}`);
const accept = (token: string, body: object = { password: 'my own password' }, headers: Record<string, string> = {}) =>
  inject('POST', `/api/invites/by-token/${token}/accept`, headers, body);

describe('inviting a person by a one-time link', () => {
  it('gives the admin a link under PUBLIC_URL, stores only a hash of its token, and lists it as pending', async () => {
    const res = await invite({ email: 'New.Person@Example.com', name: 'Nora New', role: 'marketing' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    const root = await t.app.services.auth.findUserByEmail('admin@example.com');
    expect(body).toMatchObject({ email: 'new.person@example.com', name: 'Nora New', role: 'marketing', invitedBy: { id: root!.id, name: root!.name } });
    expect(body.url).toMatch(/^https:\/\/hub\.example\.com\/invite\/[A-Za-z0-9_-]{40,}$/);
    expect(tokenOf(body.url)).toBe(body.token);
    expect(new Date(body.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 86400_000);

    const [row] = await t.app.services.database.db.select().from(invites).where(eq(invites.id, body.id));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(body.token);

    const list = await inject('GET', '/api/invites', t.admin);
    expect(list.json().items.map((i: { id: string }) => i.id)).toContain(body.id);
    expect(list.json().items[0]).not.toHaveProperty('token');
  });

  it('lets the person see who they will be, choose a password, and be signed in with the invited role', async () => {
    const { token } = (await invite({ email: 'ivy@example.com', name: 'Ivy', role: 'approver' })).json();
    expect((await openInvite(token)).json()).toMatchObject({ email: 'ivy@example.com', name: 'Ivy', role: 'approver' });

    const res = await accept(token, { password: 'ivy chose this', name: 'Ivy Approver' });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: 'ivy@example.com', name: 'Ivy Approver', role: 'approver', disabled: false });
    expect((await me({ cookie: sessionCookie(res) })).json()).toMatchObject({ email: 'ivy@example.com', role: 'approver' });
    expect((await login('ivy@example.com', 'ivy chose this', '10.1.1.1')).statusCode).toBe(200);

    const list = (await inject('GET', '/api/invites', t.admin)).json().items as { email: string }[];
    expect(list.map((i) => i.email)).not.toContain('ivy@example.com');
  });

  it('works once: a used link says so and makes no second account', async () => {
    const { token } = (await invite({ email: 'once@example.com', role: 'sales' })).json();
    expect((await accept(token)).statusCode).toBe(200);

    const again = await accept(token, { password: 'someone else now' });
    expect(again.statusCode).toBe(410);
    expect(again.json()).toMatchObject({ statusCode: 410, error: 'Gone', code: 'INVITE_USED' });
    expect((await openInvite(token)).json().code).toBe('INVITE_USED');
    const accounts = await t.app.services.database.db.select().from(users).where(eq(users.email, 'once@example.com'));
    expect(accounts).toHaveLength(1);
    expect((await login('once@example.com', 'someone else now', '10.1.1.2')).statusCode).toBe(401);
  });

  it('gives one account when the same link is submitted twice at once', async () => {
    const { token } = (await invite({ email: 'twice@example.com', role: 'sales' })).json();
    const results = await Promise.all([accept(token, { password: 'first password' }), accept(token, { password: 'second password' })]);
    expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
    const loser = results.find((r) => r.statusCode !== 200)!;
    expect([409, 410]).toContain(loser.statusCode);
    const accounts = await t.app.services.database.db.select().from(users).where(eq(users.email, 'twice@example.com'));
    expect(accounts).toHaveLength(1);
  });

  it('refuses an expired link with 410 and leaves it off the pending list', async () => {
    const { id, token } = (await invite({ email: 'late@example.com', role: 'sales' })).json();
    await t.app.services.database.db.update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, id));

    const opened = await openInvite(token);
    expect(opened.statusCode).toBe(410);
    expect(opened.json()).toMatchObject({ code: 'INVITE_EXPIRED', message: expect.stringMatching(/expired on \d{4}-\d{2}-\d{2}/) });
    expect((await accept(token)).json().code).toBe('INVITE_EXPIRED');
    expect(await t.app.services.auth.findUserByEmail('late@example.com')).toBeUndefined();
    const list = (await inject('GET', '/api/invites', t.admin)).json().items as { id: string }[];
    expect(list.map((i) => i.id)).not.toContain(id);
  });

  it('lets an admin revoke a pending invite, after which the link no longer works', async () => {
    const { id, token } = (await invite({ email: 'revoked@example.com', role: 'marketing' })).json();
    expect((await inject('DELETE', `/api/invites/${id}`, t.admin)).statusCode).toBe(204);
    expect((await openInvite(token)).json()).toMatchObject({ statusCode: 410, code: 'INVITE_REVOKED' });
    expect((await accept(token)).statusCode).toBe(410);
    expect(await t.app.services.auth.findUserByEmail('revoked@example.com')).toBeUndefined();
    const list = (await inject('GET', '/api/invites', t.admin)).json().items as { id: string }[];
    expect(list.map((i) => i.id)).not.toContain(id);
    // A used invite cannot be revoked (the account exists), and an unknown one is 404.
    const used = (await invite({ email: 'kept@example.com', role: 'sales' })).json();
    await accept(used.token);
    expect((await inject('DELETE', `/api/invites/${used.id}`, t.admin)).json()).toMatchObject({ statusCode: 409, code: 'INVITE_USED' });
    expect((await inject('DELETE', '/api/invites/00000000-0000-4000-8000-000000000000', t.admin)).statusCode).toBe(404);
  });

  it('replaces a pending invite when the same email is invited again: only the newest link works', async () => {
    const first = (await invite({ email: 'resend@example.com', role: 'sales' })).json();
    const second = (await invite({ email: 'RESEND@example.com', role: 'marketing' })).json();
    expect((await openInvite(first.token)).json().code).toBe('INVITE_REVOKED');
    expect((await accept(second.token)).json().user).toMatchObject({ email: 'resend@example.com', role: 'marketing' });
  });

  it('refuses to invite an email that already belongs to a user (409), in any letter case', async () => {
    const res = await invite({ email: 'ADMIN@example.com', role: 'sales' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ statusCode: 409, code: 'EMAIL_TAKEN' });
  });

  it('refuses the link when an account with that email was made after the invite', async () => {
    const { token } = (await invite({ email: 'meanwhile@example.com', role: 'sales' })).json();
    await inject('POST', '/api/users', t.admin, { email: 'meanwhile@example.com', name: 'M', role: 'sales', password: PASSWORD });
    const res = await accept(token);
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('EMAIL_TAKEN');
  });

  it('answers a link that never existed with 404, and bad input with 400', async () => {
    expect((await openInvite('chi_doesnotexistdoesnotexistdoesnotexist')).json()).toMatchObject({ statusCode: 404, code: 'INVITE_NOT_FOUND' });
    expect((await openInvite('no%20spaces%20here')).statusCode).toBe(400);
    const { token } = (await invite({ email: 'weak@example.com', role: 'sales' })).json();
    const weak = await accept(token, { password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect((await openInvite(token)).statusCode).toBe(200); // a refused password does not use the link up
    expect((await invite({ email: 'not an email', role: 'sales' })).statusCode).toBe(400);
    expect((await invite({ email: 'x@example.com', role: 'owner' })).statusCode).toBe(400);
  });

  it('signs out whoever was signed in on that browser before the link was used', async () => {
    const before = await t.as('sales', 'shared-laptop@example.com');
    const { token } = (await invite({ email: 'newcomer@example.com', role: 'marketing' })).json();
    const res = await accept(token, { password: 'my own password' }, before);
    expect(res.statusCode).toBe(200);
    expect((await me(before)).statusCode).toBe(401);
    expect((await me({ cookie: sessionCookie(res) })).json().email).toBe('newcomer@example.com');
  });

  it('is for admins only', async () => {
    for (const role of ['sales', 'marketing', 'approver'] as const) {
      const headers = await t.as(role);
      expect((await invite({ email: `by-${role}@example.com`, role: 'admin' }, headers)).statusCode).toBe(403);
      expect((await inject('GET', '/api/invites', headers)).statusCode).toBe(403);
    }
    expect((await inject('GET', '/api/invites')).statusCode).toBe(401);
  });
});
