// Facet filters and counts for the search index. Each document's facet values and tags are numbered codes in one
// shared pool; each facet value also has a bitset of the documents carrying it, so a query's filters become a few
// ANDs and ORs of bitsets, and each facet is counted against the matched documents passing the other facets'
// filters (ticking a value must not hide its siblings) with one AND and popcount per 32 documents.
import { SEARCH_FACETS, type FacetCount, type IndexedAsset, type SearchFacet, type SearchRequest } from './index.ts';

/** Filter slots: the facets, then free tags (filterable, not counted). */
const TAG_SLOT = SEARCH_FACETS.length;
const SLOT_OF: Record<string, number> = Object.fromEntries([...SEARCH_FACETS, 'tag'].map((f, i) => [f, i]));

/** A query's filters as bitsets over document numbers (see FacetBitsets.compileFilters). */
export interface CompiledFilter {
  /** Visible documents passing every filter. */
  pass: Uint32Array;
  /** Per filtered facet: visible documents passing every other filter. */
  except: (Uint32Array | undefined)[];
  selected: Set<string>[];
}

/** What a snapshot keeps of the facet codes: the per-document arrays cut to the documents, and the values. */
export interface SavedFacets {
  codeStart: Int32Array;
  facetCodeCount: Uint8Array;
  allCodeCount: Uint8Array;
  codePool: Int32Array;
  codeSlot: number[];
  codeValue: string[];
}

/**
 * The facet values of the index's documents (by the index's document numbers) and the bitsets built from them.
 * The index sizes it with its document arrays (grow), renumbers it when it compacts and tells it how many
 * documents there are and its generation when a query asks.
 */
export class FacetBitsets {
  // Per document: where its codes start in the pool, how many are facet values (counted), how many in all (tags after).
  private codeStart = new Int32Array(0);
  private facetCodeCount = new Uint8Array(0);
  private allCodeCount = new Uint8Array(0);
  private codePool = new Int32Array(1 << 16);
  private codePoolEnd = 0;
  private codeOf = new Map<string, number>();
  private codeSlot: number[] = [];
  private codeValue: string[] = [];
  private codesOfSlot: number[][] = [...SEARCH_FACETS, 'tag'].map(() => []);
  /** Per facet value (tags excepted): the documents carrying it, 32 to a word. */
  private codeBits: Uint32Array[] = [];
  private bitWords = 0;
  private tagBitsCache = new Map<number, { generation: number; bits: Uint32Array }>();
  /**
   * Bitsets a query works with (filter masks, documents passing them, what facets are counted over), reused from
   * query to query: a dozen 12 KB buffers per query made the GC run every few queries. Handed out by scratchBits.
   */
  private scratch: Uint32Array[] = [];
  private scratchUsed = 0;

