// Word splitting and folding shared by indexing, queries and snippets, so "Étude", "ETUDE" and "etude" are one term.
//
// Indexing runs this over every word of every document at boot (300 million words at 100k documents), so the
// tokenizer writes each word's two 32-bit hashes and position into typed arrays instead of making strings:
// the dictionary identifies a known word by its 64-bit hash and length, and only a new word becomes a string.

/** Longer runs of letters are not words (hashes, base64, glued junk); they are cut to this many characters. */
export const MAX_TERM_LENGTH = 32;

/** Long texts are tokenized in slices of this many characters (or bytes), so a 10 MB document needs no 10 MB scratch arrays. */
export const TEXT_SLICE = 1 << 20;

/**
 * Where a slice of `text` from `from` ends: `size` units on (or at `limit`), pulled back to the last space before
 * that so no word is cut in two, unless the slice has no space.
 */
export function sliceEnd(text: string | Uint8Array, from: number, limit: number, size: number): number {
  const to = Math.min(limit, from + size);
  if (to >= limit) return to;
  const space = typeof text === 'string' ? text.lastIndexOf(' ', to) : text.lastIndexOf(0x20, to);
  return space > from ? space : to;
}

// What each UTF-16 unit below 0x3000 folds to: 0 separator, -1 dropped without splitting (combining marks),
// -2 a letter that folds to several (ß → ss, œ → oe; in LONG_FOLDS), otherwise the one folded unit.
const TABLE_SIZE = 0x3000;
const SKIP = -1;
const LONG = -2;
const FOLD = new Int32Array(TABLE_SIZE);
const LONG_FOLDS = new Map<number, number[]>();
const SPECIAL: Record<string, string> = {
  'ß': 'ss', 'ẞ': 'ss', 'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o', 'Ø': 'o', 'đ': 'd', 'Đ': 'd',
  'ł': 'l', 'Ł': 'l', 'þ': 'th', 'Þ': 'th', 'ð': 'd', 'Ð': 'd', 'ı': 'i',
};
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const MARK = /^\p{M}$/u;

