// Append-only posting lists in a few large byte pages, so 100 million (term, document) pairs fit in a few hundred MB.
//
// Each term owns a chain of blocks that double in size (8 bytes up to 32 KB); the last 4 bytes of a full block
// point to the next one. A posting is one varint: (document gap × payloadRange + payload). Documents only ever
// get larger numbers (an update is a new document plus a tombstone), so gaps stay positive and mostly one byte.
// A document's words touch a thousand terms at random, so each term's write state sits in one cache line.

const PAGE_BITS = 22;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
const FIRST_BLOCK = 8;
const LAST_LEVEL = 12; // 8 << 12 = 32 KB
const POINTER = 4;
/** Bytes of the longest varint written (gaps below 2^28 documents). */
const MAX_VARINT = 5;

// Per-term state, interleaved: where the next byte goes, where the current block's data ends, the last
// document, the number of postings.
const STRIDE = 4;
const WRITE_AT = 0;
const BLOCK_END = 1;
const LAST_DOC = 2;
const COUNT = 3;

export interface SavedPostings {
  pages: Uint8Array[];
  pageEnd: number;
  terms: number;
  state: Int32Array;
  heads: Uint32Array;
  levels: Uint8Array;
}

const blockSize = (level: number) => FIRST_BLOCK << Math.min(level, LAST_LEVEL);
const single = { docs: new Int32Array(1), payloads: new Uint8Array(1) };

export class PostingStore {
  private pages: Uint8Array[] = [];
  private pageEnd = PAGE_SIZE; // forces a first page
  private state = new Int32Array(1024 * STRIDE);
  private heads = new Uint32Array(1024);
  private levels = new Uint8Array(1024);
  private terms = 0;

  /** payloadRange: how many distinct payload values a posting carries (a power of two, at most 128). */
  private readonly payloadShift: number;

  constructor(readonly payloadRange: number) {
    this.payloadShift = Math.log2(payloadRange) | 0;
  }

  /** What the store holds, for a snapshot: its own arrays (trimmed views, not copies), valid until it changes. */
  saved(): SavedPostings {
    return {
      pages: this.pages, pageEnd: this.pageEnd, terms: this.terms,
      state: this.state.subarray(0, this.terms * STRIDE), heads: this.heads.subarray(0, this.terms), levels: this.levels.subarray(0, this.terms),
    };
  }

  /** A store holding what `saved` gave. */
  static restored(payloadRange: number, saved: SavedPostings): PostingStore {
    const store = new PostingStore(payloadRange);
    if (saved.pages.some((page) => page.length !== PAGE_SIZE) || saved.state.length !== saved.terms * STRIDE
      || saved.heads.length !== saved.terms || saved.levels.length !== saved.terms) {
      throw new Error('saved postings do not fit together');
    }
    store.pages = saved.pages;
    store.pageEnd = saved.pages.length ? saved.pageEnd : PAGE_SIZE;
    store.terms = saved.terms;
    const capacity = Math.max(1024, saved.terms);
    store.state = new Int32Array(capacity * STRIDE);
    store.state.set(saved.state);
    store.heads = new Uint32Array(capacity);
    store.heads.set(saved.heads);
    store.levels = new Uint8Array(capacity);
    store.levels.set(saved.levels);
    return store;
  }

  /** Postings of the term, dead documents included. */
  count(term: number): number {
    return term < this.terms ? this.state[term * STRIDE + COUNT]! : 0;
  }

  /** Bytes held by the pages. */
  get bytes(): number {
    return this.pages.length * PAGE_SIZE;
  }

  private grow(term: number) {
    let size = this.heads.length;
    while (size <= term) size *= 2;
    const state = new Int32Array(size * STRIDE);
    state.set(this.state);
    this.state = state;
    const heads = new Uint32Array(size);
    heads.set(this.heads);
    this.heads = heads;
    const levels = new Uint8Array(size);
    levels.set(this.levels);
    this.levels = levels;
  }

