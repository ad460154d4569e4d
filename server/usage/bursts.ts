// Bursts count once: a double click, a download restarted from the start, a preview opened again a moment later are
// one use, not several. Judged per process, in memory: two processes behind a balancer may each keep one of a
// burst, which the reports' person-day counting then folds anyway.
import type { UsageKind } from './uses.ts';

/**
 * How long a repeat of the same event (person, asset, kind, search) is the same use. A download gets longer: a
 * browser retrying a broken transfer from the start, or a person clicking again while it is slow, takes tens of seconds.
 */
const BURST_MS: Record<UsageKind, number> = {
  view: 10_000, click: 10_000, copy_link: 10_000, presented: 10_000, share: 10_000, download: 60_000,
};
const LONGEST_MS = Math.max(...Object.values(BURST_MS));
/** Past this many remembered events, the ones older than any window are forgotten. */
const PRUNE_AT = 10_000;

export interface BurstKey { assetId: string; kind: UsageKind; queryId?: string | null }

export function burstFilter(now: () => number = () => Date.now()) {
  /** When each event was last kept, in the order first kept (a Map keeps insertion order). */
  const lastKept = new Map<string, number>();

  function prune(at: number) {
    for (const [key, when] of lastKept) {
      // Entries are in the order first kept; one kept again later moved to the end (deleted and set again).
      if (at - when < LONGEST_MS) break;
      lastKept.delete(key);
    }
  }

  return {
    /** Whether this event repeats one kept within its kind's window; if not, it is remembered as kept now. */
    isRepeat(userId: string | null, event: BurstKey): boolean {
      const at = now();
      const key = `${userId ?? ''}|${event.assetId}|${event.kind}|${event.queryId ?? ''}`;
      const when = lastKept.get(key);
      if (when !== undefined && at - when < BURST_MS[event.kind]) return true;
      lastKept.delete(key);
      lastKept.set(key, at);
      if (lastKept.size > PRUNE_AT) prune(at);
      return false;
    },
  };
}
