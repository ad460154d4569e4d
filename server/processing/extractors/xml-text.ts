// Text out of Office XML by scanning tags, never with a DTD-processing parser: entities a document declares
// are not expanded (no billion laughs), nothing external is resolved, and the work is linear in the input.

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric references; anything else stays as written. */
export function decodeXmlText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name) return PREDEFINED[name]!;
    const code = dec ? Number(dec) : parseInt(hex!, 16);
    return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
  });
}

export interface TextRules {
  /** Elements whose character data is text; 'all' takes every character data inside `within`. */
  text: ReadonlySet<string> | 'all';
  /** With text 'all': only character data inside this element counts. */
  within?: string;
  /** Elements that end a paragraph (a line break in the output). */
  paragraph: ReadonlySet<string>;
  tab?: ReadonlySet<string>;
  lineBreak?: ReadonlySet<string>;
  /** ODF's <text:s text:c="3"/>: that many spaces. */
  spaces?: string;
}

// Comments, CDATA, declarations and processing instructions, tags, or character data.
const TOKEN = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)([^>]*?)(\/?)>|([^<]+)|</g;

/** The document's text with one line per paragraph, at most `maxChars` characters. */
export function xmlText(xml: string, rules: TextRules, maxChars: number): string {
  const out: string[] = [];
  let length = 0;
  let inText = 0;
  let inScope = rules.within ? 0 : 1;
  const push = (s: string) => {
    out.push(s);
    length += s.length;
  };
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(xml); match && length < maxChars; match = TOKEN.exec(xml)) {
    const [, cdata, closing, name, attributes, selfClosing, chars] = match;
    if (chars !== undefined || cdata !== undefined) {
      const counts = rules.text === 'all' ? inScope > 0 : inText > 0;
      if (counts) push(cdata ?? decodeXmlText(chars!));
      continue;
    }
    if (!name) continue;
    if (name === rules.within) inScope += closing ? -1 : selfClosing ? 0 : 1;
    if (rules.text !== 'all' && rules.text.has(name) && !selfClosing) inText = Math.max(0, inText + (closing ? -1 : 1));
    if (closing) {
      if (rules.paragraph.has(name) && inScope > 0) push('\n');
      continue;
    }
    if (inScope <= 0 && rules.text === 'all') continue;
    if (rules.tab?.has(name)) push('\t');
    else if (rules.lineBreak?.has(name)) push('\n');
    else if (name === rules.spaces) push(' '.repeat(Math.min(100, Number(/c="(\d+)"/.exec(attributes ?? '')?.[1] ?? 1))));
    else if (selfClosing && rules.paragraph.has(name) && inScope > 0) push('\n');
  }
  return tidy(out.join('')).slice(0, maxChars);
}

/** The character data of the first element with this name, or undefined. */
export function elementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name.replace(/[.:]/g, '\\$&')}(?:\\s[^>]*)?>([^<]*)</${name.replace(/[.:]/g, '\\$&')}>`).exec(xml);
  return match ? decodeXmlText(match[1]!).trim() : undefined;
}

/** One space between words, no blank-line runs, no control characters. */
export function tidy(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t\u00a0]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
