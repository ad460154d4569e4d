import os from 'node:os';
import SearchableMap from 'minisearch/SearchableMap';
import { TermDictionary } from './dictionary.ts';
import {
  SEARCH_FACETS, type AssetUsage, type FacetCount, type IndexedAsset, type IndexedVersion, type SearchFacet, type SearchHit,
  type SearchIndex, type SearchOutcome, type SearchRequest,
} from './index.ts';
import { PostingBatch, PostingStore } from './postings.ts';
import { MAX_QUERY_WORDS } from './query-parser.ts';
import { forgetPlans, planQuery, type PlannedWord, type TermSource } from './query-plan.ts';
import { browseScore, FIELD, freshnessBoost, idf, METADATA_WEIGHT, TEXT_BUCKETS, TEXT_WEIGHT, usageBoost } from './ranking.ts';
import { DocumentTokenizer, Int32Builder } from './document-tokens.ts';
import type { SnapshotArray, SnapshotData } from './snapshot-file.ts';
import { unexpired } from '../access/visibility.ts';
import { termHashes } from './text.ts';
import { TokenizerPool, type TokenizedDocuments } from './tokenizer-pool.ts';

// Document flags. One document per asset when sales and staff see the same version, two while a newer
// version waits for review (sales keep matching the approved text and file name).
const ALIVE = 1;
const FOR_SALES = 2;
const FOR_STAFF = 4;

/** Filter slots: the facets, then free tags (filterable, not counted). */
const TAG_SLOT = SEARCH_FACETS.length;
const SLOT_OF: Record<string, number> = Object.fromEntries([...SEARCH_FACETS, 'tag'].map((f, i) => [f, i]));

/** A build this large (in assets per batch) tokenizes in threads; each thread gets this many assets at a time. */
const THREADED_BUILD_MIN_BATCH = 200;
const THREAD_CHUNK = 64;
const BUILD_THREADS = Math.min(4, os.availableParallelism());
/** Staged postings appended once this many have gathered (about a thousand documents' worth). */
const STAGED_POSTINGS = 2_000_000;
/** Tiers: a document matching more of the query's words always ranks above one matching fewer. */
const TIER = 1e7;
/** Above every tier: documents matching all the words that must match come first (a multiple of TIER, see collect). */
const ALL_WORDS_TIER = 1000 * TIER;
const NO_USAGE: AssetUsage = Object.freeze({ decayed: 0, last30Days: 0, people30Days: 0 });
/** Tombstones are swept once they are this share of all documents. */
const COMPACT_SHARE = 0.25;
const COMPACT_MIN = 2_000;
const RESULT_CACHE_SIZE = 500;
const RESULT_CACHE_MS = 60_000;
const BOOST_REFRESH_MS = 3_600_000;

interface CachedOutcome { outcome: SearchOutcome; generation: number; validUntil: number }

/**
 * The search index, held in this process. Terms are numbered by a hash dictionary; each term has a compact
 * posting list for metadata (which fields) and one for document text (3-bit BM25 impact); minisearch's radix
 * tree holds the words that completions and typo tolerance may lead to. Queries score into flat arrays, so a
 * word found in every document still costs well under a millisecond.
 */
export class MemorySearchIndex implements SearchIndex, TermSource {
  private dictionary = new TermDictionary();
  private metadata = new PostingStore(1 << 5);
  private text = new PostingStore(TEXT_BUCKETS);
  /** Words completions and typo tolerance may lead to: those in some metadata or in at least two texts. */
  private expandable = new SearchableMap<number>();
  private inExpandable = new Uint8Array(1 << 15);
  private expandableVersion = 0;

  // Per document, by number. Numbers only grow; removed documents are tombstones until compaction.
  private docs = 0;
  private dead = 0;
  private flags = new Uint8Array(0);
  private expires = new Float64Array(0);
  private freshAt = new Float64Array(0);
  private boost = new Float32Array(0);
  private browse = new Float32Array(0);
  private codeStart = new Int32Array(0);
  private facetCodeCount = new Uint8Array(0);
  private allCodeCount = new Uint8Array(0);
  private assetOf: string[] = [];
  private versionOf: string[] = [];
  private docsOf = new Map<string, number[]>();
  private fingerprints = new Map<string, string>();
  private usage = new Map<string, AssetUsage>();
  private boostsAt = 0;

  // Facet values as numbered codes; each document lists its codes in one shared pool.
  private codePool = new Int32Array(1 << 16);
  private codePoolEnd = 0;
  private codeOf = new Map<string, number>();
  private codeSlot: number[] = [];
  private codeValue: string[] = [];
  private codesOfSlot: number[][] = [...SEARCH_FACETS, 'tag'].map(() => []);
  /** Per facet value (tags excepted): the documents carrying it, 32 to a word. */
  private codeBits: Uint32Array[] = [];
  private bitWords = 0;
  private visibility: Partial<Record<'sales' | 'staff', { generation: number; until: number; bits: Uint32Array }>> = {};
  private tagBitsCache = new Map<number, { generation: number; bits: Uint32Array }>();

  private textWords = 0;
  private textDocs = 0;

  /** Postings of a bulk build not yet appended (see PostingBatch). */
  private staged: { metadata: PostingBatch; text: PostingBatch } | null = null;

  // Scratch for indexing.
  private tokenizer = new DocumentTokenizer(this.dictionary);
  private packed = new Int32Builder();

  // Scratch for queries, one slot per document; always left zeroed.
  private score = new Float32Array(0);
  private best = new Float32Array(0);
  private termScore = new Float32Array(0);
  private matchedWords = new Uint16Array(0);
  private typoWords = new Uint16Array(0);
  private metadataHit = new Uint8Array(0);
  private allTouched = new Int32Array(0);
  private wordTouched = new Int32Array(0);
  private termTouched = new Int32Array(0);
  private matchedBits = new Uint32Array(0);
  /**
   * Bitsets a query works with (filter masks, documents passing them, what facets are counted over), reused from
   * query to query: a dozen 12 KB buffers per query made the GC run every few queries. Handed out by scratchBits.
   */
  private scratch: Uint32Array[] = [];
  private scratchUsed = 0;
  private postingDocs = new Int32Array(1024);
  private postingPayloads = new Uint8Array(1024);

