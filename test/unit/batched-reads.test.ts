import { expect, it } from 'vitest';
import { batchedReads } from '../../server/db/batched-reads.ts';

function counted<V>(answer: (keys: string[]) => Map<string, V> | Error) {
  const reads: string[][] = [];
  const get = batchedReads(async (keys: string[]) => {
    reads.push(keys);
    const result = answer(keys);
    if (result instanceof Error) throw result;
    return result;
  });
  return { get, reads };
}

it('reads the keys asked for in the same moment once, together, and answers each caller', async () => {
  const { get, reads } = counted((keys) => new Map(keys.filter((k) => k !== 'gone').map((k) => [k, k.toUpperCase()])));
  const answers = await Promise.all(['a', 'b', 'a', 'gone', 'c'].map(get));
  expect(answers).toEqual(['A', 'B', 'A', undefined, 'C']);
  expect(reads).toEqual([['a', 'b', 'gone', 'c']]);
  // Asked later: a read of its own.
  expect(await get('d')).toBe('D');
  expect(reads).toHaveLength(2);
});

it('fails every caller of a failed read, and reads again for the next', async () => {
  let fail = true;
  const { get } = counted((keys) => (fail ? new Error('database away') : new Map(keys.map((k) => [k, 1]))));
  const failed = await Promise.allSettled([get('a'), get('b')]);
  expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  fail = false;
  expect(await get('a')).toBe(1);
});
