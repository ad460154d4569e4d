// Reads by key asked for in the same moment, made as one query. When a crowd's cached entries run out together
// (200 people's sessions after a sign-out anywhere clears the cache), each request would otherwise take a
// connection of the pool for a one-row read and queue behind the others: one read of 200 rows is one round trip.
/**
 * Returns get(key): the keys asked for before the event loop's next turn are read together by `read`, which
 * answers the ones it found. A failed read fails every caller of that batch.
 */
export function batchedReads<K, V>(read: (keys: K[]) => Promise<Map<K, V>>): (key: K) => Promise<V | undefined> {
  let pending: Map<K, { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]> | null = null;

  async function flush(batch: NonNullable<typeof pending>) {
    try {
      const found = await read([...batch.keys()]);
      for (const [key, waiters] of batch) for (const waiter of waiters) waiter.resolve(found.get(key));
    } catch (error) {
      for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
    }
  }

  return (key) => new Promise<V | undefined>((resolve, reject) => {
    if (!pending) {
      const batch = new Map<K, { resolve: (value: V | undefined) => void; reject: (error: unknown) => void }[]>();
      pending = batch;
      setImmediate(() => {
        pending = null;
        void flush(batch);
      });
    }
    const waiters = pending.get(key);
    if (waiters) waiters.push({ resolve, reject });
    else pending.set(key, [{ resolve, reject }]);
  });
}
