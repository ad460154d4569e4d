import { describe, expect, it } from 'vitest';
import { sessionCookie, testApp, useTestApp } from '../support/app.ts';

const t = useTestApp({ signIn: ['admin'] });

const login = (email: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });

describe('sign-in', () => {
  it('signs in with the right password and sets an HttpOnly, SameSite cookie', async () => {
    await t.app.services.auth.createUser({ email: 'Ann@Example.com', name: 'Ann', role: 'sales', password: 'ann-password' });
    const res = await login('ann@example.com', 'ann-password');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ email: 'ann@example.com', role: 'sales' });
    const cookie = [res.headers['set-cookie']].flat()[0]!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: sessionCookie(res) } });
    expect(me.json()).toMatchObject({ email: 'ann@example.com', name: 'Ann', role: 'sales' });
  });

  it('answers a wrong password with 401 and the same message as an unknown email', async () => {
    const wrong = await login('ann@example.com', 'nope-nope', '10.0.0.2');
    const unknown = await login('nobody@example.com', 'nope-nope', '10.0.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
  });

  it('stops password guessing with 429 while others still sign in', async () => {
    await t.app.services.auth.createUser({ email: 'bob@example.com', name: 'Bob', role: 'sales', password: 'bob-password' });
    for (let i = 0; i < 5; i++) expect((await login('bob@example.com', `guess-${i}`, '10.0.0.3')).statusCode).toBe(401);
    const blocked = await login('bob@example.com', 'bob-password', '10.0.0.3');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.headers['retry-after']).toBeDefined();
    expect((await login('bob@example.com', 'bob-password', '10.0.0.4')).statusCode).toBe(200);
  });

  it('counts every spelling of one email as one account: spaces around it and letter case give no fresh tries', async () => {
    await t.app.services.auth.createUser({ email: 'eve@example.com', name: 'Eve', role: 'sales', password: 'eve-password' });
    const spellings = [' eve@example.com', 'EVE@example.com', 'eve@example.com\t', ' Eve@Example.COM ', 'eve@example.com'];
    for (const email of spellings) expect((await login(email, 'wrong guess', '10.0.1.1')).statusCode).toBe(401);
    for (const email of ['eve@example.com', '  EVE@EXAMPLE.COM']) {
      const res = await login(email, 'eve-password', '10.0.1.1');
      expect(res.statusCode, JSON.stringify(email)).toBe(429);
    }
  });

  it('locks one account per address with 429 and a Retry-After in seconds, for the right password too', async () => {
    await t.app.services.auth.createUser({ email: 'flo@example.com', name: 'Flo', role: 'sales', password: 'flo-password' });
    for (let i = 0; i < 5; i++) await login('flo@example.com', `guess-${i}`, '10.0.1.2');
    const blocked = await login('flo@example.com', 'flo-password', '10.0.1.2');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/try again in \d+ minutes/) });
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  it('lets a correct password sign in from an address that failed 30+ times for many accounts (one proxy, many people)', { timeout: 60_000 }, async () => {
    await t.app.services.auth.createUser({ email: 'gus@example.com', name: 'Gus', role: 'sales', password: 'gus-password' });
    const proxy = '10.0.1.3';
    for (let i = 0; i < 32; i++) {
      const res = await login(`stranger-target-${i}@example.com`, 'password123', proxy);
      expect(res.statusCode).toBe(401);
    }
    const started = Date.now();
    const res = await login('gus@example.com', 'gus-password', proxy);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe('gus@example.com');
    // Slowed, not stopped: the address's wait comes before the check, for right and wrong passwords alike.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    // Another person's typo from that address is a plain 401, not a lockout.
    expect((await login('ann@example.com', 'typo', proxy)).statusCode).toBe(401);
  });

  it('does not let X-Forwarded-For reset the limiter', async () => {
    await t.app.services.auth.createUser({ email: 'cy@example.com', name: 'Cy', role: 'sales', password: 'cy-password' });
    for (let i = 0; i < 5; i++) {
      await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': `1.2.3.${i}` }, payload: { email: 'cy@example.com', password: 'x' } });
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': '9.9.9.9' }, payload: { email: 'cy@example.com', password: 'cy-password' } });
    expect(res.statusCode).toBe(429);
  });

  it('ends the session on logout: the old cookie gets 401', async () => {
    const headers = await t.as('sales');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204);
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'NOT_SIGNED_IN' });
  });

  it('ends sessions when an admin disables the user', async () => {
    const headers = await t.as('sales', 'leaver@example.com');
    const user = await t.app.services.auth.findUserByEmail('leaver@example.com');
    await t.app.inject({ method: 'PATCH', url: `/api/users/${user!.id}`, headers: t.admin, payload: { disabled: true } });
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers })).statusCode).toBe(401);
    expect((await login('leaver@example.com', 'correct horse battery', '10.0.0.9')).statusCode).toBe(401);
  });

  it('refuses a cross-site POST carrying the session cookie (CSRF)', async () => {
    const headers = await t.as('marketing');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers: { ...headers, origin: 'https://evil.example' }, payload: { name: 'x' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('CROSS_SITE');
  });

  it('rejects a text/plain body on a JSON route', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'text/plain' }, payload: '{"email":"a","password":"b"}' });
    expect(res.statusCode).toBe(400);
  });
});

