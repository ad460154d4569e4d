import fs from 'node:fs/promises';
import { MAX_PLAIN_TEXT_BYTES, MAX_TEXT_CHARS } from '../limits.ts';
import { tidy } from './xml-text.ts';

/** Plain text, Markdown and CSV as they are; RTF with its control words stripped. */
export async function plainText(file: string, mimeType: string): Promise<{ text: string; truncated: boolean }> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(Math.min((await handle.stat()).size, MAX_PLAIN_TEXT_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const truncated = bytesRead === MAX_PLAIN_TEXT_BYTES;
    let text = new TextDecoder('utf-8', { fatal: false }).decode(buffer.subarray(0, bytesRead)).replace(/^\uFEFF/, '');
    if (mimeType === 'application/rtf') text = rtfText(text);
    return { text: tidy(text).slice(0, MAX_TEXT_CHARS), truncated: truncated || text.length > MAX_TEXT_CHARS };
  } finally {
    await handle.close();
  }
}

/** Good enough for search: drops groups that hold no text (fonts, colours, pictures) and control words. */
function rtfText(rtf: string): string {
  return rtf
    .replace(/\{\\\*?\\(?:fonttbl|colortbl|stylesheet|info|pict|object|themedata|datastore|latentstyles|generator)\b(?:[^{}]|\{[^{}]*\})*\}/g, '')
    .replace(/\\par[d]?\b ?/g, '\n')
    .replace(/\\tab\b ?/g, '\t')
    .replace(/\\'([0-9a-fA-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(/\\u(-?\d+)\??/g, (_m, code: string) => String.fromCharCode((Number(code) + 65536) % 65536))
    .replace(/\\[a-zA-Z]+-?\d* ?/g, '')
    .replace(/\\([{}\\])/g, '$1')
    .replace(/[{}]/g, '');
}