  private generation = 0;
  private results = new Map<string, CachedOutcome>();

  get size(): number {
    return this.docsOf.size;
  }

  /** Live documents (an asset counts twice while sales and staff see different versions). */
  get documents(): number {
    return this.docs - this.dead;
  }

  /** Distinct words known. */
  get terms(): number {
    return this.dictionary.size;
  }

  index(asset: IndexedAsset): void {
    this.removeDocuments(asset.id);
    this.docsOf.set(asset.id, documentsOf(asset).map(([version, audience]) => this.addDocument(asset, version, audience)));
    this.fingerprints.set(asset.id, asset.fingerprint);
    this.changed();
  }

  async indexMany(batches: AsyncIterable<IndexedAsset[]>): Promise<number> {
    let pool: TokenizerPool | null = null;
    const inFlight: { assets: IndexedAsset[]; tokenized: Promise<TokenizedDocuments> }[] = [];
    let count = 0;
    const applyOldest = async () => {
      const { assets, tokenized } = inFlight.shift()!;
      const { packed, translate } = await tokenized;
      let offset = 0;
      this.staged ??= { metadata: new PostingBatch(), text: new PostingBatch() };
      for (const asset of assets) {
        this.removeDocuments(asset.id);
        const numbers: number[] = [];
        for (const [version, audience] of documentsOf(asset)) {
          const doc = this.newDocument(asset, version, audience);
          offset = this.addTerms(doc, packed, offset, translate);
          numbers.push(doc);
        }
        this.docsOf.set(asset.id, numbers);
        this.fingerprints.set(asset.id, asset.fingerprint);
      }
      if (this.staged!.text.length + this.staged!.metadata.length > STAGED_POSTINGS) this.flushStaged();
    };
    try {
      for await (const batch of batches) {
        count += batch.length;
        // Threads pay off for a large build only; a small one (tests, a fresh install) runs right here.
        if (!pool && batch.length >= THREADED_BUILD_MIN_BATCH && BUILD_THREADS > 0) pool = new TokenizerPool(BUILD_THREADS, (term) => this.intern(term));
        if (!pool) {
          for (const asset of batch) this.index(asset);
          continue;
        }
        for (let i = 0; i < batch.length; i += THREAD_CHUNK) {
          const assets = batch.slice(i, i + THREAD_CHUNK);
          const documents = assets.flatMap((asset) => documentsOf(asset).map(([version]) => ({ metadata: metadataOf(asset, version), body: version })));
          inFlight.push({ assets, tokenized: pool.tokenize(documents, this.averageLength) });
          // Keep every thread busy while the main thread appends what came back.
          while (inFlight.length > pool.size * 2) await applyOldest();
        }
      }
      while (inFlight.length) await applyOldest();
      this.flushStaged();
      this.staged = null;
      this.compactIfWorthIt();
    } finally {
      // Batches still in the threads when a read failed: closing the pool rejects them, and nobody awaits them now.
      for (const { tokenized } of inFlight) tokenized.catch(() => {});
      this.staged = null;
      await pool?.close();
      this.changed();
    }
    return count;
  }

  remove(assetId: string): void {
    this.removeDocuments(assetId);
    this.fingerprints.delete(assetId);
    this.usage.delete(assetId);
    this.changed();
  }

  /** Drops everything held, as a new index would be (a restored snapshot that turned out mostly stale). */
  clear(): void {
    forgetPlans(this);
    // Every field back to its initial value, without a second list of them to keep in step.
    Object.assign(this, new MemorySearchIndex());
  }

  assetIds(): Iterable<string> {
    return this.docsOf.keys();
  }

  fingerprint(assetId: string): string | undefined {
    return this.fingerprints.get(assetId);
  }

  /**
   * Everything needed to restore this index: the posting pages and per-document arrays as they are (not copies,
   * so the caller writes them out before the index changes again), words, ids and facet values. Usage boosts are
   * left out: they are recomputed from usage figures at boot anyway.
   */
  snapshot(): SnapshotData {
    const metadata = this.metadata.saved();
    const text = this.text.saved();
    const docs = this.docs;
    return {
      meta: {
        docs, dead: this.dead, textWords: this.textWords, textDocs: this.textDocs, codeSlot: this.codeSlot, codeValue: this.codeValue,
        metadataPageEnd: metadata.pageEnd, metadataTerms: metadata.terms, textPageEnd: text.pageEnd, textTerms: text.terms,
      },
      arrays: {
        flags: this.flags.subarray(0, docs), expires: this.expires.subarray(0, docs), freshAt: this.freshAt.subarray(0, docs),
        codeStart: this.codeStart.subarray(0, docs), facetCodeCount: this.facetCodeCount.subarray(0, docs),
        allCodeCount: this.allCodeCount.subarray(0, docs), codePool: this.codePool.subarray(0, this.codePoolEnd),
        inExpandable: this.inExpandable.subarray(0, this.dictionary.size),
        metadataPages: metadata.pages, metadataState: metadata.state, metadataHeads: metadata.heads, metadataLevels: metadata.levels,
        textPages: text.pages, textState: text.state, textHeads: text.heads, textLevels: text.levels,
      },
      lines: {
        words: this.dictionary.text, assetOf: this.assetOf.slice(0, docs), versionOf: this.versionOf.slice(0, docs),
        fingerprintAssets: [...this.fingerprints.keys()], fingerprints: [...this.fingerprints.values()],
      },
    };
  }

