import { TooManyRequests } from '../errors.ts';

interface Window { failures: number; startedAt: number }

/**
 * Counts failed sign-ins per account+address and per address, so guessing passwords stops
 * after a few tries while other people keep signing in. Successful sign-ins are not counted.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly perAccount = 5,
    private readonly perAddress = 30,
    private readonly windowMs = 15 * 60_000,
  ) {}

  check(email: string, ip: string, now = Date.now()): void {
    for (const [key, max] of this.keys(email, ip)) {
      const w = this.windows.get(key);
      if (w && now - w.startedAt < this.windowMs && w.failures >= max) {
        const retryAfterSec = Math.ceil((w.startedAt + this.windowMs - now) / 1000);
        throw new TooManyRequests(`too many failed sign-ins; try again in ${Math.ceil(retryAfterSec / 60)} minutes`, retryAfterSec);
      }
    }
  }

  fail(email: string, ip: string, now = Date.now()): void {
    if (this.windows.size > 100_000) this.prune(now);
    for (const [key] of this.keys(email, ip)) {
      const w = this.windows.get(key);
      if (!w || now - w.startedAt >= this.windowMs) this.windows.set(key, { failures: 1, startedAt: now });
      else w.failures++;
    }
  }

  succeed(email: string, ip: string): void {
    this.windows.delete(`a:${email.toLowerCase()}|${ip}`);
  }

  private keys(email: string, ip: string): [string, number][] {
    return [[`a:${email.toLowerCase()}|${ip}`, this.perAccount], [`i:${ip}`, this.perAddress]];
  }

  private prune(now: number) {
    for (const [key, w] of this.windows) if (now - w.startedAt >= this.windowMs) this.windows.delete(key);
  }
}
