// The default title of an upload, derived from its file name. One rule for the upload queue (which shows it
// in an editable field) and the server (which uses it when no title is sent); the server imports this file.

/** The longest title the API accepts (AssetMetadata.title). */
export const TITLE_MAX_LENGTH = 300;

// An extension is a short run of letters and digits after the last dot ("pptx", "v2" is not one when more follows).
const EXTENSION = /\.[A-Za-z0-9]{1,10}$/;

/**
 * A readable title from a file name: without its extension, with underscores, dots and word-joining hyphens
 * read as spaces (a hyphen between digits, as in a date, stays), the first letter capitalised, and cut on a
 * word boundary to fit `maxLength`. "Q3_pricing-deck_FINAL.v2.pdf" → "Q3 pricing deck FINAL v2".
 */
export function titleFromFileName(fileName: string, maxLength = TITLE_MAX_LENGTH): string {
  const name = fileName.split(/[/\\]/).pop() ?? '';
  const stem = name.replace(/^\.+/, '').replace(EXTENSION, '') || name;
  const spaced = stem
    .replace(/[_.]+/g, ' ')
    .replace(/(?<!\d)-+|-+(?!\d)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!spaced) return 'Untitled';
  return cutOnWord(spaced.charAt(0).toLocaleUpperCase() + spaced.slice(1), maxLength);
}

/** The text if it fits; else its words up to `maxLength` (ellipsis included), or a hard cut when one word is longer. */
export function cutOnWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const room = text.slice(0, maxLength - 1);
  const space = room.lastIndexOf(' ');
  // A word boundary far back would throw away most of the name: then cut inside the word.
  let kept = space >= maxLength / 2 ? room.slice(0, space) : room;
  // Never split a surrogate pair (an emoji) in two.
  if (/[\uD800-\uDBFF]$/.test(kept)) kept = kept.slice(0, -1);
  return `${kept.trimEnd()}…`;
}