  private allocate(size: number): number {
    if (this.pageEnd + size > PAGE_SIZE) {
      this.pages.push(new Uint8Array(PAGE_SIZE));
      this.pageEnd = 0;
    }
    const address = (this.pages.length - 1) * PAGE_SIZE + this.pageEnd;
    this.pageEnd += size;
    return address;
  }

  /** Chains a block twice the size of the term's current one (full at `end`); returns where writing goes on. */
  private nextBlock(term: number, end: number): number {
    const level = Math.min(this.levels[term]! + 1, LAST_LEVEL);
    const next = this.allocate(blockSize(level));
    const page = this.pages[end >>> PAGE_BITS]!;
    const offset = end & PAGE_MASK;
    page[offset] = next & 0xff;
    page[offset + 1] = (next >>> 8) & 0xff;
    page[offset + 2] = (next >>> 16) & 0xff;
    page[offset + 3] = next >>> 24;
    this.levels[term] = level;
    return next;
  }

  /** Adds a posting; documents must arrive in increasing order per term. */
  append(term: number, doc: number, payload: number): void {
    single.docs[0] = doc;
    single.payloads[0] = payload;
    this.appendRun(term, single.docs, single.payloads, 0, 1);
  }

  /** Adds postings docs[from, to) (increasing) to one term: its write state is loaded once for the run. */
  appendRun(term: number, docs: Int32Array, payloads: Uint8Array, from: number, to: number): void {
    if (term >= this.heads.length) this.grow(term);
    if (term >= this.terms) this.terms = term + 1;
    const state = this.state;
    const base = term * STRIDE;
    const range = this.payloadRange;
    let count = state[base + COUNT]!;
    let at: number;
    let end: number;
    let last: number;
    if (count === 0) {
      at = this.allocate(FIRST_BLOCK);
      this.heads[term] = at;
      this.levels[term] = 0;
      end = at + FIRST_BLOCK - POINTER;
      last = -1;
    } else {
      at = state[base + WRITE_AT]! >>> 0;
      end = state[base + BLOCK_END]! >>> 0;
      last = state[base + LAST_DOC]!;
    }
    let page = this.pages[at >>> PAGE_BITS]!;
    for (let i = from; i < to; i++) {
      const doc = docs[i]!;
      const payload = payloads[i]!;
      const gap = doc - last;
      if (!(gap > 0 && payload < range && gap * range < 2 ** (7 * MAX_VARINT))) {
        throw new Error(`posting (term ${term}, document ${doc}, payload ${payload}) is out of order or out of range`);
      }
      last = doc;
      let value = gap * range + payload;
      for (;;) {
        if (at === end) {
          at = this.nextBlock(term, end);
          end = at + blockSize(this.levels[term]!) - POINTER;
          page = this.pages[at >>> PAGE_BITS]!;
        }
        if (value < 128) {
          page[at & PAGE_MASK] = value;
          at++;
          break;
        }
        const low = value < 0x40000000 ? value & 127 : value % 128;
        page[at & PAGE_MASK] = low | 128;
        at++;
        value = value < 0x40000000 ? value >>> 7 : (value - low) / 128;
      }
      count++;
    }
    state[base + WRITE_AT] = at;
    state[base + BLOCK_END] = end;
    state[base + LAST_DOC] = last;
    state[base + COUNT] = count;
  }

