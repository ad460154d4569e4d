// Sessions are remembered for a few seconds (server/auth/session-cache.ts); ending one, disabling or changing a user
// must still take effect at the next request, in this process and in the others on the same PostgreSQL.
import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../server/auth/session-cache.ts';
import { useTestApp } from '../support/app.ts';
import { secondApp } from '../support/second-app.ts';

const t = useTestApp({ signIn: ['admin'] });

async function me(headers: Record<string, string>, app = t.app) {
  return app.inject({ method: 'GET', url: '/api/me', headers });
}

async function userId(email: string): Promise<string> {
  return (await t.app.services.auth.findUserByEmail(email))!.id;
}

describe('a remembered session', () => {
  it('ends at sign-out: the very next request is refused', async () => {
    const sales = await t.as('sales');
    expect((await me(sales)).statusCode).toBe(200);
    expect((await me(sales)).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: sales })).statusCode).toBeLessThan(300);
    expect((await me(sales)).statusCode).toBe(401);
  });

  it('ends when an admin disables the account, and shows a new role at once', async () => {
    const sales = await t.as('sales', 'rowan@example.com');
    expect((await me(sales)).json()).toMatchObject({ role: 'sales' });
    const id = await userId('rowan@example.com');
    await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: t.admin, payload: { role: 'marketing' } });
    expect((await me(sales)).json()).toMatchObject({ role: 'marketing' });
    await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: t.admin, payload: { disabled: true } });
    expect((await me(sales)).statusCode).toBe(401);
  });

  it('is forgotten when the session expires, even within the few seconds it is remembered', () => {
    const cache = new SessionCache(5_000);
    const user = { id: 'u', email: 'u@example.com', name: 'U', role: 'sales' as const };
    cache.set(cache.ticket(), 'hash', user, new Date(1_000_500), 1_000_000);
    expect(cache.get('hash', 1_000_400)).toEqual(user);
    expect(cache.get('hash', 1_000_500)).toBeUndefined();
  });

  it('is not stored from a read that started before the cache was cleared', () => {
    const cache = new SessionCache(5_000);
    const ticket = cache.ticket();
    cache.clear();
    cache.set(ticket, 'hash', { id: 'u', email: 'u@example.com', name: 'U', role: 'sales' }, new Date(Date.now() + 60_000));
    expect(cache.get('hash')).toBeUndefined();
  });
});

describe.skipIf(!process.env.DATABASE_URL)('a session remembered by another process on the same PostgreSQL', () => {
  it('ends there too when this process disables the account or signs it out', async () => {
    const other = await secondApp(t);
    try {
      const sales = await t.as('sales', 'sky@example.com');
      const signedOut = await t.as('sales', 'sol@example.com');
      expect((await me(sales, other.app)).statusCode).toBe(200);
      expect((await me(signedOut, other.app)).statusCode).toBe(200);
      await t.app.inject({ method: 'PATCH', url: `/api/users/${await userId('sky@example.com')}`, headers: t.admin, payload: { disabled: true } });
      await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: signedOut });
      // NOTIFY arrives asynchronously: well within a second, never the cache's five.
      const until = Date.now() + 2_000;
      let statuses: number[] = [];
      do {
        statuses = [(await me(sales, other.app)).statusCode, (await me(signedOut, other.app)).statusCode];
        if (statuses.every((s) => s === 401)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      } while (Date.now() < until);
      expect(statuses).toEqual([401, 401]);
    } finally {
      await other.close();
    }
  });
});
