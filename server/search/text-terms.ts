// The distinct words of a document's text with how often each occurs, worked out once when processing extracts
// the text and stored beside it (asset_versions.search_terms). The boot build reads these instead of the text:
// a third of the words, each met once, so it neither scans two gigabytes of text nor looks up 300 million words.
//
// The form is plain text, so it is stored, compressed and sent like the text itself:
//
//   t1 <words in the text>\n
//   <count> <word> <word> …\n        one line per count, its words folded (as text.ts folds them) and sorted
//
// Lines keep the words tokenizable as they are: tokenizing a line after its count gives back exactly its words,
// with the hashes tokenizing the text gave them. packTextTerms checks that before it answers.
import { TermDictionary } from './dictionary.ts';
import { foldedWord, tokenize, Tokens } from './text.ts';

/** Names this form and the tokenizer rules behind it; change it when either changes, and stored terms are ignored. */
export const TEXT_TERMS_FORMAT = 't1';
const HEADER = `${TEXT_TERMS_FORMAT} `;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;

/** Text is tokenized in slices of this many characters, so a 10 MB document needs no 10 MB scratch arrays. */
const SLICE = 1 << 20;

/**
 * The packed terms of a text, or null when there are none, or when a folded word would not tokenize back to
 * itself (a few compatibility characters fold to a separator, "½" → "1⁄2"): the build then tokenizes the text.
 */
export function packTextTerms(text: string | null): string | null {
  if (!text) return null;
  const dictionary = new TermDictionary();
  const tokens = new Tokens();
  let ids = new Int32Array(1024);
  let counts = new Int32Array(1024);
  let words = 0;
  for (let from = 0; from < text.length;) {
    let to = Math.min(text.length, from + SLICE);
    if (to < text.length) {
      // End the slice on a space so no word is cut in two, as DocumentTokenizer does.
      const space = text.lastIndexOf(' ', to);
      if (space > from) to = space;
    }
    const slice = text.slice(from, to);
    tokenize(slice, tokens);
    if (ids.length < tokens.count) ids = new Int32Array(tokens.hash1.length);
    dictionary.resolve(slice, 0, tokens, ids);
    if (counts.length < dictionary.size) {
      const grown = new Int32Array(Math.max(counts.length * 2, dictionary.size));
      grown.set(counts);
      counts = grown;
    }
    for (let i = 0; i < tokens.count; i++) counts[ids[i]!]!++;
    words += tokens.count;
    from = to;
  }
  if (words === 0) return null;

  const byCount = new Map<number, string[]>();
  for (let id = 0; id < dictionary.size; id++) {
    const count = counts[id]!;
    const list = byCount.get(count);
    if (list) list.push(dictionary.text[id]!);
    else byCount.set(count, [dictionary.text[id]!]);
  }
  let packed = `${HEADER}${words}\n`;
  for (const count of [...byCount.keys()].sort((a, b) => a - b)) {
    // Sorted, so neighbours share prefixes and the stored form compresses better.
    const line = byCount.get(count)!.sort().join(' ');
    if (!tokenizesTo(line, byCount.get(count)!, tokens)) return null;
    packed += `${count} ${line}\n`;
  }
  return packed;
}

/** Whether tokenizing `line` gives exactly `words`, each already folded. */
function tokenizesTo(line: string, words: string[], tokens: Tokens): boolean {
  tokenize(line, tokens);
  if (tokens.count !== words.length) return false;
  for (let i = 0; i < tokens.count; i++) {
    if (foldedWord(line, tokens.start[i]!, tokens.end[i]!) !== words[i]) return false;
  }
  return true;
}

/** Whether stored terms are in this form (older forms are ignored: the text is tokenized instead). */
export function usableTerms(terms: string | Uint8Array | null | undefined): terms is string | Uint8Array {
  if (!terms) return false;
  if (typeof terms === 'string') return terms.startsWith(HEADER);
  for (let i = 0; i < HEADER.length; i++) if (terms[i] !== HEADER.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads packed terms line by line, as a string or as UTF-8 bytes (what the database sent), without copying:
 * `words` is the text's word count, then each `next()` leaves the current line's count in `count` and its
 * words between `from` and `to`, for the tokenizer.
 */
export class TermLines {
  words = 0;
  count = 0;
  from = 0;
  to = 0;
  private at = 0;

  constructor(private readonly terms: string | Uint8Array) {
    this.at = HEADER.length;
    this.words = this.number();
    this.at++;
  }

  next(): boolean {
    if (this.at >= this.terms.length) return false;
    this.count = this.number();
    this.from = ++this.at;
    const end = typeof this.terms === 'string' ? this.terms.indexOf('\n', this.at) : this.terms.indexOf(NEWLINE, this.at);
    this.to = end < 0 ? this.terms.length : end;
    this.at = this.to + 1;
    return true;
  }

  /** The decimal number at the reading position, which then stands on the space or newline after it. */
  private number(): number {
    const terms = this.terms;
    let value = 0;
    for (;;) {
      const code = typeof terms === 'string' ? terms.charCodeAt(this.at) : terms[this.at]!;
      if (code === SPACE || code === NEWLINE || !(this.at < terms.length)) return value;
      value = value * 10 + code - ZERO;
      this.at++;
    }
  }
}
