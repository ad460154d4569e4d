// The one write buffer for usage events and logged searches (after Plausible's write_buffer): no request waits on
// its insert. Written in batches, on size, on a short timer and at shutdown; held and tried again while the
// database is away (a restart), so the reports lose none of it: once the bound is reached, new events are refused
// (503) rather than old ones dropped, since an event that was answered 202 must reach the database.
import type { Db } from '../db/client.ts';
import { Unavailable } from '../errors.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { writeUsage, type SearchLogRow, type UsageBatch, type UsageEventRow } from './queries.ts';

/** What is recorded is written at most this long after (searches were logged this way before events were). */
const FLUSH_MS = 50;
/** Rows that make a batch worth writing at once. */
const BATCH = 500;
/** While the database is away, a try every this long, with this many rows held at most (then new events get 503). */
const RETRY_MS = 5_000;
const HELD = 20 * BATCH;

type Pending = { event: UsageEventRow } | { search: SearchLogRow };

export interface WriteBufferOptions {
  /** Where rows that could not be written are reported. */
  warn?: (message: string, error: unknown) => void;
  retryMs?: number;
  /** Rows held at most while the database is away (HELD). */
  held?: number;
}

export function usageWriteBuffer(db: Db, options: WriteBufferOptions = {}) {
  const warn = options.warn ?? ((message: string, error: unknown) => console.error(`usage: ${message}`, error));
  const retryMs = options.retryMs ?? RETRY_MS;
  const held = options.held ?? HELD;
  /** In the order recorded: a click is written with or after the search it refers to. */
  let pending: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  /** The database was away at the last write: new rows wait for the retry instead of each trying again. */
  let waitingForDatabase = false;
  /** Searches left out of the log while it was full, since the last warning. */
  let dropped = 0;
  let closing = false;
  let writing: Promise<void> = Promise.resolve();
  /** A write is queued that has not taken its rows yet: it will take these too. */
  let writeQueued = false;

  /** Rows taken by the write under way: held again if it fails. */
  let writingRows = 0;
  /** Whether the buffer holds all it may while the database is away. */
  const full = () => waitingForDatabase && pending.length + writingRows >= held;

  function add(item: Pending) {
    pending.push(item);
    if (closing || (!waitingForDatabase && pending.length >= BATCH)) void flush();
    else timer ??= setTimeout(() => void flush(), FLUSH_MS);
  }

  /**
   * Writes what was recorded until now. One write at a time, each taking what is pending when its turn comes,
   * so rows held after a failed write go out before later ones. Never throws: failures are held or reported.
   */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (writeQueued) return writing;
    writeQueued = true;
    writing = writing.then(async () => {
      writeQueued = false;
      const items = pending;
      pending = [];
      writingRows = items.length;
      try {
        if (items.length) await write(items);
      } finally {
        writingRows = 0;
      }
    }).catch((error) => warn('could not write usage events and searches', error));
    return writing;
  }

  async function write(items: Pending[]) {
    try {
      await writeUsage(db, batchOf(items));
      waitingForDatabase = false;
      if (dropped) warn(`${dropped} searches were not logged while the database was unavailable`, null);
      dropped = 0;
      return;
    } catch (error) {
      if (isDatabaseUnavailable(error)) return hold(items, error);
    }
    // Refused as a whole for one row's sake (its asset or user deleted meanwhile): each row on its own, so only that one is lost.
    for (const [i, item] of items.entries()) {
      try {
        await writeUsage(db, batchOf([item]));
      } catch (error) {
        if (isDatabaseUnavailable(error)) return hold(items.slice(i), error);
        warn(`could not record ${'event' in item ? `a ${item.event.kind} of asset ${item.event.assetId}` : `search ${item.search.id}`}`, error);
      }
    }
    waitingForDatabase = false;
  }

  function hold(items: Pending[], error: unknown) {
    if (closing) return warn(`could not write ${items.length} usage events and searches before shutting down: the database is unavailable`, error);
    pending = [...items, ...pending];
    if (dropped) warn(`the database has been unavailable for a while: ${dropped} searches were not logged`, error);
    dropped = 0;
    waitingForDatabase = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void flush(), retryMs);
    timer.unref();
  }

  return {
    /** Takes the event, or throws Unavailable (503) when it cannot be kept until the database is back. */
    recordEvent(event: UsageEventRow) {
      if (full()) throw new Unavailable('usage events cannot be recorded while the database is unavailable; try again shortly', Math.ceil(retryMs / 1000));
      add({ event });
    },
    /** Logs the search; a full buffer leaves it out of the log (counted, and warned at the next try) so the search is still answered. */
    logSearch(search: SearchLogRow) {
      if (full()) dropped++;
      else add({ search });
    },
    flush,
    /** Writes what is pending; what is recorded afterwards is written at once, with no timer left behind. */
    async close(): Promise<void> {
      closing = true;
      await flush();
    },
  };
}

function batchOf(items: Pending[]): UsageBatch {
  const batch: UsageBatch = { searches: [], events: [] };
  for (const item of items) {
    if ('event' in item) batch.events.push(item.event);
    else batch.searches.push(item.search);
  }
  return batch;
}
