// Turning one document into the distinct terms the index stores: per metadata term the fields it is in, per
// text term how often it occurs. Runs in the main thread for single updates and in tokenizer threads for the
// boot build; both produce the same packed form:
//
//   [metadataTerms, (term, fieldMask) × metadataTerms, textWords, textTerms, (term, impact) × textTerms]
//
// where impact is the 3-bit BM25 weight of the term's count in a text of textWords words (see ranking.ts).
import type { TermDictionary } from './dictionary.ts';
import { textImpact } from './ranking.ts';
import { sliceEnd, TEXT_SLICE, Tokens, tokenize, tokenizeUtf8 } from './text.ts';
import { TermLines, usableTerms } from './text-terms.ts';

/** What a document's text part is made from: the terms processing stored when they are usable, else the text. */
export interface DocumentBody {
  text: string | Uint8Array | null;
  terms?: string | Uint8Array | null;
}


/** An Int32Array that grows as numbers are pushed. */
export class Int32Builder {
  data = new Int32Array(1 << 16);
  length = 0;

  reserve(extra: number) {
    if (this.length + extra <= this.data.length) return;
    let size = this.data.length * 2;
    while (size < this.length + extra) size *= 2;
    const data = new Int32Array(size);
    data.set(this.data.subarray(0, this.length));
    this.data = data;
  }

  /** The pushed numbers (a copy) and a fresh, empty builder state. */
  take(): Int32Array {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

export class DocumentTokenizer {
  private tokens = new Tokens();
  private ids = new Int32Array(1024);
  private counts = new Int32Array(1 << 15);
  private fields = new Uint8Array(1 << 15);
  private touched = new Int32Array(1 << 15);

  constructor(readonly dictionary: TermDictionary) {}

  /**
   * Appends the packed terms of a document (metadata as [fieldBit, value] pairs, and its text, or the text's
   * terms as processing stored them (text-terms.ts), as a string or UTF-8 bytes) to `out`; `averageLength` is the
   * index's average text length in words, for BM25's length normalisation.
   */
  tokenize(metadata: [number, string][], body: DocumentBody, out: Int32Builder, averageLength: number): void {
    let touched = 0;
    for (const [field, value] of metadata) {
      const ids = this.resolve(value, 0, value.length);
      const count = this.tokens.count;
      touched = this.reserveTouched(touched, count);
      const fields = this.fields;
      for (let i = 0; i < count; i++) {
        const term = ids[i]!;
        if (fields[term] === 0) this.touched[touched++] = term;
        fields[term] |= field;
      }
    }
    out.reserve(1 + 2 * touched);
    out.data[out.length++] = touched;
    for (let i = 0; i < touched; i++) {
      const term = this.touched[i]!;
      out.data[out.length++] = term;
      out.data[out.length++] = this.fields[term]!;
      this.fields[term] = 0;
    }

    if (usableTerms(body.terms)) this.addStoredTerms(body.terms, out, averageLength);
    else this.addText(body.text, out, averageLength);
  }

  /** The text part of a document from its stored terms: each word is met once, its count written beside it. */
  private addStoredTerms(terms: string | Uint8Array, out: Int32Builder, averageLength: number): void {
    const lines = new TermLines(terms);
    let touched = 0;
    while (lines.next()) {
      const ids = this.resolve(terms, lines.from, lines.to);
      const count = this.tokens.count;
      // A count of 0 (damaged terms) would let a word repeated in them in twice; it counts once instead.
      const occurrences = Math.max(1, lines.count);
      touched = this.reserveTouched(touched, count);
      const counts = this.counts;
      const list = this.touched;
      for (let i = 0; i < count; i++) {
        const term = ids[i]!;
        if (counts[term] === 0) list[touched++] = term;
        counts[term] = occurrences;
      }
    }
    this.writeText(lines.words, touched, out, averageLength);
  }

  private addText(text: string | Uint8Array | null, out: Int32Builder, averageLength: number): void {
    let touched = 0;
    let words = 0;
    const length = text?.length ?? 0;
    for (let from = 0; from < length;) {
      const to = sliceEnd(text!, from, length, TEXT_SLICE);
      const ids = this.resolve(text!, from, to);
      const count = this.tokens.count;
      words += count;
      touched = this.reserveTouched(touched, count);
      const counts = this.counts;
      const list = this.touched;
      for (let i = 0; i < count; i++) {
        const term = ids[i]!;
        if (counts[term]!++ === 0) list[touched++] = term;
      }
      from = to;
    }
    this.writeText(words, touched, out, averageLength);
  }

  /** Writes the text part (see the packed form above) of the `touched` terms counted in this.counts, and resets them. */
  private writeText(words: number, touched: number, out: Int32Builder, averageLength: number): void {
    out.reserve(2 + 2 * touched);
    out.data[out.length++] = words;
    out.data[out.length++] = touched;
    for (let i = 0; i < touched; i++) {
      const term = this.touched[i]!;
      out.data[out.length++] = term;
      out.data[out.length++] = textImpact(this.counts[term]!, words, averageLength);
      this.counts[term] = 0;
    }
  }

  /** Tokenizes text[from, to) and returns the term number of each token (in this.tokens order). */
  private resolve(text: string | Uint8Array, from: number, to: number): Int32Array {
    // Token offsets are into `source`: the string slice, or the whole byte array.
    let source: string | Uint8Array = text;
    if (typeof text === 'string') {
      source = from === 0 && to === text.length ? text : text.slice(from, to);
      tokenize(source, this.tokens);
    } else {
      tokenizeUtf8(text, from, to, this.tokens);
    }
    if (this.ids.length < this.tokens.count) this.ids = new Int32Array(this.tokens.hash1.length);
    this.dictionary.resolve(source, 0, this.tokens, this.ids);
    if (this.dictionary.size > this.counts.length) {
      let size = this.counts.length * 2;
      while (size < this.dictionary.size) size *= 2;
      const counts = new Int32Array(size);
      counts.set(this.counts);
      this.counts = counts;
      const fields = new Uint8Array(size);
      fields.set(this.fields);
      this.fields = fields;
    }
    return this.ids;
  }

  private reserveTouched(touched: number, extra: number): number {
    if (touched + extra > this.touched.length) {
      let size = this.touched.length * 2;
      while (size < touched + extra) size *= 2;
      const grown = new Int32Array(size);
      grown.set(this.touched.subarray(0, touched));
      this.touched = grown;
    }
    return touched;
  }
}
