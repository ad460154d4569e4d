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
// with the hashes tokenizing the text gave them. packTextTerms checks that before it answers, and writes the few
// words whose folded form would not read back ("½" folds to "1⁄2") as they stood in the text instead.
import { TermDictionary } from './dictionary.ts';
import { foldedWord, sliceEnd, TEXT_SLICE, tokenize, Tokens } from './text.ts';

/** Names this form and the tokenizer rules behind it; change it when either changes, and stored terms are ignored. */
export const TEXT_TERMS_FORMAT = 't1';
const HEADER = `${TEXT_TERMS_FORMAT} `;
const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;

/**
 * The packed terms of a text, or null when it has no words (or, should one ever not read back, when a word's
 * folded form and the form it had in the text both fail to: the build then tokenizes the text).
 */
export function packTextTerms(text: string | null): string | null {
  if (!text) return null;
  const dictionary = new TermDictionary();
  const tokens = new Tokens();
  let ids = new Int32Array(1024);
  let counts = new Int32Array(1024);
  // Where each word first stands in the text, for the few whose folded form does not read back (see storedForm).
  let firstAt = new Int32Array(2048);
  let words = 0;
  for (let from = 0; from < text.length;) {
    const to = sliceEnd(text, from, text.length, TEXT_SLICE);
    const slice = text.slice(from, to);
    tokenize(slice, tokens);
    if (ids.length < tokens.count) ids = new Int32Array(tokens.hash1.length);
    const known = dictionary.size;
    dictionary.resolve(slice, 0, tokens, ids);
    if (counts.length < dictionary.size) counts = grown(counts, dictionary.size);
    if (firstAt.length < 2 * dictionary.size) firstAt = grown(firstAt, 2 * dictionary.size);
    // New words are numbered in the order they first appear.
    for (let i = 0, next = known; i < tokens.count; i++) {
      const id = ids[i]!;
      counts[id]!++;
      if (id === next) {
        firstAt[2 * id] = from + tokens.start[i]!;
        firstAt[2 * id + 1] = from + tokens.end[i]!;
        next++;
      }
    }
    words += tokens.count;
    from = to;
  }
  if (words === 0) return null;

  const byCount = new Map<number, number[]>();
  for (let id = 0; id < dictionary.size; id++) {
    const list = byCount.get(counts[id]!);
    if (list) list.push(id);
    else byCount.set(counts[id]!, [id]);
  }
  let packed = `${HEADER}${words}\n`;
  for (const count of [...byCount.keys()].sort((a, b) => a - b)) {
    // Sorted, so neighbours share prefixes and the stored form compresses better.
    const folded = byCount.get(count)!.map((id) => dictionary.text[id]!).sort();
    let line = folded.join(' ');
    if (!readsBack(line, folded, tokens)) {
      const forms = byCount.get(count)!.map((id) => storedForm(dictionary.text[id]!, text.slice(firstAt[2 * id]!, firstAt[2 * id + 1]!), tokens));
      if (forms.includes(null)) return null;
      line = (forms as string[]).join(' ');
      if (!readsBack(line, byCount.get(count)!.map((id) => dictionary.text[id]!), tokens)) return null;
    }
    packed += `${count} ${line}\n`;
  }
  return packed;
}

/**
 * How a word is written in the stored terms: folded, unless folding made something that reads as other words
 * ("½" folds to "1⁄2", and the fraction slash separates words); then as it stood in the text, which reads back as
 * the same word (tokenizing a word alone or in its text gives the same token).
 */
function storedForm(folded: string, inText: string, tokens: Tokens): string | null {
  if (readsBack(folded, [folded], tokens)) return folded;
  return readsBack(inText, [folded], tokens) ? inText : null;
}

/** Whether tokenizing `line` gives exactly the folded `words`. */
function readsBack(line: string, words: string[], tokens: Tokens): boolean {
  tokenize(line, tokens);
  if (tokens.count !== words.length) return false;
  for (let i = 0; i < tokens.count; i++) {
    if (foldedWord(line, tokens.start[i]!, tokens.end[i]!) !== words[i]) return false;
  }
  return true;
}

function grown(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(array.length * 2, size));
  bigger.set(array);
  return bigger;
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