function foldChar(char: string): string {
  return SPECIAL[char] ?? char.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

for (let code = 0; code < TABLE_SIZE; code++) {
  const char = String.fromCharCode(code);
  if (MARK.test(char)) { FOLD[code] = SKIP; continue; }
  if (!WORD_CHAR.test(char)) continue;
  const folded = foldChar(char);
  if (folded.length === 1) FOLD[code] = folded.charCodeAt(0);
  else if (folded.length > 1) { FOLD[code] = LONG; LONG_FOLDS.set(code, [...folded].map((c) => c.charCodeAt(0))); }
}

// Code points past the table (other scripts, emoji): folded once and remembered. [] = separator, null = skip.
const pastTable = new Map<number, number[] | null>();
function foldPastTable(codePoint: number): number[] | null {
  let folded = pastTable.get(codePoint);
  if (folded === undefined) {
    const char = String.fromCodePoint(codePoint);
    folded = MARK.test(char) ? null : WORD_CHAR.test(char) ? [...foldChar(char)].flatMap((c) => [...c].map((u) => u.charCodeAt(0))) : [];
    if (pastTable.size < 100_000) pastTable.set(codePoint, folded);
  }
  return folded;
}

const SEED_1 = 0x811c9dc5 | 0;
const SEED_2 = 0x2545f491;

/** Tokens of one text: hashes and source offsets of each word, in reusable arrays. */
export class Tokens {
  count = 0;
  hash1 = new Int32Array(1024);
  hash2 = new Int32Array(1024);
  start = new Int32Array(1024);
  end = new Int32Array(1024);

  /** Records token `index` (within the capacity reserved). */
  put(index: number, hash1: number, hash2: number, start: number, end: number) {
    this.hash1[index] = hash1;
    this.hash2[index] = hash2;
    this.start[index] = start;
    this.end[index] = end;
  }

  reserve(capacity: number) {
    if (capacity <= this.hash1.length) return;
    let size = this.hash1.length;
    while (size < capacity) size *= 2;
    this.hash1 = new Int32Array(size);
    this.hash2 = new Int32Array(size);
    this.start = new Int32Array(size);
    this.end = new Int32Array(size);
  }
}

/** Mixes the folded length into the second hash, so equal hashes also mean equal lengths. */
const finish2 = (hash2: number, length: number) => Math.imul(hash2 ^ (hash2 >>> 15) ^ length, 0x27d4eb2d);

/**
 * Splits text into folded words: letters and digits of any script, accents and case removed, and records
 * their hashes and where each sits in the text. One tight loop, no allocation: it is the indexing hot path.
 */
export function tokenize(text: string, tokens: Tokens): void {
  const n = text.length;
  // A word needs a separator after it, so there are at most n/2 + 1 words.
  tokens.reserve((n >> 1) + 2);
  let count = 0;
  let i = 0;
  while (i < n) {
    let code = text.charCodeAt(i);
    let fold = code < TABLE_SIZE ? FOLD[code]! : PAST_TABLE;
    if (fold === 0 || fold === SKIP) { i++; continue; }
    if (fold < 0 && !startsWord(text, i, fold)) { i += width(text, i); continue; }
    // A word: fold and hash its letters in one tight loop; rare letters (ß, other scripts) take the slow path.
    const start = i;
    let h1 = SEED_1;
    let h2 = SEED_2;
    let length = 0;
    for (;;) {
      if (fold > 0) {
        if (length < MAX_TERM_LENGTH) {
          length++;
          h1 = Math.imul(h1 ^ fold, 0x01000193);
          h2 = Math.imul(h2 ^ fold, 0x5bd1e995);
        }
        i++;
      } else if (fold === SKIP) {
        i++;
      } else if (fold === 0) {
        break;
      } else {
        const units = fold === LONG ? LONG_FOLDS.get(code)! : foldPastTable(text.codePointAt(i)!);
        if (units !== null && units.length === 0) break;
        for (let k = 0; units !== null && k < units.length && length < MAX_TERM_LENGTH; k++) {
          length++;
          h1 = Math.imul(h1 ^ units[k]!, 0x01000193);
          h2 = Math.imul(h2 ^ units[k]!, 0x5bd1e995);
        }
        i += width(text, i);
      }
      if (i >= n) break;
      code = text.charCodeAt(i);
      fold = code < TABLE_SIZE ? FOLD[code]! : PAST_TABLE;
    }
    tokens.put(count++, h1, finish2(h2, length), start, i);
  }
  tokens.count = count;
}

/**
 * tokenize for UTF-8 bytes (text as PostgreSQL sends it): the same words with the same hashes as tokenize gives
 * for the decoded string, with byte offsets. The boot build reads gigabytes of text this way, so none of it ever
 * becomes a JavaScript string. Bytes that are not valid UTF-8 separate words.
 */
export function tokenizeUtf8(bytes: Uint8Array, from: number, to: number, tokens: Tokens): void {
  tokens.reserve(((to - from) >> 1) + 2);
  const table = FOLD;
  let count = 0;
  let i = from;
  while (i < to) {
    // Skip to the next letter or digit.
    const first = bytes[i]!;
    if (first < 0x80) {
      if (table[first] === 0) { i++; continue; }
    } else {
      const codePoint = utf8At(bytes, i, to);
      const fold = codePoint < TABLE_SIZE ? table[codePoint]! : codePoint === INVALID ? 0 : PAST_TABLE;
      if (fold === 0 || fold === SKIP || (fold === PAST_TABLE && !foldPastTable(codePoint)?.length)) { i += utf8Width; continue; }
    }
    const start = i;
    let h1 = SEED_1;
    let h2 = SEED_2;
    let length = 0;
    for (;;) {
      // ASCII letters and digits: the common case, in a loop of its own.
      let byte = 0;
      while (i < to && (byte = bytes[i]!) < 0x80) {
        const fold = table[byte]!;
        if (fold === 0) break;
        if (length < MAX_TERM_LENGTH) {
          length++;
          h1 = Math.imul(h1 ^ fold, 0x01000193);
          h2 = Math.imul(h2 ^ fold, 0x5bd1e995);
        }
        i++;
      }
      if (i >= to || byte < 0x80) break;
      // Anything else: decode, fold, and go on or end the word.
      const codePoint = utf8At(bytes, i, to);
      const fold = codePoint < TABLE_SIZE ? table[codePoint]! : codePoint === INVALID ? 0 : PAST_TABLE;
      if (fold > 0) {
        if (length < MAX_TERM_LENGTH) {
          length++;
          h1 = Math.imul(h1 ^ fold, 0x01000193);
          h2 = Math.imul(h2 ^ fold, 0x5bd1e995);
        }
      } else if (fold === 0) {
        break;
      } else if (fold !== SKIP) {
        const units = fold === LONG ? LONG_FOLDS.get(codePoint)! : foldPastTable(codePoint);
        if (units !== null && units.length === 0) break;
        for (let k = 0; units !== null && k < units.length && length < MAX_TERM_LENGTH; k++) {
          length++;
          h1 = Math.imul(h1 ^ units[k]!, 0x01000193);
          h2 = Math.imul(h2 ^ units[k]!, 0x5bd1e995);
        }
      }
      i += utf8Width;
    }
    tokens.put(count++, h1, finish2(h2, length), start, i);
  }
  tokens.count = count;
}

/** What utf8At gives for bytes that are not UTF-8 (no code point is this large). */
const INVALID = 0x110000;
/** Bytes of the character utf8At last decoded (a second return value, without allocating a pair). */
let utf8Width = 1;

/** The code point of the multi-byte UTF-8 sequence at i (which ends before `to`), or INVALID. */
function utf8At(bytes: Uint8Array, i: number, to: number): number {
  const lead = bytes[i]!;
  const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc2 ? 1 : 0;
  utf8Width = 1;
  if (need === 0 || lead > 0xf4 || i + need >= to) return INVALID;
  let codePoint = lead & (0x3f >> need);
  for (let k = 1; k <= need; k++) {
    const next = bytes[i + k]!;
    if ((next & 0xc0) !== 0x80) return INVALID;
    codePoint = (codePoint << 6) | (next & 0x3f);
  }
  // Overlong forms and surrogates are not UTF-8.
  if ((need === 2 && (codePoint < 0x800 || (codePoint >= 0xd800 && codePoint <= 0xdfff))) || (need === 3 && (codePoint < 0x10000 || codePoint > 0x10ffff))) {
    return INVALID;
  }
  utf8Width = need + 1;
  return codePoint;
}

const utf8Decoder = new TextDecoder();

/** The folded form of bytes[start, end) — one word as tokenizeUtf8 saw it. */
export function foldedWordUtf8(bytes: Uint8Array, start: number, end: number): string {
  const word = utf8Decoder.decode(bytes.subarray(start, end));
  return foldedWord(word, 0, word.length);
}

/** Marks a unit past the folding table. */
const PAST_TABLE = -3;

/** Whether the unusual character at i (a multi-letter fold or one past the table) is a letter or digit. */
function startsWord(text: string, i: number, fold: number): boolean {
  if (fold === LONG) return true;
  const units = foldPastTable(text.codePointAt(i)!);
  return units !== null && units.length > 0;
}

/** UTF-16 units of the character at i (2 for a surrogate pair). */
function width(text: string, i: number): number {
  return text.codePointAt(i)! > 0xffff ? 2 : 1;
}

/** The folded form of text[start, end) — one word as tokenize saw it. */
export function foldedWord(text: string, start: number, end: number): string {
  let out = '';
  let length = 0;
  for (let i = start; i < end && length < MAX_TERM_LENGTH; i++) {
    const code = text.charCodeAt(i);
    const fold = code < TABLE_SIZE ? FOLD[code]! : 0;
    if (fold > 0) { out += String.fromCharCode(fold); length++; continue; }
    let units: number[] | null = null;
    if (fold === LONG) units = LONG_FOLDS.get(code)!;
    else if (code >= TABLE_SIZE) {
      const codePoint = text.codePointAt(i)!;
      if (codePoint > 0xffff) i++;
      units = foldPastTable(codePoint);
    }
    for (const unit of units ?? []) {
      if (length >= MAX_TERM_LENGTH) break;
      out += String.fromCharCode(unit);
      length++;
    }
  }
  return out;
}

/** The two hashes of an already folded word, equal to what tokenize computes for it. */
export function termHashes(term: string): [number, number] {
  const length = Math.min(term.length, MAX_TERM_LENGTH);
  const [h1, h2] = unitHashes(term, length);
  return [h1, finish2(h2, length)];
}

/** The tokenizer's two running hashes over the first `length` UTF-16 units of a string, before the length is mixed in. */
export function unitHashes(text: string, length: number): [number, number] {
  let h1 = SEED_1;
  let h2 = SEED_2;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ unit, 0x01000193);
    h2 = Math.imul(h2 ^ unit, 0x5bd1e995);
  }
  return [h1, h2];
}

export interface Word { word: string; start: number; end: number }

/** The folded words of a short text with where each sits in it (queries, snippets). */
export function wordsOf(text: string): Word[] {
  const tokens = new Tokens();
  tokenize(text, tokens);
  const out: Word[] = [];
  for (let i = 0; i < tokens.count; i++) {
    const start = tokens.start[i]!;
    const end = tokens.end[i]!;
    out.push({ word: foldedWord(text, start, end), start, end });
  }
  return out;
}

/** Folds a whole string the way words are folded ("Étude de cas" → "etude de cas"). */
export function fold(text: string): string {
  return wordsOf(text).map((w) => w.word).join(' ');
}