  /** Records a new document's facet values and tags. */
  add(doc: number, asset: IndexedAsset) {
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

  /** Room for `size` documents (the index's document capacity). */
  grow(size: number) {
    const grow = <T extends Uint8Array | Int32Array>(old: T): T => {
      const next = new (old.constructor as new (n: number) => T)(size);
      next.set(old.subarray(0, Math.min(old.length, size)));
      return next;
    };
    this.codeStart = grow(this.codeStart);
    this.facetCodeCount = grow(this.facetCodeCount);
    this.allCodeCount = grow(this.allCodeCount);
    this.bitWords = Math.ceil(size / 32);
    this.scratch = [];
    this.codeBits = this.codeBits.map((bits) => {
      if (!bits) return bits;
      const grown = new Uint32Array(this.bitWords);
      grown.set(bits.subarray(0, Math.min(bits.length, this.bitWords)));
      return grown;
    });
  }

  /** Follows the index's compaction: `renumber` maps each of `docs` old numbers to its new one (-1: dropped). */
  compact(renumber: Int32Array, docs: number, live: number) {
    const pool = new Int32Array(Math.max(1 << 16, this.codePoolEnd));
    let poolEnd = 0;
    for (let doc = 0; doc < docs; doc++) {
      const to = renumber[doc]!;
      if (to < 0) continue;
      const start = this.codeStart[doc]!;
      const count = this.allCodeCount[doc]!;
      pool.set(this.codePool.subarray(start, start + count), poolEnd);
      this.codeStart[to] = poolEnd;
      poolEnd += count;
      this.facetCodeCount[to] = this.facetCodeCount[doc]!;
      this.allCodeCount[to] = count;
    }
    this.codePool = pool;
    this.codePoolEnd = poolEnd;
    for (const bits of this.codeBits) bits?.fill(0);
    for (let doc = 0; doc < live; doc++) this.setCodeBits(doc);
  }

  /** The arrays as they are (not copies, see MemorySearchIndex.snapshot), cut to `docs` documents. */
  saved(docs: number): SavedFacets {
    return {
      codeStart: this.codeStart.subarray(0, docs), facetCodeCount: this.facetCodeCount.subarray(0, docs),
      allCodeCount: this.allCodeCount.subarray(0, docs), codePool: this.codePool.subarray(0, this.codePoolEnd),
      codeSlot: this.codeSlot, codeValue: this.codeValue,
    };
  }

  /** Takes what `saved` gave (checked by index-snapshot.ts), after grow made room for its `docs` documents. */
  restore(saved: SavedFacets, docs: number) {
    this.codeStart.set(saved.codeStart);
    this.facetCodeCount.set(saved.facetCodeCount);
    this.allCodeCount.set(saved.allCodeCount);
    this.codePool = new Int32Array(Math.max(1 << 16, saved.codePool.length * 2));
    this.codePool.set(saved.codePool);
    this.codePoolEnd = saved.codePool.length;
    saved.codeSlot.forEach((slot, i) => this.code(slot, saved.codeValue[i]!));
    for (let doc = 0; doc < docs; doc++) this.setCodeBits(doc);
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

  /**
   * The request's filters as bitsets: `pass` holds the visible documents passing all of them; for a filtered
   * facet, `except[slot]` the visible documents passing all the others (its values are counted against that).
   * Starts a query: the scratch bitsets of the previous one are handed out again.
   */
  compileFilters(filters: SearchRequest['filters'], visible: Uint32Array, docs: number, generation: number): CompiledFilter {
    this.scratchUsed = 0;
    const words = liveWords(docs);
    const masks: (Uint32Array | undefined)[] = [];
    const selected: Set<string>[] = [...SEARCH_FACETS, 'tag'].map(() => new Set());
    for (const [facet, values] of Object.entries(filters)) {
      if (!values?.length) continue;
      const slot = SLOT_OF[facet]!;
      const mask = this.scratchBits().fill(0);
      for (const value of values) {
        selected[slot]!.add(value);
        const code = this.codeOf.get(`${slot}:${value}`);
        if (code === undefined) continue;
        const bits = slot === TAG_SLOT ? this.tagBits(code, docs, generation) : this.codeBits[code]!;
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

  /**
   * Documents carrying a tag, worked out when a search filters on it (tags are too many to keep bitsets for);
   * kept while the index's generation stays the same.
   */
  private tagBits(code: number, docs: number, generation: number): Uint32Array {
    const cached = this.tagBitsCache.get(code);
    if (cached && cached.generation === generation) return cached.bits;
    const bits = new Uint32Array(this.bitWords);
    for (let doc = 0; doc < docs; doc++) {
      const start = this.codeStart[doc]!;
      for (let c = start + this.facetCodeCount[doc]!; c < start + this.allCodeCount[doc]!; c++) {
        if (this.codePool[c] === code) bits[doc >>> 5]! |= 1 << (doc & 31);
      }
    }
    if (this.tagBitsCache.size > 100) this.tagBitsCache.clear();
    this.tagBitsCache.set(code, { generation, bits });
    return bits;
  }

  /**
   * Facet value counts over the matched documents (`matched` null: all), each facet against the documents passing
   * the other facets' filters. A few matches are counted one by one; many, a bitset word (32 documents) at a time.
   */
  counts(filter: CompiledFilter, matched: Uint32Array | null, few: Int32Array | null, docs: number): Record<SearchFacet, FacetCount[]> {
    const words = liveWords(docs);
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

/**
 * Bitset words that hold documents. Bitsets are sized to the document arrays' capacity, which is up to twice the
 * documents; loops over bitsets stop here (words past it are always zero).
 */
export function liveWords(docs: number): number {
  return (docs + 31) >>> 5;
}

/** Set bits in a 32-bit word. */
export function popcount(bits: number): number {
  let x = bits - ((bits >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}
