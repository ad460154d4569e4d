import { foldedWord, foldedWordUtf8, termHashes, type Tokens } from './text.ts';

/**
 * Term ↔ number. Keyed by the tokenizer's two 32-bit hashes (the second also covers the length), so a known
 * word is found without making a string of it. Two different words sharing all 64 bits is a ~10⁻⁷ event even
 * at ten million distinct terms, a risk we take for 2× faster indexing; the cost would be one merged term.
 */
export class TermDictionary {
  // Open addressing, 4 ints a slot: hash1, hash2, term number (−1 empty), unused. Hashes sit next to the number,
  // so finding a known word costs one cache line.
  private table = TermDictionary.emptyTable(1 << 16);
  private mask = (1 << 16) - 1;
  /** Folded text of each term, by number. */
  readonly text: string[] = [];

  get size(): number {
    return this.text.length;
  }

  private static emptyTable(slots: number): Int32Array {
    const table = new Int32Array(slots * 4);
    for (let i = 2; i < table.length; i += 4) table[i] = -1;
    return table;
  }

  /** The number of the term with these hashes, or -1. */
  lookup(h1: number, h2: number): number {
    const table = this.table;
    const mask = this.mask;
    let slot = h1 & mask;
    for (;;) {
      const at = slot << 2;
      const id = table[at + 2]!;
      if (id < 0 || (table[at] === h1 && table[at + 1] === h2)) return id;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Term numbers of all tokens of `text` (tokenized from `offset`; UTF-8 bytes or a string) into `ids`, adding
   * new words. One tight loop over the whole slice: this runs for every word of every document.
   */
  resolve(text: string | Uint8Array, offset: number, tokens: Tokens, ids: Int32Array): void {
    const hash1 = tokens.hash1;
    const hash2 = tokens.hash2;
    let table = this.table;
    let mask = this.mask;
    for (let i = 0; i < tokens.count; i++) {
      const h1 = hash1[i]!;
      const h2 = hash2[i]!;
      let slot = h1 & mask;
      let id: number;
      for (;;) {
        const at = slot << 2;
        id = table[at + 2]!;
        if (id < 0 || (table[at] === h1 && table[at + 1] === h2)) break;
        slot = (slot + 1) & mask;
      }
      if (id < 0) {
        const start = offset + tokens.start[i]!;
        const end = offset + tokens.end[i]!;
        id = this.add(h1, h2, typeof text === 'string' ? foldedWord(text, start, end) : foldedWordUtf8(text, start, end));
        table = this.table;
        mask = this.mask;
      }
      ids[i] = id;
    }
  }

  /** Adds a term known to be absent; returns its number. */
  add(h1: number, h2: number, text: string): number {
    const id = this.text.length;
    this.text.push(text);
    this.place(this.table, this.mask, h1, h2, id);
    if (this.text.length * 2 > this.mask + 1) this.rehash();
    return id;
  }

  /** The number of a folded term, or -1. */
  find(term: string): number {
    const [h1, h2] = termHashes(term);
    return this.lookup(h1, h2);
  }

  private place(table: Int32Array, mask: number, h1: number, h2: number, id: number) {
    let slot = h1 & mask;
    while (table[(slot << 2) + 2]! >= 0) slot = (slot + 1) & mask;
    const at = slot << 2;
    table[at] = h1;
    table[at + 1] = h2;
    table[at + 2] = id;
  }

  private rehash() {
    const slots = (this.mask + 1) * 2;
    const table = TermDictionary.emptyTable(slots);
    const mask = slots - 1;
    const old = this.table;
    for (let at = 0; at < old.length; at += 4) if (old[at + 2]! >= 0) this.place(table, mask, old[at]!, old[at + 1]!, old[at + 2]!);
    this.table = table;
    this.mask = mask;
  }
}