  restore(data: SnapshotData): void {
    if (this.docs || this.dictionary.size) throw new Error('only an empty index can be restored');
    // Everything is checked before anything changes, so a snapshot that does not fit leaves this index empty.
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
    const postings = (store: 'metadata' | 'text') => PostingStore.restored(this[store].payloadRange, {
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

    for (const word of words) {
      const [h1, h2] = termHashes(word);
      this.dictionary.add(h1, h2, word);
    }
    this.termsAdded();
    for (let term = 0; term < words.length; term++) if (inExpandable[term]) this.makeExpandable(term);
    this.metadata = metadata;
    this.text = text;
    this.growDocuments(Math.max(1024, docs));
    this.docs = docs;
    this.dead = meta.dead as number;
    this.textWords = meta.textWords as number;
    this.textDocs = meta.textDocs as number;
    this.flags.set(perDocument.flags);
    this.expires.set(perDocument.expires);
    this.freshAt.set(perDocument.freshAt);
    this.codeStart.set(perDocument.codeStart);
    this.facetCodeCount.set(perDocument.facetCodeCount);
    this.allCodeCount.set(perDocument.allCodeCount);
    this.codePool = new Int32Array(Math.max(1 << 16, codePool.length * 2));
    this.codePool.set(codePool);
    this.codePoolEnd = codePool.length;
    codeSlot.forEach((slot, i) => this.code(slot, codeValue[i]!));
    this.assetOf = assetOf;
    this.versionOf = versionOf;
    for (let doc = 0; doc < docs; doc++) {
      this.setCodeBits(doc);
      if (!this.flags[doc]) continue;
      const assetId = assetOf[doc]!;
      const numbers = this.docsOf.get(assetId);
      if (numbers) numbers.push(doc);
      else this.docsOf.set(assetId, [doc]);
    }
    fingerprintAssets.forEach((assetId, i) => this.fingerprints.set(assetId, fingerprints[i]!));
    this.refreshBoosts();
    this.changed();
  }

  setUsage(usage: Map<string, AssetUsage>): void {
    for (const [assetId, figures] of usage) {
      if (figures.decayed <= 0 && figures.last30Days <= 0 && figures.people30Days <= 0) this.usage.delete(assetId);
      else this.usage.set(assetId, figures);
    }
    const now = Date.now();
    if (now - this.boostsAt > BOOST_REFRESH_MS) this.refreshBoosts(now);
    else for (const assetId of usage.keys()) for (const doc of this.docsOf.get(assetId) ?? []) this.setBoost(doc, now);
    this.changed();
  }

  /** Recomputes every document's usage and freshness multipliers (freshness drifts with time). */
  refreshBoosts(now = Date.now()): void {
    for (let doc = 0; doc < this.docs; doc++) if (this.flags[doc]) this.setBoost(doc, now);
    this.boostsAt = now;
  }

  query(request: SearchRequest): SearchOutcome {
    const key = cacheKey(request);
    const cached = this.results.get(key);
    if (cached && cached.generation === this.generation && request.now < cached.validUntil) {
      // Refresh its place in the LRU order.
      this.results.delete(key);
      this.results.set(key, cached);
      return cached.outcome;
    }
    const outcome = request.query.words.length ? this.search(request) : this.browseAll(request);
    this.results.set(key, { outcome, generation: this.generation, validUntil: Math.min(request.now + RESULT_CACHE_MS, this.nextExpiry(request.now)) });
    if (this.results.size > RESULT_CACHE_SIZE) this.results.delete(this.results.keys().next().value!);
    return outcome;
  }

  /** Forgets cached results and query plans, so the next query does all the work (benchmarks). */
  clearCaches(): void {
    this.results.clear();
    forgetPlans(this);
  }

  // --- TermSource, for the query planner ---

  find(term: string): number {
    return this.dictionary.find(term);
  }

  termText(term: number): string {
    return this.dictionary.text[term]!;
  }

  /** Documents a term is in (tombstones included: close enough for planning and idf). */
  frequency(term: number): number {
    return Math.max(this.metadata.count(term), this.text.count(term));
  }

  postings(term: number): number {
    return this.metadata.count(term) + this.text.count(term);
  }

  completions(prefix: string): number[] {
    const out: number[] = [];
    for (const term of this.expandable.atPrefix(prefix).values()) out.push(term);
    return out;
  }

  typoNeighbours(word: string, distance: number): [number, number][] {
    const found = new Map<number, number>();
    for (const [term, edits] of this.expandable.fuzzyGet(word, distance).values()) found.set(term, edits);
    if ([...found.values()].some((edits) => edits > 0)) return [...found];
    // Two letters swapped ("secruity") is one typo as people make them; Levenshtein counts two. Tried only when
    // plain edits found nothing: it costs a lookup per letter.
    for (let i = 0; i + 1 < word.length; i++) {
      if (word[i] === word[i + 1]) continue;
      const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      const rest = distance - 1;
      const near: [number, number][] = rest === 0
        ? (this.expandable.has(swapped) ? [[this.expandable.get(swapped)!, 0]] : [])
        : [...this.expandable.fuzzyGet(swapped, rest).values()];
      for (const [term, edits] of near) if ((found.get(term) ?? Infinity) > edits + 1) found.set(term, edits + 1);
    }
    return [...found];
  }

  get vocabularyVersion(): number {
    return this.expandableVersion;
  }

  get documentCount(): number {
    return this.documents;
  }

  // --- Indexing ---

  private changed() {
    this.generation++;
  }

  private removeDocuments(assetId: string) {
    const numbers = this.docsOf.get(assetId);
    if (!numbers) return;
    for (const doc of numbers) {
      this.flags[doc] = 0;
      this.dead++;
    }
    this.docsOf.delete(assetId);
    // Not while a bulk build stages postings: they hold document numbers compaction would change.
    if (!this.staged) this.compactIfWorthIt();
  }

  private compactIfWorthIt() {
    if (this.dead > COMPACT_MIN && this.dead > this.docs * COMPACT_SHARE) this.compact();
  }

  /** A new document for one version of an asset: flags, facet codes and boost; its terms come after. */
  private newDocument(asset: IndexedAsset, version: IndexedVersion, audience: number): number {
    const doc = this.docs++;
    if (doc >= this.flags.length) this.growDocuments(Math.max(1024, this.flags.length * 2));
    this.flags[doc] = ALIVE | audience;
    this.expires[doc] = asset.expiresAt ?? 0;
    this.freshAt[doc] = asset.freshAt;
    this.assetOf[doc] = asset.id;
    this.versionOf[doc] = version.id;
    this.addCodes(doc, asset);
    this.setBoost(doc, Date.now());
    return doc;
  }

  private addDocument(asset: IndexedAsset, version: IndexedVersion, audience: number): number {
    const doc = this.newDocument(asset, version, audience);
    this.tokenizer.tokenize(metadataOf(asset, version), version, this.packed, this.averageLength);
    this.termsAdded();
    this.addTerms(doc, this.packed.data, 0, null);
    this.packed.length = 0;
    return doc;
  }

  /**
   * Appends a document's packed terms (see document-tokens.ts) to the posting lists; `translate` maps a
   * tokenizer thread's term numbers to ours. Returns the offset after the document.
   */
  private addTerms(doc: number, packed: Int32Array, offset: number, translate: Int32Array | null): number {
    const staged = this.staged;
    const metadataTerms = packed[offset++]!;
    for (let i = 0; i < metadataTerms; i++) {
      const local = packed[offset++]!;
      const term = translate ? translate[local]! : local;
      const fields = packed[offset++]!;
      if (staged) staged.metadata.add(term, doc, fields);
      else {
        this.metadata.append(term, doc, fields);
        if (!this.inExpandable[term]) this.makeExpandable(term);
      }
    }
    const words = packed[offset++]!;
    const textTerms = packed[offset++]!;
    if (words > 0) {
      this.textWords += words;
      this.textDocs++;
    }
    const store = this.text;
    for (let i = 0; i < textTerms; i++) {
      const local = packed[offset++]!;
      const term = translate ? translate[local]! : local;
      const impact = packed[offset++]!;
      if (staged) staged.text.add(term, doc, impact);
      else {
        store.append(term, doc, impact);
        if (store.count(term) === 2 && !this.inExpandable[term]) this.makeExpandable(term);
      }
    }
    return offset;
  }

  /** Appends the staged postings of a bulk build, term by term. */
  private flushStaged() {
    const staged = this.staged;
    if (!staged) return;
    staged.metadata.flushInto(this.metadata, this.dictionary.size, (term) => { if (!this.inExpandable[term]) this.makeExpandable(term); });
    staged.text.flushInto(this.text, this.dictionary.size, (term) => {
      if (!this.inExpandable[term] && this.text.count(term) >= 2) this.makeExpandable(term);
    });
  }

  /** Average text length in words, for BM25's length normalisation (a guess until texts arrive). */
  private get averageLength(): number {
    return this.textDocs ? Math.max(100, this.textWords / this.textDocs) : 1000;
  }

  /** The index's number for a folded word, adding it when new (for words tokenizer threads found). */
  private intern(term: string): number {
    let id = this.dictionary.find(term);
    if (id < 0) {
      const [h1, h2] = termHashes(term);
      id = this.dictionary.add(h1, h2, term);
      this.termsAdded();
    }
    return id;
  }

  private termsAdded() {
    if (this.dictionary.size <= this.inExpandable.length) return;
    let size = this.inExpandable.length * 2;
    while (size < this.dictionary.size) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.inExpandable);
    this.inExpandable = grown;
  }

  private makeExpandable(term: number) {
    if (this.inExpandable[term]) return;
    this.inExpandable[term] = 1;
    this.expandable.set(this.dictionary.text[term]!, term);
    this.expandableVersion++;
  }

  private addCodes(doc: number, asset: IndexedAsset) {
    const values: [number, string][] = asset.terms.filter((t) => t.facet in SLOT_OF).map((t) => [SLOT_OF[t.facet]!, t.slug]);
    values.push([SLOT_OF.kind!, asset.kind]);
    const facetCount = values.length;
    for (const tag of asset.tags) values.push([TAG_SLOT, tag]);
    if (this.codePoolEnd + values.length > this.codePool.length) {
      const grown = new Int32Array(Math.max(this.codePool.length * 2, this.codePoolEnd + values.length));
      grown.set(this.codePool);
      this.codePool = grown;
    }
    this.codeStart[doc] = this.codePoolEnd;
    this.facetCodeCount[doc] = Math.min(255, facetCount);
    this.allCodeCount[doc] = Math.min(255, values.length);
    for (const [slot, value] of values.slice(0, 255)) this.codePool[this.codePoolEnd++] = this.code(slot, value);
    this.setCodeBits(doc);
  }

  private setCodeBits(doc: number) {
    const start = this.codeStart[doc]!;
    for (let c = start; c < start + this.facetCodeCount[doc]!; c++) this.codeBits[this.codePool[c]!]![doc >>> 5]! |= 1 << (doc & 31);
  }

  private code(slot: number, value: string): number {
    const key = `${slot}:${value}`;
    let code = this.codeOf.get(key);
    if (code === undefined) {
      code = this.codeValue.length;
      this.codeOf.set(key, code);
      this.codeSlot.push(slot);
      if (slot !== TAG_SLOT) this.codeBits[code] = new Uint32Array(this.bitWords);
      this.codeValue.push(value);
      this.codesOfSlot[slot]!.push(code);
    }
    return code;
  }

  private setBoost(doc: number, now: number) {
    const figures = this.usage.get(this.assetOf[doc]!);
    const decayed = figures?.decayed ?? 0;
    this.boost[doc] = usageBoost(decayed) * freshnessBoost(this.freshAt[doc]!, now);
    this.browse[doc] = browseScore(decayed, this.freshAt[doc]!, now);
  }

  private growDocuments(size: number) {
    const grow = <T extends Uint8Array | Uint16Array | Int32Array | Float32Array | Float64Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(size);
      next.set(old.subarray(0, Math.min(old.length, size)));
      return next;
    };
    this.flags = grow(this.flags);
    this.expires = grow(this.expires);
    this.freshAt = grow(this.freshAt);
    this.boost = grow(this.boost);
    this.browse = grow(this.browse);
    this.codeStart = grow(this.codeStart);
    this.facetCodeCount = grow(this.facetCodeCount);
    this.allCodeCount = grow(this.allCodeCount);
    this.score = new Float32Array(size);
    this.best = new Float32Array(size);
    this.termScore = new Float32Array(size);
    this.matchedWords = new Uint16Array(size);
    this.typoWords = new Uint16Array(size);
    this.metadataHit = new Uint8Array(size);
    this.allTouched = new Int32Array(size);
    this.wordTouched = new Int32Array(size);
    this.termTouched = new Int32Array(size);
    this.bitWords = Math.ceil(size / 32);
    this.matchedBits = new Uint32Array(this.bitWords);
    this.scratch = [];
    this.codeBits = this.codeBits.map((bits) => {
      if (!bits) return bits;
      const grown = new Uint32Array(this.bitWords);
      grown.set(bits.subarray(0, Math.min(bits.length, this.bitWords)));
      return grown;
    });
  }

