import { wordsOf } from './text.ts';

/** Past this a query is cut, not refused: nobody types more, and pasted paragraphs should still find something. */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_WORDS = 10;

export interface QueryWord {
  /** Folded: lower case, no accents. */
  text: string;
  /** The word being typed (last, unquoted, nothing after it): completions count too. */
  prefix: boolean;
  /** Inside quotes: this exact word, no completions or typo tolerance. */
  exact: boolean;
}

export interface ParsedQuery {
  /** The query as logged: trimmed and cut; empty when it has no words. */
  text: string;
  words: QueryWord[];
}

/**
 * Reads what the user typed. Never fails: punctuation alone is an empty query (browse), an unbalanced
 * quote runs to the end, and anything past MAX_QUERY_CHARS or MAX_QUERY_WORDS is dropped.
 */
export function parseQuery(raw: string): ParsedQuery {
  let text = raw.replace(/\s+/g, ' ').trimStart();
  if (text.length > MAX_QUERY_CHARS) {
    const cut = text.slice(0, MAX_QUERY_CHARS);
    // Cut at a word boundary so the last word is not taken for a prefix the user was typing.
    const lastSpace = cut.lastIndexOf(' ');
    text = lastSpace > MAX_QUERY_CHARS / 2 ? cut.slice(0, lastSpace + 1) : `${cut} `;
  }
  const words: QueryWord[] = [];
  const seen = new Map<string, QueryWord>();
  let quoted = false;
  let offset = 0;
  for (const segment of text.split('"')) {
    for (const { word, end } of wordsOf(segment)) {
      const atEnd = offset + end === text.length;
      const existing = seen.get(word);
      if (existing) {
        existing.exact ||= quoted;
        continue;
      }
      if (words.length === MAX_QUERY_WORDS) break;
      const entry = { text: word, prefix: !quoted && atEnd, exact: quoted };
      seen.set(word, entry);
      words.push(entry);
    }
    offset += segment.length + 1;
    quoted = !quoted;
  }
  // Only the very last word is being typed.
  for (let i = 0; i < words.length - 1; i++) words[i]!.prefix = false;
  // Punctuation alone ("*", "---", "?!") is no query at all: browsed, logged and answered as the empty one.
  return { text: words.length ? text.trim() : '', words };
}