describe('API tokens', () => {
  it('authenticate as their owner with the same role, and stop working when deleted', async () => {
    const headers = await t.as('marketing');
    const created = await t.app.inject({ method: 'POST', url: '/api/auth/tokens', headers, payload: { name: 'CRM sync' } });
    expect(created.statusCode).toBe(201);
    const { id, token } = created.json();
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer })).json().role).toBe('marketing');
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: bearer })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/auth/tokens/${id}`, headers })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: bearer })).statusCode).toBe(401);
  });
});

describe('users (admin)', () => {
  it('creates users with a role and lists them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: t.admin, payload: { email: 'dee@example.com', name: 'Dee', role: 'approver', password: 'dee-password' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email: 'dee@example.com', role: 'approver', disabled: false });
    const list = await t.app.inject({ method: 'GET', url: '/api/users', headers: t.admin });
    expect(list.json().items.map((u: { email: string }) => u.email)).toContain('dee@example.com');
  });

  it('answers a duplicate email with 409 and a bad role with 400', async () => {
    const dup = await t.app.inject({ method: 'POST', url: '/api/users', headers: t.admin, payload: { email: 'DEE@example.com', name: 'x', role: 'sales', password: 'long-enough' } });
    expect(dup.statusCode).toBe(409);
    const bad = await t.app.inject({ method: 'POST', url: '/api/users', headers: t.admin, payload: { email: 'eve@example.com', name: 'x', role: 'root', password: 'long-enough' } });
    expect(bad.statusCode).toBe(400);
  });

  it('keeps non-admins out (403) and lets nobody raise their own role', async () => {
    const marketing = await t.as('marketing', 'mk@example.com');
    const me = await t.app.services.auth.findUserByEmail('mk@example.com');
    expect((await t.app.inject({ method: 'GET', url: '/api/users', headers: marketing })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'PATCH', url: `/api/users/${me!.id}`, headers: marketing, payload: { role: 'admin' } })).statusCode).toBe(403);
    const rootUser = await t.app.services.auth.findUserByEmail('admin@example.com');
    const self = await t.app.inject({ method: 'PATCH', url: `/api/users/${rootUser!.id}`, headers: t.admin, payload: { role: 'sales' } });
    expect(self.statusCode).toBe(403);
  });

  it('creates the first admin from the environment only when no admin exists', async () => {
    expect(await t.app.services.auth.ensureAdmin('x@example.com', 'whatever-long')).toBeUndefined();
  });

  it('creates the first admin when only non-admins exist (a demo run before the first start)', async () => {
    const other = await testApp();
    try {
      await other.app.services.auth.createUser({ email: 'maya@demo.local', name: 'Maya', role: 'marketing', password: 'demo-password' });
      const admin = await other.app.services.auth.ensureAdmin(undefined, undefined);
      expect(admin?.email).toBe('admin@localhost');
      const login = await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'admin@localhost', password: admin!.generatedPassword } });
      expect(login.statusCode).toBe(200);
      expect(login.json().user.role).toBe('admin');
    } finally {
      await other.close();
    }
  });
});