  /** Drops tombstones: renumbers live documents and rewrites the posting lists without the dead ones. */
  compact(): void {
    const renumber = new Int32Array(this.docs).fill(-1);
    let live = 0;
    for (let doc = 0; doc < this.docs; doc++) if (this.flags[doc]) renumber[doc] = live++;
    this.metadata = this.metadata.compacted(this.dictionary.size, renumber);
    this.text = this.text.compacted(this.dictionary.size, renumber);
    const pool = new Int32Array(Math.max(1 << 16, this.codePoolEnd));
    let poolEnd = 0;
    for (let doc = 0; doc < this.docs; doc++) {
      const to = renumber[doc]!;
      if (to < 0) continue;
      const start = this.codeStart[doc]!;
      const count = this.allCodeCount[doc]!;
      pool.set(this.codePool.subarray(start, start + count), poolEnd);
      this.codeStart[to] = poolEnd;
      poolEnd += count;
      this.flags[to] = this.flags[doc]!;
      this.expires[to] = this.expires[doc]!;
      this.freshAt[to] = this.freshAt[doc]!;
      this.boost[to] = this.boost[doc]!;
      this.browse[to] = this.browse[doc]!;
      this.facetCodeCount[to] = this.facetCodeCount[doc]!;
      this.allCodeCount[to] = count;
      this.assetOf[to] = this.assetOf[doc]!;
      this.versionOf[to] = this.versionOf[doc]!;
    }
    this.flags.fill(0, live);
    this.assetOf.length = live;
    this.versionOf.length = live;
    this.codePool = pool;
    this.codePoolEnd = poolEnd;
    for (const [assetId, numbers] of this.docsOf) this.docsOf.set(assetId, numbers.map((n) => renumber[n]!));
    this.docs = live;
    this.dead = 0;
    for (const bits of this.codeBits) bits?.fill(0);
    for (let doc = 0; doc < live; doc++) this.setCodeBits(doc);
    this.changed();
  }

