import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { cardSvg, renderCard } from '../../server/processing/card.ts';
import { mediaDuration } from '../../server/processing/extractors/media.ts';
import { pageCountFromPageTree } from '../../server/processing/extractors/pdf.ts';
import { sanitiseSvg, UnreadableSvg } from '../../server/processing/extractors/svg.ts';
import { decodeXmlText, xmlText } from '../../server/processing/extractors/xml-text.ts';
import { openZip } from '../../server/processing/extractors/zip.ts';
import { perceptualHash, thumbnailPixels } from '../../server/processing/phash.ts';
import { encryptedPdf, mp4, photo, rawZip, wav } from '../support/files.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'content-hub-extractors-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: Buffer): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

describe('Office XML text', () => {
  const word = { text: new Set(['w:t']), paragraph: new Set(['w:p']), tab: new Set(['w:tab']), lineBreak: new Set(['w:br']) };

  it('keeps paragraphs, tabs and breaks, and decodes only predefined and numeric entities', () => {
    const xml = '<w:p><w:r><w:t>Price &amp; value</w:t><w:tab/><w:t xml:space="preserve"> &#8364;10 &#x2014; net</w:t></w:r></w:p><w:p><w:r><w:t>Line</w:t><w:br/><w:t>two &custom;</w:t></w:r></w:p>';
    expect(xmlText(xml, word, 1000)).toBe('Price & value\t €10 — net\nLine\ntwo &custom;');
  });

  it('ignores text outside text elements (field codes, deleted runs) and caps the length', () => {
    expect(xmlText('<w:p><w:instrText>PAGE</w:instrText><w:t>kept</w:t><w:delText>gone</w:delText></w:p>', word, 1000)).toBe('kept');
    expect(xmlText(`<w:p><w:t>${'x'.repeat(5000)}</w:t></w:p>`, word, 100)).toHaveLength(100);
  });

  it('never expands a document type’s entities, so a billion-laughs part stays small and quick', () => {
    const levels = Array.from({ length: 10 }, (_, i) => `<!ENTITY l${i + 1} "${`&l${i};`.repeat(10)}">`).join('');
    const started = performance.now();
    const text = xmlText(`<!DOCTYPE d [<!ENTITY l0 "ha">${levels}]><w:p><w:t>&l10;</w:t></w:p>`, word, 1_000_000);
    expect(text).toBe('&l10;');
    expect(performance.now() - started).toBeLessThan(100);
    expect(decodeXmlText('&#0; &#xD800; &#x110000;')).toBe('&#0; &#xD800; &#x110000;');
  });
});

describe('zip limits', () => {
  it('refuses a zip with more entries than allowed before reading any', async () => {
    const many = file('many.zip', rawZip(Array.from({ length: 30 }, (_, i) => ({ name: `f${i}.xml`, data: Buffer.from('x') }))));
    await expect(openZip(many, { maxEntries: 20, maxEntryBytes: 1000, maxTotalBytes: 1000, maxThumbnailBytes: 1000 })).rejects.toThrow(/30 parts/);
  });

  it('stops at the budget for all parts together', async () => {
    const parts = file('parts.zip', rawZip([{ name: 'a.xml', data: Buffer.alloc(600) }, { name: 'b.xml', data: Buffer.alloc(600) }]));
    const zip = await openZip(parts, { maxEntries: 10, maxEntryBytes: 1000, maxTotalBytes: 1000, maxThumbnailBytes: 1000 });
    try {
      expect((await zip.read('a.xml')).length).toBe(600);
      await expect(zip.read('b.xml')).rejects.toThrow(/unpacks to/);
    } finally {
      zip.close();
    }
  });
});

