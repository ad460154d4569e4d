// The search index held in this process: documents (one per version an audience sees), their posting lists and
// the query path that scores them. Facet filters and counts are in facet-bitsets.ts, the best-page heap in
// top-k.ts, the snapshot format in index-snapshot.ts.
import os from 'node:os';
import SearchableMap from 'minisearch/SearchableMap';
import { TermDictionary } from './dictionary.ts';
import { FacetBitsets, liveWords, popcount, type CompiledFilter } from './facet-bitsets.ts';
import type { AssetUsage, IndexedAsset, IndexedVersion, SearchHit, SearchIndex, SearchOutcome, SearchRequest } from './index.ts';
import { savedIndex, snapshotData } from './index-snapshot.ts';
import { PostingBatch, PostingStore } from './postings.ts';
import { MAX_QUERY_WORDS } from './query-parser.ts';
import { forgetPlans, planQuery, type PlannedWord, type TermSource } from './query-plan.ts';
import { browseScore, FIELD, freshnessBoost, idf, METADATA_WEIGHT, TEXT_BUCKETS, TEXT_WEIGHT, usageBoost } from './ranking.ts';
import { DocumentTokenizer, Int32Builder } from './document-tokens.ts';
import type { SnapshotData } from './snapshot-file.ts';
import { unexpired } from '../access/visibility.ts';
import { termHashes } from './text.ts';
import { TokenizerPool, type TokenizedDocuments } from './tokenizer-pool.ts';
import { TopDocuments } from './top-k.ts';

// Document flags. One document per asset when sales and staff see the same version, two while a newer
// version waits for review (sales keep matching the approved text and file name).
const ALIVE = 1;
const FOR_SALES = 2;
const FOR_STAFF = 4;

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
  private assetOf: string[] = [];
  private versionOf: string[] = [];
  private docsOf = new Map<string, number[]>();
  private fingerprints = new Map<string, string>();
  private usage = new Map<string, AssetUsage>();
  private boostsAt = 0;

  /** Each document's facet values and tags, as codes and bitsets for filtering and counting. */
  private facets = new FacetBitsets();
  private bitWords = 0;
  private visibility: Partial<Record<'sales' | 'staff', { generation: number; until: number; bits: Uint32Array }>> = {};

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
   * so the caller writes them out before the index changes again), words, ids and facet values.
   */
  snapshot(): SnapshotData {
    const docs = this.docs;
    return snapshotData({
      docs, dead: this.dead, textWords: this.textWords, textDocs: this.textDocs,
      words: this.dictionary.text, inExpandable: this.inExpandable.subarray(0, this.dictionary.size),
      metadata: this.metadata, text: this.text,
      flags: this.flags.subarray(0, docs), expires: this.expires.subarray(0, docs), freshAt: this.freshAt.subarray(0, docs),
      facets: this.facets.saved(docs),
      assetOf: this.assetOf.slice(0, docs), versionOf: this.versionOf.slice(0, docs), fingerprints: this.fingerprints,
    });
  }

  restore(data: SnapshotData): void {
    if (this.docs || this.dictionary.size) throw new Error('only an empty index can be restored');
    // Everything is checked before anything changes, so a snapshot that does not fit leaves this index empty.
    const saved = savedIndex(data, { metadata: this.metadata.payloadRange, text: this.text.payloadRange });
    const { docs, words, inExpandable, assetOf } = saved;
    for (const word of words) {
      const [h1, h2] = termHashes(word);
      this.dictionary.add(h1, h2, word);
    }
    this.termsAdded();
    for (let term = 0; term < words.length; term++) if (inExpandable[term]) this.makeExpandable(term);
    this.metadata = saved.metadata;
    this.text = saved.text;
    this.growDocuments(Math.max(1024, docs));
    this.docs = docs;
    this.dead = saved.dead;
    this.textWords = saved.textWords;
    this.textDocs = saved.textDocs;
    this.flags.set(saved.flags);
    this.expires.set(saved.expires);
    this.freshAt.set(saved.freshAt);
    this.facets.restore(saved.facets, docs);
    this.assetOf = assetOf;
    this.versionOf = saved.versionOf;
    for (let doc = 0; doc < docs; doc++) {
      if (!this.flags[doc]) continue;
      const assetId = assetOf[doc]!;
      const numbers = this.docsOf.get(assetId);
      if (numbers) numbers.push(doc);
      else this.docsOf.set(assetId, [doc]);
    }
    this.fingerprints = saved.fingerprints;
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
    this.facets.add(doc, asset);
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
    this.facets.grow(size);
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
  }

  /** Drops tombstones: renumbers live documents and rewrites the posting lists without the dead ones. */
  compact(): void {
    const renumber = new Int32Array(this.docs).fill(-1);
    let live = 0;
    for (let doc = 0; doc < this.docs; doc++) if (this.flags[doc]) renumber[doc] = live++;
    this.metadata = this.metadata.compacted(this.dictionary.size, renumber);
    this.text = this.text.compacted(this.dictionary.size, renumber);
    this.facets.compact(renumber, this.docs, live);
    for (let doc = 0; doc < this.docs; doc++) {
      const to = renumber[doc]!;
      if (to < 0) continue;
      this.flags[to] = this.flags[doc]!;
      this.expires[to] = this.expires[doc]!;
      this.freshAt[to] = this.freshAt[doc]!;
      this.boost[to] = this.boost[doc]!;
      this.browse[to] = this.browse[doc]!;
      this.assetOf[to] = this.assetOf[doc]!;
      this.versionOf[to] = this.versionOf[doc]!;
    }
    this.flags.fill(0, live);
    this.assetOf.length = live;
    this.versionOf.length = live;
    for (const [assetId, numbers] of this.docsOf) this.docsOf.set(assetId, numbers.map((n) => renumber[n]!));
    this.docs = live;
    this.dead = 0;
    this.changed();
  }

  // --- Querying ---

  /** Bitset words that hold documents (see liveWords in facet-bitsets.ts). */
  private get liveWords(): number {
    return liveWords(this.docs);
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
    const counts = this.facets.counts(filter, matched, touchedCount < this.liveWords * 2 ? touched.subarray(0, touchedCount) : null, this.docs);
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
    const counts = this.facets.counts(filter, null, null, this.docs);
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

  /** The request's filters as bitsets over the documents its audience may see now (see FacetBitsets.compileFilters). */
  private compileFilters(request: SearchRequest): CompiledFilter {
    return this.facets.compileFilters(request.filters, this.visibleTo(request.audience, request.now).bits, this.docs, this.generation);
  }
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

function cacheKey(request: SearchRequest): string {
  const filters = Object.entries(request.filters).filter(([, v]) => v?.length).map(([k, v]) => `${k}=${[...v!].sort().join(',')}`).sort().join('&');
  const words = request.query.words.map((w) => `${w.exact ? '"' : ''}${w.text}${w.prefix ? '*' : ''}`).join(' ');
  return `${request.audience}|${request.offset}|${request.limit}|${request.completeAll ? 'all' : ''}|${filters}|${words}`;
}