  // --- Querying ---

  /**
   * Bitset words that hold documents. Bitsets are sized to the document arrays' capacity, which is up to twice the
   * documents; loops over bitsets stop here (words past it are always zero).
   */
  private get liveWords(): number {
    return (this.docs + 31) >>> 5;
  }

  /** When the first sales-visible asset expires, after `now` (cached results are valid until then). */
  private nextExpiry(now: number): number {
    return this.visibleTo('sales', now).until;
  }

  /**
   * Documents the audience may see now, as a bitset: live, meant for this audience and, for sales, not expired.
   * Kept until the index changes or the next expiry passes, so expiry needs no write and no timer.
   */
  private visibleTo(audience: 'sales' | 'staff', now: number): { bits: Uint32Array; until: number } {
    const cached = this.visibility[audience];
    if (cached && cached.generation === this.generation && now < cached.until) return cached;
    const need = ALIVE | (audience === 'sales' ? FOR_SALES : FOR_STAFF);
    const bits = new Uint32Array(this.bitWords);
    let until = Infinity;
    for (let doc = 0; doc < this.docs; doc++) {
      if ((this.flags[doc]! & need) !== need) continue;
      const expires = this.expires[doc]!;
      if (audience === 'sales' && expires !== 0) {
        if (!unexpired(expires, now)) continue;
        if (expires < until) until = expires;
      }
      bits[doc >>> 5]! |= 1 << (doc & 31);
    }
    const entry = { generation: this.generation, until, bits };
    this.visibility[audience] = entry;
    return entry;
  }

  private search(request: SearchRequest): SearchOutcome {
    const plan = planQuery(request.query.words, this, request.completeAll);
    const need = ALIVE | (request.audience === 'sales' ? FOR_SALES : FOR_STAFF);
    const documents = Math.max(1, this.documents);
    let touched = 0;
    let strongBits = 0;
    // Qualifiers ("2" in "SOC 2") find documents only when no other word can; otherwise, like weak words (in most
    // documents), they only add to documents other words found.
    const finders = plan.some((w) => !w.qualifier && !w.weak && w.expansions.length > 0);
    const addsOnly = (word: PlannedWord) => word.weak || (word.qualifier && finders);
    // Words that decide which documents match first, then those that only add score.
    const ordered = [...plan.entries()].sort(([, a], [, b]) => Number(addsOnly(a)) - Number(addsOnly(b)));
    for (const [position, word] of ordered) {
      if (word.expansions.length === 0) continue;
      if (!word.weak) strongBits |= 1 << position;
      touched = this.scoreWord(word, 1 << position, need, documents, touched, addsOnly(word));
    }
    // The words a hit must match to match "all the words": every one but the qualifiers, unless there are only those.
    let requiredBits = 0;
    plan.forEach((word, position) => { if (!word.qualifier) requiredBits |= 1 << position; });
    if (requiredBits === 0) requiredBits = (1 << plan.length) - 1;
    return this.collect(request, touched, strongBits, requiredBits, plan);
  }

