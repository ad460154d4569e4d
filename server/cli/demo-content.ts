// The files of the demo library, generated on the spot: PDFs with pages of real text (so extraction, search and
// previews have something to work on), pictures, and small Word documents and PowerPoint decks. Deterministic: the
// same entry makes the same bytes, so a library made twice has the same blobs.
import { strToU8, zipSync } from 'fflate';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';

export interface Section {
  heading: string;
  paragraphs: string[];
  /** A bar chart under the text: a label and a value per bar. */
  chart?: { caption: string; bars: [label: string, value: number][] };
}

export interface DocumentContent { title: string; subtitle: string; sections: Section[]; hue: number }

export interface PictureContent { title: string; subtitle: string; hue: number; style: 'banner' | 'infographic' | 'quote'; figures?: [value: string, label: string][] }

const COMPANY = 'Lumen Analytics';
const PAGE = { width: 595, height: 842, margin: 56 };

/** The colour of a hue at the given saturation and lightness (0–1), for pdf-lib. */
function hsl(hue: number, saturation: number, lightness: number) {
  const a = saturation * Math.min(lightness, 1 - lightness);
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12;
    return lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
  };
  return rgb(channel(0), channel(8), channel(4));
}

/**
 * What the standard fonts can draw: WinAnsi, which has the accents of French, German and Spanish and typographic
 * quotes and dashes; anything else loses its accents or goes, rather than making pdf-lib throw.
 */
function drawable(text: string): string {
  const extras = '€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ';
  return [...text].map((c) => {
    const code = c.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || extras.includes(c)) return c;
    return c.normalize('NFKD').replace(/[^\x20-\x7e]/g, '');
  }).join('');
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of drawable(text).split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A report-like PDF: a cover page, then a page per section with its text and, where it has one, a chart. */
export async function pdfDocument(content: DocumentContent): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const accent = hsl(content.hue, 0.65, 0.42);
  const ink = rgb(0.12, 0.13, 0.18);
  const muted = rgb(0.42, 0.43, 0.48);
  const textWidth = PAGE.width - 2 * PAGE.margin;
  const total = content.sections.length + 1;

  const footer = (page: PDFPage, n: number) => {
    page.drawLine({ start: { x: PAGE.margin, y: 52 }, end: { x: PAGE.width - PAGE.margin, y: 52 }, thickness: 0.5, color: muted });
    page.drawText(drawable(`${COMPANY} · ${content.title}`).slice(0, 90), { x: PAGE.margin, y: 36, size: 8, font, color: muted });
    page.drawText(`${n} / ${total}`, { x: PAGE.width - PAGE.margin - 24, y: 36, size: 8, font, color: muted });
  };

  const cover = doc.addPage([PAGE.width, PAGE.height]);
  cover.drawRectangle({ x: 0, y: PAGE.height - 360, width: PAGE.width, height: 360, color: accent });
  cover.drawText(COMPANY.toUpperCase(), { x: PAGE.margin, y: PAGE.height - 80, size: 11, font: bold, color: rgb(1, 1, 1) });
  let y = PAGE.height - 200;
  for (const line of wrap(content.title, bold, 30, textWidth)) {
    cover.drawText(line, { x: PAGE.margin, y, size: 30, font: bold, color: rgb(1, 1, 1) });
    y -= 38;
  }
  y = PAGE.height - 420;
  for (const line of wrap(content.subtitle, font, 14, textWidth)) {
    cover.drawText(line, { x: PAGE.margin, y, size: 14, font, color: ink });
    y -= 20;
  }
  y -= 24;
  cover.drawText('Contents', { x: PAGE.margin, y, size: 12, font: bold, color: ink });
  for (const [i, section] of content.sections.entries()) {
    y -= 18;
    cover.drawText(drawable(`${i + 2}   ${section.heading}`), { x: PAGE.margin, y, size: 11, font, color: ink });
  }
  footer(cover, 1);

  for (const [i, section] of content.sections.entries()) {
    const page = doc.addPage([PAGE.width, PAGE.height]);
    page.drawRectangle({ x: 0, y: PAGE.height - 8, width: PAGE.width, height: 8, color: accent });
    y = PAGE.height - 90;
    for (const line of wrap(section.heading, bold, 20, textWidth)) {
      page.drawText(line, { x: PAGE.margin, y, size: 20, font: bold, color: ink });
      y -= 26;
    }
    y -= 8;
    for (const paragraph of section.paragraphs) {
      for (const line of wrap(paragraph, font, 11, textWidth)) {
        page.drawText(line, { x: PAGE.margin, y, size: 11, font, color: ink });
        y -= 16;
      }
      y -= 10;
    }
    if (section.chart) drawChart(page, section.chart, { top: y - 10, accent, ink, muted, font, bold });
    footer(page, i + 2);
  }
  doc.setTitle(drawable(content.title));
  doc.setAuthor(COMPANY);
  doc.setSubject(drawable(content.subtitle));
  // Fixed dates: the same content gives the same bytes (pdf-lib stamps the current time otherwise).
  doc.setCreationDate(new Date('2026-01-15T09:00:00Z'));
  doc.setModificationDate(new Date('2026-01-15T09:00:00Z'));
  return Buffer.from(await doc.save());
}

