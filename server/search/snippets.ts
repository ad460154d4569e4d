// Snippets: the piece of an asset that shows why it matched, with the matched words located (not marked up:
// the UI wraps them in <mark>, so titles holding "<script>" stay text everywhere).
import { isQualifier } from './query-plan.ts';
import { sliceEnd, termHashes, Tokens, tokenize } from './text.ts';

export const SNIPPET_FIELDS = ['title', 'tags', 'labels', 'filename', 'description', 'text'] as const;
export type SnippetField = (typeof SNIPPET_FIELDS)[number];

export interface Snippet {
  field: SnippetField;
  text: string;
  /** Matched words as [start, end) offsets into `text` (UTF-16 units, as JavaScript strings count). */
  highlights: { start: number; end: number }[];
}

/** About this many characters of a long field around the matches. */
const WINDOW = 180;
/** A long document is scanned this far at most for its best window (and no more of it is read). */
export const SCAN_LIMIT = 400_000;
const SCAN_SLICE = 1_024;

interface Match { start: number; end: number; word: number }

/** Scratch for findMatches: 20 hits × 6 fields a search would otherwise allocate 120 sets of token arrays. */
const tokens = new Tokens();

/**
 * The snippet for one hit: the field (in the order of SNIPPET_FIELDS) matching the most query words, and in a
 * long field the window holding most of them. `matched` lists, per query word, the indexed words it stands for.
 */
export function snippet(fields: Partial<Record<SnippetField, string>>, matched: { word: string; terms: string[] }[]): Snippet | null {
  const wanted = new WantedTerms(matched);
  if (wanted.empty) return null;
  // A bare number or letter never matched in the text (see isQualifier): its page numbers are not marked either.
  const inText = matched.some((m) => isQualifier(m.word)) ? new WantedTerms(matched.map((m) => (isQualifier(m.word) ? { word: m.word, terms: [] } : m))) : wanted;
  let best: { field: SnippetField; value: string; matches: Match[]; words: number } | null = null;
  for (const field of SNIPPET_FIELDS) {
    const value = fields[field];
    if (!value) continue;
    const matches = findMatches(value, field === 'text' ? inText : wanted, matched.length);
    const words = new Set(matches.map((m) => m.word)).size;
    if (words > (best?.words ?? 0)) best = { field, value, matches, words };
    if (best && best.words === matched.length) break;
  }
  if (!best) return null;
  return cut(best.field, best.value, best.matches);
}

/** The indexed words to look for, by their tokenizer hashes: a token is checked without making a string of it. */
class WantedTerms {
  private byHash = new Map<number, { hash2: number; word: number }[]>();
  constructor(matched: { word: string; terms: string[] }[]) {
    matched.forEach((m, word) => {
      for (const term of m.terms) {
        const [h1, h2] = termHashes(term);
        const list = this.byHash.get(h1) ?? [];
        if (!list.some((e) => e.hash2 === h2)) list.push({ hash2: h2, word });
        this.byHash.set(h1, list);
      }
    });
  }
  get empty(): boolean {
    return this.byHash.size === 0;
  }
  /** The query word a token stands for, or -1. */
  wordOf(h1: number, h2: number): number {
    const list = this.byHash.get(h1);
    if (!list) return -1;
    for (const entry of list) if (entry.hash2 === h2) return entry.word;
    return -1;
  }
}

/** Where the indexed words occur in `text`; a long text is read in slices and only until all words are seen. */
function findMatches(text: string, wanted: WantedTerms, wordCount: number): Match[] {
  const matches: Match[] = [];
  const seen = new Set<number>();
  const limit = Math.min(text.length, SCAN_LIMIT);
  for (let from = 0; from < limit;) {
    const to = sliceEnd(text, from, limit, SCAN_SLICE);
    tokenize(from === 0 && to === text.length ? text : text.slice(from, to), tokens);
    for (let i = 0; i < tokens.count; i++) {
      const word = wanted.wordOf(tokens.hash1[i]!, tokens.hash2[i]!);
      if (word < 0) continue;
      matches.push({ start: from + tokens.start[i]!, end: from + tokens.end[i]!, word });
      seen.add(word);
    }
    // Every word seen, or a few windows read past the first match: the snippet is cut near there anyway.
    if (matches.length && ((seen.size === wordCount && to - matches[0]!.start > WINDOW) || to - matches[0]!.start > 4 * WINDOW)) break;
    from = to;
  }
  return matches;
}

/** Cuts a window of about WINDOW characters holding the most distinct matched words. */
function cut(field: SnippetField, value: string, matches: Match[]): Snippet {
  if (value.length <= WINDOW + 40) {
    return { field, text: value, highlights: matches.map(({ start, end }) => ({ start, end })) };
  }
  let bestStart = 0;
  let bestWords = 0;
  for (let i = 0; i < matches.length; i++) {
    const words = new Set<number>();
    for (let j = i; j < matches.length && matches[j]!.end - matches[i]!.start <= WINDOW; j++) words.add(matches[j]!.word);
    if (words.size > bestWords) { bestWords = words.size; bestStart = i; }
  }
  const first = matches[bestStart]!;
  // Start a little before the first match, at a word boundary.
  let start = Math.max(0, first.start - 40);
  if (start > 0) {
    const space = value.indexOf(' ', start);
    start = space >= 0 && space < first.start ? space + 1 : first.start;
  }
  let end = Math.min(value.length, start + WINDOW);
  if (end < value.length) {
    const space = value.lastIndexOf(' ', end);
    if (space > first.end) end = space;
  }
  const prefix = start > 0 ? '… ' : '';
  const suffix = end < value.length ? ' …' : '';
  const text = `${prefix}${value.slice(start, end).replace(/\s+/g, ' ')}${suffix}`;
  // Offsets shift where whitespace runs were squeezed; recompute them on the final text.
  const highlights = matches.filter((m) => m.start >= start && m.end <= end).map((m) => {
    const before = value.slice(start, m.start).replace(/\s+/g, ' ').length;
    return { start: prefix.length + before, end: prefix.length + before + (m.end - m.start) };
  });
  return { field, text, highlights };
}
