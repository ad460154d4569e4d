import { setTimeout as sleep } from 'node:timers/promises';
import { TooManyRequests } from '../errors.ts';
import { normalisedEmail } from './email.ts';

interface Window { failures: number; startedAt: number }

export interface LoginLimits {
  /** Wrong passwords for one account from one address before that account is locked there. */
  perAccount: number;
  /** Wrong passwords from one address, for any accounts, before every sign-in from it is slowed down. */
  perAddress: number;
  windowMs: number;
  /** The first slow-down; each further failure doubles it, up to maxSlowdownMs. */
  slowdownMs: number;
  maxSlowdownMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perAccount: 5, perAddress: 30, windowMs: 15 * 60_000, slowdownMs: 250, maxSlowdownMs: 5_000 };

/**
 * Counts wrong passwords so guessing stops while the people who know their password keep signing in.
 *
 * The rule, as sign-in services that must work behind a shared proxy or office NAT apply it:
 * - **An account is locked per address**: 5 wrong passwords for one account (by its normalised email) from one
 *   address within 15 minutes answer 429 with Retry-After from that address until the window ends, even for the
 *   right password. Other addresses are not affected, so a stranger on the internet cannot lock someone out; behind
 *   a shared proxy they can lock the one account they guess at, never everyone.
 * - **An address is slowed, never locked**: after 30 wrong passwords from one address (for any accounts), each
 *   further sign-in from it waits before its password is checked, 250 ms doubling with each failure up to 5 s. The
 *   wait comes before the check and applies to right and wrong passwords alike (a delay on wrong answers only would
 *   tell a client with a short timeout which guesses failed), so a correct password for an account that is not
 *   itself locked still signs in, a few seconds late, while guessing many accounts from one address crawls (with the
 *   per-address connection cap, the guess rate is bounded).
 * - A success clears that account's count on that address, never the address's count (signing in to one's own
 *   account must not buy a guesser fresh tries).
 * - IPv6 clients are counted by their /64, which one subscriber usually holds whole.
 * Counts live in this process's memory: a restart forgives, which costs a guesser nothing they could not get by
 * waiting out the window.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();
  private readonly limits: LoginLimits;

  constructor(limits: Partial<LoginLimits> = {}) {
    this.limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** Throws 429 while the account is locked for this address; otherwise resolves once the address's slow-down has passed. */
  async admit(email: string, ip: string, now = Date.now()): Promise<void> {
    const locked = this.live(accountKey(email, ip), now);
    if (locked && locked.failures >= this.limits.perAccount) {
      const retryAfterSec = Math.max(1, Math.ceil((locked.startedAt + this.limits.windowMs - now) / 1000));
      throw new TooManyRequests(`too many failed sign-ins for this account; try again in ${Math.ceil(retryAfterSec / 60)} minutes`, retryAfterSec);
    }
    const delay = this.slowdownFor(ip, now);
    if (delay > 0) await sleep(delay);
  }

  /** How long the next sign-in from this address waits before its password is checked. */
  slowdownFor(ip: string, now = Date.now()): number {
    const failures = this.live(addressKey(ip), now)?.failures ?? 0;
    const over = failures - this.limits.perAddress;
    if (over < 0) return 0;
    return Math.min(this.limits.maxSlowdownMs, this.limits.slowdownMs * 2 ** Math.min(over, 20));
  }

  fail(email: string, ip: string, now = Date.now()): void {
    if (this.windows.size > 100_000) this.prune(now);
    for (const key of [accountKey(email, ip), addressKey(ip)]) {
      const w = this.live(key, now);
      if (w) w.failures++;
      else this.windows.set(key, { failures: 1, startedAt: now });
    }
  }

  succeed(email: string, ip: string): void {
    this.windows.delete(accountKey(email, ip));
  }

  private live(key: string, now: number): Window | undefined {
    const w = this.windows.get(key);
    return w && now - w.startedAt < this.limits.windowMs ? w : undefined;
  }

  private prune(now: number) {
    for (const [key, w] of this.windows) if (now - w.startedAt >= this.limits.windowMs) this.windows.delete(key);
  }
}

const accountKey = (email: string, ip: string) => `a:${normalisedEmail(email)}|${clientNetwork(ip)}`;
const addressKey = (ip: string) => `i:${clientNetwork(ip)}`;

/** An IPv4 address as it is (also when IPv4-mapped), an IPv6 address as its /64 network. */
export function clientNetwork(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]!.toLowerCase().split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...headParts, ...Array(Math.max(0, 8 - headParts.length - tailParts.length)).fill('0'), ...tailParts] : headParts;
  return `${groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