function drawChart(page: PDFPage, chart: NonNullable<Section['chart']>, style: { top: number; accent: ReturnType<typeof rgb>; ink: ReturnType<typeof rgb>; muted: ReturnType<typeof rgb>; font: PDFFont; bold: PDFFont }) {
  const height = 180;
  const bottom = Math.max(90, style.top - height - 30);
  const max = Math.max(...chart.bars.map(([, value]) => value), 1);
  const slot = (PAGE.width - 2 * PAGE.margin) / chart.bars.length;
  page.drawText(drawable(chart.caption), { x: PAGE.margin, y: bottom + height + 12, size: 10, font: style.bold, color: style.ink });
  page.drawLine({ start: { x: PAGE.margin, y: bottom }, end: { x: PAGE.width - PAGE.margin, y: bottom }, thickness: 0.8, color: style.muted });
  for (const [i, [label, value]] of chart.bars.entries()) {
    const barHeight = (value / max) * (height - 20);
    const x = PAGE.margin + i * slot + slot * 0.2;
    page.drawRectangle({ x, y: bottom, width: slot * 0.6, height: barHeight, color: style.accent });
    page.drawText(String(value), { x, y: bottom + barHeight + 4, size: 9, font: style.bold, color: style.ink });
    page.drawText(drawable(label).slice(0, 16), { x, y: bottom - 14, size: 8, font: style.font, color: style.muted });
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A social or web picture (1200 × 630): a banner, a few big figures, or a customer quote. */
export async function pngPicture(content: PictureContent): Promise<Buffer> {
  const { hue } = content;
  const figures = (content.figures ?? []).map(([value, label], i) => {
    const x = 60 + i * 370;
    return `<rect x="${x}" y="300" width="330" height="220" rx="18" fill="#ffffff" fill-opacity="0.14"/>
<text x="${x + 30}" y="400" font-family="sans-serif" font-size="72" font-weight="700" fill="#fff">${escapeXml(value)}</text>
<text x="${x + 30}" y="460" font-family="sans-serif" font-size="26" fill="#fff">${escapeXml(label)}</text>`;
  }).join('');
  const body = content.style === 'quote'
    ? `<text x="60" y="260" font-family="serif" font-size="160" fill="#fff" fill-opacity="0.35">“</text>
<text x="60" y="330" font-family="sans-serif" font-size="44" font-weight="700" fill="#fff">${escapeXml(content.title)}</text>
<text x="60" y="400" font-family="sans-serif" font-size="28" fill="#fff">${escapeXml(content.subtitle)}</text>`
    : `<text x="60" y="${content.style === 'banner' ? 300 : 170}" font-family="sans-serif" font-size="56" font-weight="700" fill="#fff">${escapeXml(content.title)}</text>
<text x="60" y="${content.style === 'banner' ? 360 : 230}" font-family="sans-serif" font-size="30" fill="#fff">${escapeXml(content.subtitle)}</text>${figures}`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630">
<defs><linearGradient id="g" x1="0" x2="1" y1="0" y2="1"><stop offset="0" stop-color="hsl(${hue},70%,42%)"/><stop offset="1" stop-color="hsl(${(hue + 50) % 360},70%,28%)"/></linearGradient></defs>
<rect width="1200" height="630" fill="url(#g)"/>
<circle cx="1080" cy="110" r="190" fill="#fff" fill-opacity="0.08"/><circle cx="1140" cy="560" r="120" fill="#fff" fill-opacity="0.06"/>
${body}
<text x="60" y="590" font-family="sans-serif" font-size="22" font-weight="700" fill="#fff" fill-opacity="0.8">${COMPANY.toUpperCase()}</text></svg>`;
  return sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer();
}

const CONTENT_TYPES = (main: string, mainType: string, extra = '') => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="jpeg" ContentType="image/jpeg"/>
<Override PartName="/${main}" ContentType="${mainType}"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>${extra}
</Types>`;

const PACKAGE_RELS = (main: string, thumbnail: boolean) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="${main}"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>${thumbnail ? `
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/>` : ''}
</Relationships>`;

const CORE_PROPERTIES = (title: string) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>${escapeXml(title)}</dc:title><dc:creator>${COMPANY}</dc:creator></cp:coreProperties>`;

// A fixed time in the zip entries, so the same document gives the same bytes.
const ZIP_TIME = new Date('2026-01-15T09:00:00Z');

/** A Word document: a title, then each section as a heading and its paragraphs. */
export function docxDocument(content: DocumentContent): Buffer {
  const paragraph = (text: string, style?: string) =>
    `<w:p>${style ? `<w:pPr><w:pStyle w:val="${style}"/></w:pPr>` : ''}<w:r><w:t xml:space="preserve">${escapeXml(text)}</w:t></w:r></w:p>`;
  const body = [
    paragraph(content.title, 'Title'), paragraph(content.subtitle, 'Subtitle'),
    ...content.sections.flatMap((section) => [paragraph(section.heading, 'Heading1'), ...section.paragraphs.map((p) => paragraph(p))]),
  ].join('');
  return Buffer.from(zipSync({
    '[Content_Types].xml': strToU8(CONTENT_TYPES('word/document.xml', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml')),
    '_rels/.rels': strToU8(PACKAGE_RELS('word/document.xml', false)),
    'docProps/core.xml': strToU8(CORE_PROPERTIES(content.title)),
    'word/document.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`),
  }, { mtime: ZIP_TIME }));
}

/** A PowerPoint deck: a title slide, then a slide per section (heading and bullets), with the thumbnail office suites save. */
export async function pptxDeck(content: DocumentContent): Promise<Buffer> {
  const ns = 'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
  const slides = [{ heading: content.title, lines: [content.subtitle] }, ...content.sections.map((s) => ({ heading: s.heading, lines: s.paragraphs }))];
  const shape = (id: number, y: number, height: number, paragraphs: string[], size: number) =>
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="Text ${id}"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="457200" y="${y}"/><a:ext cx="8229600" cy="${height}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr><p:txBody><a:bodyPr wrap="square"/><a:lstStyle/>${paragraphs.map((p) => `<a:p><a:r><a:rPr lang="en-US" sz="${size}"/><a:t>${escapeXml(p)}</a:t></a:r></a:p>`).join('')}</p:txBody></p:sp>`;
  const files: Record<string, Uint8Array> = {
    '[Content_Types].xml': strToU8(CONTENT_TYPES('ppt/presentation.xml', 'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml',
      slides.map((_, i) => `\n<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join(''))),
    '_rels/.rels': strToU8(PACKAGE_RELS('ppt/presentation.xml', true)),
    'docProps/core.xml': strToU8(CORE_PROPERTIES(content.title)),
    'docProps/thumbnail.jpeg': new Uint8Array(await deckThumbnail(content)),
    'ppt/presentation.xml': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation ${ns}><p:sldIdLst>${slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('')}</p:sldIdLst><p:sldSz cx="9144000" cy="5143500"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`),
    'ppt/_rels/presentation.xml.rels': strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`),
  };
  slides.forEach((slide, i) => {
    files[`ppt/slides/slide${i + 1}.xml`] = strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld ${ns}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shape(2, 342900, 914400, [slide.heading], i === 0 ? 4000 : 3200)}${shape(3, 1371600, 3429000, slide.lines, 1800)}</p:spTree></p:cSld></p:sld>`);
  });
  return Buffer.from(zipSync(files, { mtime: ZIP_TIME }));
}

/** The deck's first slide as a small JPEG, as PowerPoint saves it in docProps/thumbnail.jpeg. */
function deckThumbnail(content: DocumentContent): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="144"><rect width="256" height="144" fill="hsl(${content.hue},65%,40%)"/>
<rect y="112" width="256" height="32" fill="#fff" fill-opacity="0.15"/>
<text x="14" y="60" font-family="sans-serif" font-size="15" font-weight="700" fill="#fff">${escapeXml(content.title.slice(0, 30))}</text>
<text x="14" y="132" font-family="sans-serif" font-size="9" fill="#fff">${COMPANY}</text></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 80 }).toBuffer();
}