  /**
   * Adds one query word's score to the documents it occurs in, counting each document once, by its best form
   * (as typed, completed or corrected). Returns how many documents are now in allTouched.
   */
  private scoreWord(word: PlannedWord, bit: number, need: number, documents: number, touchedCount: number, onlyMatched: boolean): number {
    const flags = this.flags;
    const matched = this.matchedWords;
    const score = this.score;
    const best = this.best;
    const termScore = this.termScore;
    const metadataHit = this.metadataHit;
    const allTouched = this.allTouched;
    const wordTouched = this.wordTouched;
    const metadataDocs = this.termTouched;
    const typos = this.typoWords;
    // A qualifier's postings in texts are page numbers and list markers (see isQualifier): not read at all.
    const inTexts = !word.qualifier;
    // One form: straight into the score. Several: the best per document first, then into the score.
    const single = word.expansions.length === 1;
    let touched = touchedCount;
    let wordCount = 0;
    for (const { term, weight, typo } of word.expansions) {
      const capacity = Math.max(this.metadata.count(term), inTexts ? this.text.count(term) : 0);
      if (capacity > this.postingDocs.length) {
        this.postingDocs = new Int32Array(capacity * 2);
        this.postingPayloads = new Uint8Array(capacity * 2);
      }
      const docs = this.postingDocs;
      const payloads = this.postingPayloads;
      // Metadata first (short lists), parked in termScore until the text list adds its part.
      // One idf per word, from the documents holding it anywhere: a word rare in texts but common in titles is common.
      const termIdf = idf(this.frequency(term), documents);
      const inMetadata = this.metadata.read(term, docs, payloads);
      let metadataCount = 0;
      if (inMetadata > 0) {
        const scale = weight * termIdf;
        for (let i = 0; i < inMetadata; i++) {
          const doc = docs[i]!;
          if ((flags[doc]! & need) !== need || (onlyMatched && matched[doc] === 0)) continue;
          termScore[doc] = scale * METADATA_WEIGHT[payloads[i]!]!;
          metadataHit[doc] = 1;
          metadataDocs[metadataCount++] = doc;
        }
      }
      const inText = inTexts ? this.text.read(term, docs, payloads) : 0;
      const scale = weight * termIdf;
      // Each document's score for this form: its text part plus any parked metadata part (then marked -1,
      // so the metadata-only pass after skips it). Simple counted loops, one per case: this is the hot path.
      if (single) {
        for (let i = 0; i < inText; i++) {
          const doc = docs[i]!;
          if ((flags[doc]! & need) !== need || (onlyMatched && matched[doc] === 0)) continue;
          const parked = termScore[doc]!;
          if (parked !== 0) termScore[doc] = -1;
          if (matched[doc] === 0) allTouched[touched++] = doc;
          matched[doc]! |= bit;
          if (typo) typos[doc]! |= bit;
          score[doc]! += scale * TEXT_WEIGHT[payloads[i]!]! + parked;
        }
      } else {
        for (let i = 0; i < inText; i++) {
          const doc = docs[i]!;
          if ((flags[doc]! & need) !== need || (onlyMatched && matched[doc] === 0)) continue;
          const parked = termScore[doc]!;
          if (parked !== 0) termScore[doc] = -1;
          const value = scale * TEXT_WEIGHT[payloads[i]!]! + parked;
          const previous = best[doc]!;
          if (previous === 0) {
            wordTouched[wordCount++] = doc;
            best[doc] = value;
            if (typo) typos[doc]! |= bit;
          } else if (value > previous && !typo) best[doc] = value;
        }
      }
      for (let m = 0; m < metadataCount; m++) {
        const doc = metadataDocs[m]!;
        const value = termScore[doc]!;
        termScore[doc] = 0;
        if (value < 0) continue;
        if (single) {
          if (matched[doc] === 0) allTouched[touched++] = doc;
          matched[doc]! |= bit;
          if (typo) typos[doc]! |= bit;
          score[doc]! += value;
        } else {
          const previous = best[doc]!;
          if (previous === 0) {
            wordTouched[wordCount++] = doc;
            best[doc] = value;
            if (typo) typos[doc]! |= bit;
          } else if (value > previous && !typo) best[doc] = value;
        }
      }
    }
    for (let i = 0; i < wordCount; i++) {
      const doc = wordTouched[i]!;
      if (matched[doc] === 0) allTouched[touched++] = doc;
      matched[doc]! |= bit;
      score[doc]! += best[doc]!;
      best[doc] = 0;
    }
    return touched;
  }

