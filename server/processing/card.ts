import { createHash } from 'node:crypto';
import sharp from 'sharp';

/** What a generated card shows: the kind's colour, the file's extension in big letters, the title. */
export interface CardContent { kind: string; extension: string; title: string; note?: string }

const COLOURS: Record<string, [background: string, accent: string]> = {
  document: ['#e8effd', '#2556c9'],
  presentation: ['#fdeee6', '#c4501a'],
  spreadsheet: ['#e6f5ea', '#1d7a3b'],
  image: ['#f1eafb', '#7a3bc4'],
  video: ['#fbe8e8', '#b42323'],
  audio: ['#e4f4f7', '#0e7486'],
  archive: ['#eef0f3', '#4b5563'],
  other: ['#eef0f3', '#4b5563'],
};

export const CARD_SIZES = { thumbnail: { width: 320, height: 240 }, preview: { width: 1280, height: 960 } } as const;

/** Text into SVG: markup characters escaped, control and bidi-override characters dropped. */
export function escapeSvgText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Breaks a title into at most `lines` lines of about `width` characters, with an ellipsis when cut. */
function wrap(text: string, width: number, lines: number): string[] {
  const words = text.replace(/\s+/g, ' ').trim().split(' ').flatMap((w) => (w.length > width ? w.match(new RegExp(`.{1,${width}}`, 'gu')) ?? [w] : [w]));
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    if ((line ? `${line} ${word}` : word).length <= width) {
      line = line ? `${line} ${word}` : word;
      continue;
    }
    out.push(line);
    line = word;
    if (out.length === lines) break;
  }
  if (out.length < lines && line) out.push(line);
  const used = out.join(' ').length;
  if (used < text.replace(/\s+/g, ' ').trim().length && out.length) out[out.length - 1] = `${out.at(-1)!.slice(0, width - 1).trimEnd()}…`;
  return out;
}

/** The card as SVG on a 640 × 480 canvas. */
export function cardSvg({ kind, extension, title, note }: CardContent): string {
  const [background, accent] = COLOURS[kind] ?? COLOURS.other!;
  const label = escapeSvgText(extension.toUpperCase().slice(0, 6) || kind.toUpperCase().slice(0, 6));
  const titleLines = wrap(title || 'Untitled', 26, note ? 2 : 3).map((line, i) =>
    `<text x="48" y="${300 + i * 44}" font-size="34" fill="#1f2937">${escapeSvgText(line)}</text>`).join('');
  const noteLine = note ? `<text x="48" y="${300 + 2 * 44 + 10}" font-size="26" fill="${accent}">${escapeSvgText(note.slice(0, 60))}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480" viewBox="0 0 640 480">
<rect width="640" height="480" fill="${background}"/>
<rect width="640" height="14" fill="${accent}"/>
<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif">
<text x="48" y="200" font-size="120" font-weight="bold" fill="${accent}">${label}</text>
${titleLines}${noteLine}
<text x="592" y="448" font-size="22" fill="#6b7280" text-anchor="end">${escapeSvgText(kind)}</text>
</g></svg>`;
}

/** A stable key for a card's content and size, for caching and ETags. */
export function cardKey(content: CardContent, size: keyof typeof CARD_SIZES): string {
  return createHash('sha256').update(JSON.stringify([content.kind, content.extension, content.title, content.note ?? '', size, 1])).digest('hex').slice(0, 32);
}

/** The card as WebP. Our own SVG (the title escaped), so rendering it in-process is safe. */
export async function renderCard(content: CardContent, size: keyof typeof CARD_SIZES): Promise<Buffer> {
  const { width, height } = CARD_SIZES[size];
  return sharp(Buffer.from(cardSvg(content)), { density: 72 * (width / 640) }).resize(width, height).webp({ quality: 85 }).toBuffer();
}
