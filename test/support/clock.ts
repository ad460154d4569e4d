// A clock the test moves: usage counts a repeat within seconds as the same use (server/usage/bursts.ts), so tests
// that mean separate uses space them out in time instead of sleeping.
import { afterEach, vi } from 'vitest';

afterEach(() => { vi.useRealTimers(); });

/** Moves the time Date reads a minute and a second on (only Date: timers and the database run as they do). */
export function aMinuteLater(): void {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + 61_000);
}
