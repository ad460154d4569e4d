// The search index's snapshot format: its state as named SnapshotData arrays, lists and values (written to disk by
// snapshot-file.ts), and back, with every part checked to fit the others before the index takes any of it.
import type { SavedFacets } from './facet-bitsets.ts';
import { PostingStore } from './postings.ts';
import type { SnapshotArray, SnapshotData } from './snapshot-file.ts';

/**
 * What a snapshot holds of an index: counts, words, posting stores and the per-document arrays cut to `docs`.
 * Usage boosts are left out: they are recomputed from usage figures at boot anyway.
 */
export interface SavedIndex {
  docs: number;
  dead: number;
  textWords: number;
  textDocs: number;
  /** Words by term number, and which of them completions and typo tolerance may lead to. */
  words: string[];
  inExpandable: Uint8Array;
  metadata: PostingStore;
  text: PostingStore;
  flags: Uint8Array;
  expires: Float64Array;
  freshAt: Float64Array;
  facets: SavedFacets;
  assetOf: string[];
  versionOf: string[];
  fingerprints: Map<string, string>;
}

/** The index's state as snapshot parts: its arrays as they are (not copies, so written out before the index changes). */
export function snapshotData(index: SavedIndex): SnapshotData {
  const metadata = index.metadata.saved();
  const text = index.text.saved();
  const facets = index.facets;
  return {
    meta: {
      docs: index.docs, dead: index.dead, textWords: index.textWords, textDocs: index.textDocs, codeSlot: facets.codeSlot, codeValue: facets.codeValue,
      metadataPageEnd: metadata.pageEnd, metadataTerms: metadata.terms, textPageEnd: text.pageEnd, textTerms: text.terms,
    },
    arrays: {
      flags: index.flags, expires: index.expires, freshAt: index.freshAt,
      codeStart: facets.codeStart, facetCodeCount: facets.facetCodeCount,
      allCodeCount: facets.allCodeCount, codePool: facets.codePool,
      inExpandable: index.inExpandable,
      metadataPages: metadata.pages, metadataState: metadata.state, metadataHeads: metadata.heads, metadataLevels: metadata.levels,
      textPages: text.pages, textState: text.state, textHeads: text.heads, textLevels: text.levels,
    },
    lines: {
      words: index.words, assetOf: index.assetOf, versionOf: index.versionOf,
      fingerprintAssets: [...index.fingerprints.keys()], fingerprints: [...index.fingerprints.values()],
    },
  };
}

/**
 * The index's state from snapshot parts, each checked; throws when a part is missing or they do not fit together.
 * `payloadRange`: the posting stores' payload ranges, as the index creates them.
 */
export function savedIndex(data: SnapshotData, payloadRange: { metadata: number; text: number }): SavedIndex {
  const { meta, arrays, lines } = data;
  const docs = meta.docs as number;
  const array = <T extends SnapshotArray>(name: string, type: new (n: number) => T, length?: number): T => {
    const value = arrays[name];
    if (!(value instanceof type) || (length !== undefined && value.length !== length)) throw new Error(`snapshot array ${name} is missing or the wrong size`);
    return value;
  };
  const pages = (name: string) => {
    const value = arrays[name];
    if (!Array.isArray(value) || value.some((page) => !(page instanceof Uint8Array))) throw new Error(`snapshot pages ${name} are missing`);
    return value as Uint8Array[];
  };
  const stringList = (name: string, length?: number) => {
    const value = lines[name];
    if (!value || (length !== undefined && value.length !== length)) throw new Error(`snapshot list ${name} is missing or the wrong size`);
    return value;
  };
  const words = stringList('words');
  const inExpandable = array('inExpandable', Uint8Array, words.length);
  const postings = (store: 'metadata' | 'text') => PostingStore.restored(payloadRange[store], {
    pages: pages(`${store}Pages`), pageEnd: meta[`${store}PageEnd`] as number, terms: meta[`${store}Terms`] as number,
    state: array(`${store}State`, Int32Array), heads: array(`${store}Heads`, Uint32Array), levels: array(`${store}Levels`, Uint8Array),
  });
  const metadata = postings('metadata');
  const text = postings('text');
  const perDocument = {
    flags: array('flags', Uint8Array, docs), expires: array('expires', Float64Array, docs), freshAt: array('freshAt', Float64Array, docs),
    codeStart: array('codeStart', Int32Array, docs), facetCodeCount: array('facetCodeCount', Uint8Array, docs),
    allCodeCount: array('allCodeCount', Uint8Array, docs),
  };
  const codePool = array('codePool', Int32Array);
  const codeSlot = meta.codeSlot as number[];
  const codeValue = meta.codeValue as string[];
  const assetOf = stringList('assetOf', docs);
  const versionOf = stringList('versionOf', docs);
  const fingerprintAssets = stringList('fingerprintAssets');
  const fingerprints = stringList('fingerprints', fingerprintAssets.length);
  if (!Number.isInteger(docs) || codeSlot.length !== codeValue.length || Math.max(meta.metadataTerms as number, meta.textTerms as number) > words.length) {
    throw new Error('snapshot parts do not fit together');
  }
  for (let doc = 0; doc < docs; doc++) {
    const end = perDocument.codeStart[doc]! + perDocument.allCodeCount[doc]!;
    if (end > codePool.length) throw new Error('snapshot facet codes do not fit together');
  }
  for (const code of codePool) if (!(code >= 0 && code < codeSlot.length)) throw new Error('snapshot facet codes do not fit together');

  const fingerprintOf = new Map<string, string>();
  fingerprintAssets.forEach((assetId, i) => fingerprintOf.set(assetId, fingerprints[i]!));
  return {
    docs, dead: meta.dead as number, textWords: meta.textWords as number, textDocs: meta.textDocs as number,
    words, inExpandable, metadata, text,
    flags: perDocument.flags, expires: perDocument.expires, freshAt: perDocument.freshAt,
    facets: {
      codeStart: perDocument.codeStart, facetCodeCount: perDocument.facetCodeCount, allCodeCount: perDocument.allCodeCount,
      codePool, codeSlot, codeValue,
    },
    assetOf, versionOf,
    fingerprints: fingerprintOf,
  };
}
