// Uploaded SVG is only ever rasterised, never served as SVG. Before librsvg sees it, everything that could run,
// fetch or expand is removed (it executes no script and, reading from memory, resolves no relative files anyway).

const DOCTYPE = /<!DOCTYPE(?:[^[>]|\[[\s\S]*?\])*>/gi;
const BLOCKED = 'script|foreignObject|iframe|object|embed|audio|video|handler|listener';
const BLOCKED_EMPTY = new RegExp(`<(?:${BLOCKED})\\b[^>]*\\/>`, 'gi');
const BLOCKED_ELEMENTS = new RegExp(`<(${BLOCKED})\\b[^>]*>[\\s\\S]*?<\\/\\1\\s*>`, 'gi');
// Whatever is left of them (an unclosed <script>): the tags at least go.
const BLOCKED_TAGS = new RegExp(`<\\/?(?:${BLOCKED})\\b[^>]*>`, 'gi');
const EVENT_ATTRIBUTES = /\s(?:on[a-z]+|xml:base)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;
// Links may point inside the document (#id) or carry an inline raster image; nothing else.
const LINKS = /\s((?:xlink:)?href|src)\s*=\s*("([^"]*)"|'([^']*)')/gi;
const SAFE_LINK = /^\s*(#|data:image\/(png|jpe?g|gif|webp);base64,)/i;
const CSS_URL = /url\(\s*(['"]?)(?!\s*#)[^)]*\)/gi;
const CSS_IMPORT = /@import[^;]*;?/gi;
const STYLESHEET_PI = /<\?xml-stylesheet[\s\S]*?\?>/gi;

export function sanitiseSvg(source: string): string {
  return source
    .replace(DOCTYPE, '')
    .replace(STYLESHEET_PI, '')
    .replace(BLOCKED_EMPTY, '')
    .replace(BLOCKED_ELEMENTS, '')
    .replace(BLOCKED_TAGS, '')
    .replace(EVENT_ATTRIBUTES, '')
    .replace(LINKS, (whole, _name: string, _quoted: string, double?: string, single?: string) => (SAFE_LINK.test(double ?? single ?? '') ? whole : ''))
    .replace(CSS_IMPORT, '')
    .replace(CSS_URL, 'none');
}
