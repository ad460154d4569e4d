import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PostingStore } from '../../server/search/postings.ts';

describe('posting lists', () => {
  it('read back every posting appended, across block boundaries and interleaved terms', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ gap: fc.integer({ min: 1, max: 300_000 }), terms: fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 10 }), payload: fc.integer({ min: 0, max: 31 }) }), { maxLength: 400 }),
      (steps) => {
        const store = new PostingStore(32);
        const expected = new Map<number, [number, number][]>();
        let doc = -1;
        for (const step of steps) {
          doc += step.gap;
          for (const term of step.terms) {
            store.append(term, doc, step.payload);
            expected.set(term, [...(expected.get(term) ?? []), [doc, step.payload]]);
          }
        }
        for (const [term, postings] of expected) {
          const docs = new Int32Array(postings.length);
          const payloads = new Uint8Array(postings.length);
          expect(store.read(term, docs, payloads)).toBe(postings.length);
          expect([...docs].map((d, i) => [d, payloads[i]])).toEqual(postings);
        }
      },
    ), { numRuns: 60 });
  });

  it('holds a long list of one term (many chained blocks)', () => {
    const store = new PostingStore(8);
    for (let doc = 0; doc < 200_000; doc += 1 + (doc % 3)) store.append(7, doc, doc % 8);
    const docs = new Int32Array(store.count(7));
    const payloads = new Uint8Array(store.count(7));
    store.read(7, docs, payloads);
    const expected: number[] = [];
    for (let doc = 0; doc < 200_000; doc += 1 + (doc % 3)) expected.push(doc);
    expect([...docs]).toEqual(expected);
    expect([...payloads]).toEqual(expected.map((doc) => doc % 8));
  });

  it('refuses documents out of order instead of corrupting the list', () => {
    const store = new PostingStore(8);
    store.append(0, 10, 1);
    expect(() => store.append(0, 10, 1)).toThrow(/out of order/);
    expect(() => store.append(0, 11, 8)).toThrow(/out of range/);
  });

  it('compacts to the surviving documents, renumbered', () => {
    const store = new PostingStore(8);
    for (let doc = 0; doc < 10; doc++) store.append(0, doc, doc % 8);
    const renumber = Int32Array.from({ length: 10 }, (_, d) => (d % 2 ? -1 : d / 2));
    const compacted = store.compacted(1, renumber);
    const docs = new Int32Array(5);
    const payloads = new Uint8Array(5);
    expect(compacted.read(0, docs, payloads)).toBe(5);
    expect([...docs]).toEqual([0, 1, 2, 3, 4]);
    expect([...payloads]).toEqual([0, 2, 4, 6, 0]);
  });
});