  /** Applies visibility, expiry and filters to the matched documents; counts facets; keeps the best page. */
  private collect(request: SearchRequest, touchedCount: number, strongBits: number, requiredBits: number, plan: PlannedWord[]): SearchOutcome {
    this.scratchUsed = 0;
    const filter = this.compileFilters(request);
    const page = new TopDocuments(request.offset + request.limit);
    const pass = filter.pass;
    const touched = this.allTouched;
    const matchedWords = this.matchedWords;
    const typoWords = this.typoWords;
    const score = this.score;
    const boost = this.boost;
    // Scratch, not a new array per query: tens of kilobytes of buffers per query made the GC run every few queries.
    const matched = this.matchedBits;
    let total = 0;
    let partial = 0;
    for (let i = 0; i < touchedCount; i++) {
      const doc = touched[i]!;
      const bit = 1 << (doc & 31);
      matched[doc >>> 5]! |= bit;
      if ((pass[doc >>> 5]! & bit) === 0) continue;
      total++;
      // Every word first; then more of the words; among those, fewer found only through a typo.
      const all = (matchedWords[doc]! & requiredBits) === requiredBits;
      if (!all) partial++;
      const tier = popcount(matchedWords[doc]! & strongBits) * (MAX_QUERY_WORDS + 1) + MAX_QUERY_WORDS - popcount(typoWords[doc]! & strongBits);
      page.offer((all ? ALL_WORDS_TIER : 0) + tier * TIER + Math.min(score[doc]! * boost[doc]!, TIER - 1), doc);
    }
    const counts = this.facetCounts(filter, matched, touchedCount < this.liveWords * 2 ? touched.subarray(0, touchedCount) : null);
    const hits = page.sorted().slice(request.offset).map(([key, doc]) => this.hit(doc, key % TIER, this.metadataHit[doc] ? 'metadata' : 'text', key >= ALL_WORDS_TIER));
    if (touchedCount > this.docs >>> 3) {
      // Most documents matched (a very common word): clearing whole arrays is a few memsets, not scattered writes.
      matched.fill(0, 0, this.liveWords);
      score.fill(0, 0, this.docs);
      matchedWords.fill(0, 0, this.docs);
      typoWords.fill(0, 0, this.docs);
      this.metadataHit.fill(0, 0, this.docs);
    } else {
      for (let i = 0; i < touchedCount; i++) {
        const doc = touched[i]!;
        matched[doc >>> 5] = 0;
        score[doc] = 0;
        matchedWords[doc] = 0;
        typoWords[doc] = 0;
        this.metadataHit[doc] = 0;
      }
    }
    return {
      total, partialCount: partial, hits, facets: counts,
      matched: plan.map((word) => ({ word: word.text, terms: word.expansions.map((e) => this.dictionary.text[e.term]!) })),
    };
  }

  private browseAll(request: SearchRequest): SearchOutcome {
    this.scratchUsed = 0;
    const filter = this.compileFilters(request);
    const page = new TopDocuments(request.offset + request.limit);
    let total = 0;
    const pass = filter.pass;
    for (let w = 0; w < pass.length; w++) {
      for (let bits = pass[w]!; bits !== 0; bits &= bits - 1) {
        const doc = (w << 5) + (31 - Math.clz32(bits & -bits));
        total++;
        page.offer(this.browse[doc]!, doc);
      }
    }
    const counts = this.facetCounts(filter, null, null);
    const hits = page.sorted().slice(request.offset).map(([key, doc]) => this.hit(doc, key, null, true));
    return { total, partialCount: 0, hits, facets: counts, matched: [] };
  }

  private hit(doc: number, score: number, matchedIn: SearchHit['matchedIn'], matchesAll: boolean): SearchHit {
    return {
      assetId: this.assetOf[doc]!,
      versionId: this.versionOf[doc]!,
      score: Math.round(score * 1000) / 1000,
      matchedIn,
      matchesAll,
      usage: this.usage.get(this.assetOf[doc]!) ?? NO_USAGE,
    };
  }

  /**
   * The request's filters as bitsets: `pass` holds the visible documents passing all of them; for a filtered
   * facet, `except[slot]` the visible documents passing all the others (its values are counted against that).
   */
  private compileFilters(request: SearchRequest): CompiledFilter {
    const words = this.liveWords;
    const visible = this.visibleTo(request.audience, request.now).bits;
    const masks: (Uint32Array | undefined)[] = [];
    const selected: Set<string>[] = [...SEARCH_FACETS, 'tag'].map(() => new Set());
    for (const [facet, values] of Object.entries(request.filters)) {
      if (!values?.length) continue;
      const slot = SLOT_OF[facet]!;
      const mask = this.scratchBits().fill(0);
      for (const value of values) {
        selected[slot]!.add(value);
        const code = this.codeOf.get(`${slot}:${value}`);
        if (code === undefined) continue;
        const bits = slot === TAG_SLOT ? this.tagBits(code) : this.codeBits[code]!;
        for (let w = 0; w < words; w++) mask[w]! |= bits[w]!;
      }
      masks[slot] = mask;
    }
    const active = masks.flatMap((mask, slot) => (mask ? [slot] : []));
    const allBut = (skip: number) => {
      const out = this.scratchBits();
      out.set(visible.subarray(0, words));
      for (const slot of active) {
        if (slot === skip) continue;
        const mask = masks[slot]!;
        for (let w = 0; w < words; w++) out[w]! &= mask[w]!;
      }
      return out;
    };
    const except: (Uint32Array | undefined)[] = [];
    for (const slot of active) if (slot !== TAG_SLOT) except[slot] = allBut(slot);
    // Without filters every visible document passes: the cached bitset itself, which nothing writes to.
    return { pass: active.length ? allBut(-1) : visible, except, selected };
  }

  /** A bitset for the current query, with whatever a previous query left in it. */
  private scratchBits(): Uint32Array {
    return this.scratch[this.scratchUsed++] ??= new Uint32Array(this.bitWords);
  }

  /** Documents carrying a tag, worked out when a search filters on it (tags are too many to keep bitsets for). */
  private tagBits(code: number): Uint32Array {
    const cached = this.tagBitsCache.get(code);
    if (cached && cached.generation === this.generation) return cached.bits;
    const bits = new Uint32Array(this.bitWords);
    for (let doc = 0; doc < this.docs; doc++) {
      const start = this.codeStart[doc]!;
      for (let c = start + this.facetCodeCount[doc]!; c < start + this.allCodeCount[doc]!; c++) {
        if (this.codePool[c] === code) bits[doc >>> 5]! |= 1 << (doc & 31);
      }
    }
    if (this.tagBitsCache.size > 100) this.tagBitsCache.clear();
    this.tagBitsCache.set(code, { generation: this.generation, bits });
    return bits;
  }