describe('SVG sanitising', () => {
  it('removes scripts, event handlers, external links, style imports and the doctype', () => {
    const clean = sanitiseSvg(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg onload="alert(1)" xmlns:xlink="http://www.w3.org/1999/xlink">
      <script>alert(2)</script><script href="https://evil.test/x.js"/><style>@import url(https://evil.test/a.css); .a{fill:url(https://evil.test/p#x)} .b{fill:url(#local)}</style>
      <image href="https://evil.test/i.png"/><image xlink:href='data:image/png;base64,AAAA'/><use href="#local"/><a href="javascript:alert(3)"><rect/></a>
      <foreignObject><iframe src="https://evil.test"/></foreignObject></svg>`);
    for (const gone of ['DOCTYPE', 'ENTITY', 'onload', 'script', 'evil.test', 'javascript:', 'foreignObject', '@import']) expect(clean).not.toContain(gone);
    expect(clean).toContain('xlink:href="data:image/png;base64,AAAA"');
    expect(clean).toContain('href="#local"');
    expect(clean).toContain('url(#local)');
  });

  it('judges links by their namespace, not their prefix: any prefix bound to xlink loses its external links', () => {
    const clean = sanitiseSvg(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:q="http://www.w3.org/1999/xlink" width="10" height="10">
      <image q:href="http://127.0.0.1:9/q.png"/><image q:href="file:///etc/passwd"/><image q:href="  HTTP://evil.test/x"/>
      <g xmlns:z="http://www.w3.org/1999/xlink"><use z:href="https://evil.test/sprite.svg#i"/><use z:href="#kept" z:title="t"/></g>
      <image xmlns:other="urn:other" other:href="https://evil.test/o.png"/><a q:href="javascript:alert(1)" q:show="new"><rect/></a></svg>`);
    for (const gone of ['127.0.0.1', 'file:', 'evil.test', 'javascript:', 'q:show', 'z:title']) expect(clean).not.toContain(gone);
    expect(clean).toContain('z:href="#kept"');
  });

  it('drops CSS written with escapes, which can spell url( past any pattern, and links hidden in entities', () => {
    const clean = sanitiseSvg(String.raw`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
      <style>.a { fill: \75rl(http://evil.test/p#x) }</style><rect style="fill: \75 rl(http://evil.test/s)" fill="u\rl(http://evil.test/f)"/>
      <rect filter="url(https://evil.test/f.svg#blur)" mask="url(#m)"/><image xlink:href="&#104;ttp://evil.test/e.png"/></svg>`);
    expect(clean).not.toContain('evil.test');
    expect(clean).toContain('mask="url(#m)"');
  });

  it('refuses markup that is not XML instead of guessing at it', () => {
    expect(() => sanitiseSvg('<svg xmlns="http://www.w3.org/2000/svg"><g></svg>')).toThrow(UnreadableSvg);
    expect(() => sanitiseSvg('not an svg at all')).toThrow(UnreadableSvg);
  });
});

describe('generated card', () => {
  it('escapes the title and renders to a WebP', async () => {
    const svg = cardSvg({ kind: 'presentation', extension: 'pptx', title: '"><script>alert(1)</script> Q3 & beyond \u202Egnp' });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('Q3 &amp; beyond');
    expect(svg).not.toContain('\u202E');
    const card = await renderCard({ kind: 'presentation', extension: 'pptx', title: '<b>Deck</b>' }, 'thumbnail');
    expect(await sharp(card).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 });
  });
});

describe('perceptual hash', () => {
  const distance = (a: string, b: string) => [...(BigInt(`0x${a}`) ^ BigInt(`0x${b}`)).toString(2)].filter((c) => c === '1').length;

  it('finds the same picture through resizing and re-encoding, and tells different pictures apart', async () => {
    const original = await photo(800, 600, 21);
    const hash = (perceptualHash(await thumbnailPixels(original)))!;
    const smallJpeg = await sharp(original).resize(400).jpeg({ quality: 60 }).toBuffer();
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(distance(hash, (perceptualHash(await thumbnailPixels(smallJpeg)))!)).toBeLessThanOrEqual(4);
    expect(distance(hash, (perceptualHash(await thumbnailPixels(await photo(800, 600, 22))))!)).toBeGreaterThan(10);
  });

  it('gives flat images no hash (nothing to compare)', async () => {
    const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#3366cc' } }).png().toBuffer();
    expect(perceptualHash(await thumbnailPixels(flat))).toBeNull();
  });
});

describe('headers without ffmpeg', () => {
  it('reads the duration of MP4 and WAV, and nothing of other files', async () => {
    expect(await mediaDuration(file('a.mp4', mp4(12.25)), 'video/mp4')).toBe(12.25);
    expect(await mediaDuration(file('a.wav', wav(2)), 'audio/wav')).toBe(2);
    expect(await mediaDuration(file('junk.mp4', Buffer.from('not a movie at all')), 'video/mp4')).toBeNull();
    expect(await mediaDuration(file('a.mp3', Buffer.alloc(100)), 'audio/mpeg')).toBeNull();
  });

  it('counts the pages of a PDF it cannot open from its page tree', async () => {
    expect(pageCountFromPageTree(await encryptedPdf())).toBe(1);
    expect(pageCountFromPageTree(Buffer.from('%PDF-1.4 nothing here'))).toBeNull();
  });
});
