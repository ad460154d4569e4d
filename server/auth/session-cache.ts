// Who a session cookie belongs to, remembered for a few seconds: every API request names its session, and reading
// it from the database each time was the largest share of a search's cost under load (issue 14). Anything that
// ends a session or changes a user forgets everything, here at once and in the other processes through
// SESSION_CHANNEL, so an ended session is refused by the next request everywhere NOTIFY arrives; if a notification
// is lost (a connection drop), no answer outlives SESSION_CACHE_MS.
import type { CurrentUser } from './roles.ts';

/** PostgreSQL channel on which a process says "sessions or users changed: forget what you remember". */
export const SESSION_CHANNEL = 'content_hub_sessions';
export const SESSION_CACHE_MS = 5_000;
/** Entries held at most; past it the oldest go (a burst of distinct cookies must not grow memory without end). */
const MAX_ENTRIES = 20_000;

interface Entry { user: CurrentUser; until: number }

export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by clear(): a lookup that started before it must not store what it read. */
  private generation = 0;

  constructor(private readonly ttlMs = SESSION_CACHE_MS) {}

  get(tokenHash: string, now = Date.now()): CurrentUser | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until > now) return entry.user;
    this.entries.delete(tokenHash);
    return undefined;
  }

  /** A ticket to pass to set(): what was read after a clear() started is stored, what was read before is not. */
  ticket(): number {
    return this.generation;
  }

  /** Remembers a session read at `ticket`, no longer than the session itself lasts. */
  set(ticket: number, tokenHash: string, user: CurrentUser, sessionExpiresAt: Date, now = Date.now()): void {
    if (ticket !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { user, until: Math.min(now + this.ttlMs, sessionExpiresAt.getTime()) });
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