  /**
   * Facet value counts over the matched documents (`matched` null: all), each facet against the documents passing
   * the other facets' filters. A few matches are counted one by one; many, a bitset word (32 documents) at a time.
   */
  private facetCounts(filter: CompiledFilter, matched: Uint32Array | null, few: Int32Array | null): Record<SearchFacet, FacetCount[]> {
    const words = this.liveWords;
    const counts = new Int32Array(this.codeValue.length);
    if (few) {
      for (let i = 0; i < few.length; i++) {
        const doc = few[i]!;
        const word = doc >>> 5;
        const bit = 1 << (doc & 31);
        const passes = (filter.pass[word]! & bit) !== 0;
        const start = this.codeStart[doc]!;
        const end = start + this.facetCodeCount[doc]!;
        for (let c = start; c < end; c++) {
          const code = this.codePool[c]!;
          const except = filter.except[this.codeSlot[code]!];
          if (except ? (except[word]! & bit) !== 0 : passes) counts[code]!++;
        }
      }
    } else {
      // The matched documents each facet is counted over, worked out once per distinct base: unfiltered facets
      // share one. Each value then costs one AND and popcount per bitset word.
      const counted = new Map<Uint32Array, Uint32Array>();
      SEARCH_FACETS.forEach((_, slot) => {
        const base = filter.except[slot] ?? filter.pass;
        let over = counted.get(base);
        if (!over) {
          over = base;
          if (matched) {
            over = this.scratchBits();
            for (let w = 0; w < words; w++) over[w] = base[w]! & matched[w]!;
          }
          counted.set(base, over);
        }
        for (const code of this.codesOfSlot[slot]!) {
          const bits = this.codeBits[code]!;
          let n = 0;
          for (let w = 0; w < words; w++) n += popcount(over[w]! & bits[w]!);
          counts[code] = n;
        }
      });
    }
    const out = {} as Record<SearchFacet, FacetCount[]>;
    SEARCH_FACETS.forEach((facet, slot) => {
      const values: FacetCount[] = [];
      const listed = new Set<string>();
      for (const code of this.codesOfSlot[slot]!) {
        if (counts[code]! > 0 || filter.selected[slot]!.has(this.codeValue[code]!)) {
          values.push({ value: this.codeValue[code]!, count: counts[code]! });
          listed.add(this.codeValue[code]!);
        }
      }
      // A selected value no document has (yet) still shows, with 0, so the UI can untick it.
      for (const value of filter.selected[slot]!) if (!listed.has(value)) values.push({ value, count: 0 });
      values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
      out[facet] = values;
    });
    return out;
  }
}

interface CompiledFilter {
  /** Visible documents passing every filter. */
  pass: Uint32Array;
  /** Per filtered facet: visible documents passing every other filter. */
  except: (Uint32Array | undefined)[];
  selected: Set<string>[];
}

/**
 * The documents of an asset: one when sales and staff see the same version, two while a newer version waits
 * for review (sales keep matching the approved text and file name).
 */
function documentsOf(asset: IndexedAsset): [IndexedVersion, number][] {
  const staff = asset.staffVersion;
  const sales = asset.salesVersion;
  if (sales && sales.id === staff.id) return [[staff, FOR_SALES | FOR_STAFF]];
  return sales ? [[staff, FOR_STAFF], [sales, FOR_SALES]] : [[staff, FOR_STAFF]];
}

/** The metadata fields of a document as [field bit, text] pairs. */
function metadataOf(asset: IndexedAsset, version: IndexedVersion): [number, string][] {
  return [
    [FIELD.title, asset.title],
    [FIELD.tags, asset.tags.join('\n')],
    [FIELD.labels, asset.terms.map((t) => t.label).join('\n')],
    [FIELD.filename, version.filename],
    [FIELD.description, asset.description],
  ];
}

function popcount(bits: number): number {
  let x = bits - ((bits >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function cacheKey(request: SearchRequest): string {
  const filters = Object.entries(request.filters).filter(([, v]) => v?.length).map(([k, v]) => `${k}=${[...v!].sort().join(',')}`).sort().join('&');
  const words = request.query.words.map((w) => `${w.exact ? '"' : ''}${w.text}${w.prefix ? '*' : ''}`).join(' ');
  return `${request.audience}|${request.offset}|${request.limit}|${request.completeAll ? 'all' : ''}|${filters}|${words}`;
}

/** The k best (key, document) pairs seen, as a min-heap; ties go to the newer document. */
class TopDocuments {
  private keys: Float64Array;
  private docs: Int32Array;
  private size = 0;
  constructor(private capacity: number) {
    this.keys = new Float64Array(capacity);
    this.docs = new Int32Array(capacity);
  }

  private less(i: number, j: number) {
    return this.keys[i]! < this.keys[j]! || (this.keys[i] === this.keys[j] && this.docs[i]! < this.docs[j]!);
  }

  offer(key: number, doc: number) {
    if (this.size < this.capacity) {
      let i = this.size++;
      this.keys[i] = key;
      this.docs[i] = doc;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.less(i, parent)) break;
        this.swap(i, parent);
        i = parent;
      }
      return;
    }
    if (this.capacity === 0 || key < this.keys[0]! || (key === this.keys[0] && doc < this.docs[0]!)) return;
    this.keys[0] = key;
    this.docs[0] = doc;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < this.size && this.less(left, smallest)) smallest = left;
      if (right < this.size && this.less(right, smallest)) smallest = right;
      if (smallest === i) break;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(i: number, j: number) {
    const key = this.keys[i]!; this.keys[i] = this.keys[j]!; this.keys[j] = key;
    const doc = this.docs[i]!; this.docs[i] = this.docs[j]!; this.docs[j] = doc;
  }

  /** Best first. */
  sorted(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.size; i++) out.push([this.keys[i]!, this.docs[i]!]);
    return out.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  }
}
