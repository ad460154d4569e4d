import { describe, expect, it } from 'vitest';
import { clientNetwork, LoginThrottle } from '../../server/auth/login-throttle.ts';
import { TooManyRequests } from '../../server/errors.ts';

const MINUTE = 60_000;
const t0 = 1_000_000_000_000;

async function refusal(throttle: LoginThrottle, email: string, ip: string, now: number): Promise<TooManyRequests | undefined> {
  try {
    await throttle.admit(email, ip, now);
    return undefined;
  } catch (error) {
    if (error instanceof TooManyRequests) return error;
    throw error;
  }
}

describe('login throttle', () => {
  it('locks an account for one address after 5 failures until the 15-minute window ends', async () => {
    const throttle = new LoginThrottle({ slowdownMs: 0 });
    for (let i = 0; i < 4; i++) throttle.fail(' Ann@Example.com', '10.0.0.1', t0);
    expect(await refusal(throttle, 'ann@example.com', '10.0.0.1', t0)).toBeUndefined();
    throttle.fail('ANN@example.com ', '10.0.0.1', t0);
    const locked = await refusal(throttle, 'ann@example.com', '10.0.0.1', t0 + MINUTE);
    expect(locked?.retryAfterSec).toBe(14 * 60);
    expect(await refusal(throttle, 'ann@example.com', '10.0.0.2', t0 + MINUTE)).toBeUndefined();
    expect(await refusal(throttle, 'ann@example.com', '10.0.0.1', t0 + 15 * MINUTE)).toBeUndefined();
  });

  it('slows an address after 30 failures, doubling to at most 5 s, and never locks it', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 29; i++) throttle.fail(`user${i}@example.com`, '10.0.0.1', t0);
    expect(throttle.slowdownFor('10.0.0.1', t0)).toBe(0);
    const waits = [];
    for (let i = 29; i < 40; i++) {
      throttle.fail(`user${i}@example.com`, '10.0.0.1', t0);
      waits.push(throttle.slowdownFor('10.0.0.1', t0));
    }
    expect(waits).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000]);
    expect(throttle.slowdownFor('10.0.0.2', t0)).toBe(0);
    expect(throttle.slowdownFor('10.0.0.1', t0 + 15 * MINUTE)).toBe(0);
  });

  it('clears an account\'s count on success, but not its address\'s', () => {
    const throttle = new LoginThrottle({ perAddress: 3 });
    for (let i = 0; i < 4; i++) throttle.fail('ann@example.com', '10.0.0.1', t0);
    throttle.succeed(' ANN@example.com', '10.0.0.1');
    expect(throttle.slowdownFor('10.0.0.1', t0)).toBe(500);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', async () => {
    expect(clientNetwork('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
    expect(clientNetwork('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientNetwork('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(clientNetwork('192.0.2.7')).toBe('192.0.2.7');
    const throttle = new LoginThrottle({ slowdownMs: 0 });
    for (let i = 0; i < 5; i++) throttle.fail('ann@example.com', `2001:db8:1:2::${i + 1}`, t0);
    expect(await refusal(throttle, 'ann@example.com', '2001:db8:1:2:dead:beef:0:1', t0)).toBeInstanceOf(TooManyRequests);
    expect(await refusal(throttle, 'ann@example.com', '2001:db8:1:3::1', t0)).toBeUndefined();
  });
});