  /**
   * Decodes a term's postings into docs/payloads (sized ≥ count(term)); returns how many.
   * The hot loop of every query: a posting with room for a full varint before the block's end decodes
   * without boundary checks; only the few near a block's end take the careful path.
   */
  read(term: number, docs: Int32Array, payloads: Uint8Array): number {
    const total = this.count(term);
    if (total === 0) return 0;
    const shift = this.payloadShift;
    const payloadMask = this.payloadRange - 1;
    const pages = this.pages;
    const head = this.heads[term]!;
    let level = 0;
    let page = pages[head >>> PAGE_BITS]!;
    let offset = head & PAGE_MASK;
    let stop = offset + FIRST_BLOCK - POINTER;
    let doc = -1;
    for (let i = 0; i < total; i++) {
      let value: number;
      if (stop - offset >= MAX_VARINT) {
        let byte = page[offset++]!;
        value = byte & 127;
        if (byte >= 128) {
          byte = page[offset++]!;
          value |= (byte & 127) << 7;
          if (byte >= 128) {
            byte = page[offset++]!;
            value |= (byte & 127) << 14;
            if (byte >= 128) {
              byte = page[offset++]!;
              value |= (byte & 127) << 21;
              if (byte >= 128) value += (page[offset++]! & 127) * 268_435_456;
            }
          }
        }
      } else {
        value = 0;
        let scale = 1;
        for (;;) {
          if (offset === stop) {
            const next = (page[offset]! | (page[offset + 1]! << 8) | (page[offset + 2]! << 16) | (page[offset + 3]! << 24)) >>> 0;
            level = level < LAST_LEVEL ? level + 1 : LAST_LEVEL;
            page = pages[next >>> PAGE_BITS]!;
            offset = next & PAGE_MASK;
            stop = offset + (FIRST_BLOCK << level) - POINTER;
          }
          const byte = page[offset++]!;
          value += (byte & 127) * scale;
          if (byte < 128) break;
          scale *= 128;
        }
      }
      if (value < 0x40000000) {
        doc += value >>> shift;
        payloads[i] = value & payloadMask;
      } else {
        const payload = value % this.payloadRange;
        doc += (value - payload) / this.payloadRange;
        payloads[i] = payload;
      }
      docs[i] = doc;
    }
    return total;
  }

  /** A new store with only the documents `renumber` maps (to their new, still increasing numbers). */
  compacted(termCount: number, renumber: Int32Array): PostingStore {
    const next = new PostingStore(this.payloadRange);
    let docs = new Int32Array(1024);
    let payloads = new Uint8Array(1024);
    for (let term = 0; term < Math.min(termCount, this.terms); term++) {
      const count = this.count(term);
      if (count > docs.length) {
        docs = new Int32Array(count * 2);
        payloads = new Uint8Array(count * 2);
      }
      const n = this.read(term, docs, payloads);
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const doc = renumber[docs[i]!]!;
        if (doc < 0) continue;
        docs[kept] = doc;
        payloads[kept++] = payloads[i]!;
      }
      if (kept) next.appendRun(term, docs, payloads, 0, kept);
    }
    return next;
  }
}

/**
 * Postings of many documents gathered for a bulk build, then appended term by term: a document's thousand
 * words would otherwise each touch a different term's tail, a cache miss apiece.
 */
export class PostingBatch {
  private terms = new Int32Array(1 << 16);
  private docs = new Int32Array(1 << 16);
  private payloads = new Uint8Array(1 << 16);
  length = 0;

  add(term: number, doc: number, payload: number): void {
    if (this.length === this.terms.length) {
      const size = this.length * 2;
      const terms = new Int32Array(size);
      terms.set(this.terms);
      this.terms = terms;
      const docs = new Int32Array(size);
      docs.set(this.docs);
      this.docs = docs;
      const payloads = new Uint8Array(size);
      payloads.set(this.payloads);
      this.payloads = payloads;
    }
    this.terms[this.length] = term;
    this.docs[this.length] = doc;
    this.payloads[this.length++] = payload;
  }

  /** Appends everything to `store`, grouped by term with documents in the order added; calls `added` per term. */
  flushInto(store: PostingStore, termCount: number, added: (term: number) => void): void {
    const n = this.length;
    if (n === 0) return;
    // Counting sort by term: stable, so each term's documents stay increasing.
    const starts = new Int32Array(termCount + 1);
    for (let i = 0; i < n; i++) starts[this.terms[i]! + 1]!++;
    for (let t = 0; t < termCount; t++) starts[t + 1]! += starts[t]!;
    const next = starts.slice(0, termCount);
    const docs = new Int32Array(n);
    const payloads = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const slot = next[this.terms[i]!]!++;
      docs[slot] = this.docs[i]!;
      payloads[slot] = this.payloads[i]!;
    }
    for (let term = 0; term < termCount; term++) {
      const from = starts[term]!;
      const to = starts[term + 1]!;
      if (to === from) continue;
      store.appendRun(term, docs, payloads, from, to);
      added(term);
    }
    this.length = 0;
  }
}
