import { Unreadable } from '../../errors.ts';
import { MAX_TEXT_CHARS, ZIP_LIMITS } from '../limits.ts';
import { emptyAnalysis, type Analysis } from './analysis.ts';
import { writeThumbnail } from './raster.ts';
import { decodeXmlText, elementText, tidy, xmlText, type TextRules } from './xml-text.ts';
import { openZip, type BoundedZip } from './zip.ts';

const OOXML = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
const ODF = {
  odt: 'application/vnd.oasis.opendocument.text',
  odp: 'application/vnd.oasis.opendocument.presentation',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
} as const;

export const OFFICE_TYPES: ReadonlySet<string> = new Set([...Object.values(OOXML), ...Object.values(ODF)]);

const set = (...names: string[]) => new Set(names);
const WORD: TextRules = { text: set('w:t'), paragraph: set('w:p'), tab: set('w:tab'), lineBreak: set('w:br', 'w:cr') };
const DRAWING: TextRules = { text: set('a:t'), paragraph: set('a:p'), lineBreak: set('a:br') };
const SHARED_STRINGS: TextRules = { text: set('t'), paragraph: set('si') };
const INLINE_STRINGS: TextRules = { text: set('t'), paragraph: set('is') };
const OPEN_DOCUMENT: TextRules = {
  text: 'all', within: 'office:body', paragraph: set('text:p', 'text:h'), tab: set('text:tab'), lineBreak: set('text:line-break'), spaces: 'text:s',
};

/** Text, page or slide count, title and thumbnail of an Office Open XML or OpenDocument file. */
export async function analyseOffice(file: string, mimeType: string, thumbFile: string): Promise<Analysis> {
  const zip = await openZip(file);
  try {
    const result = emptyAnalysis();
    const text = new TextBudget();
    if (mimeType === OOXML.docx) await readWord(zip, result, text);
    else if (mimeType === OOXML.pptx) await readSlides(zip, result, text);
    else if (mimeType === OOXML.xlsx) await readWorkbook(zip, result, text);
    else await readOpenDocument(zip, mimeType, result, text);
    result.text = text.value();
    if (text.truncated) result.meta.textTruncated = true;

    const thumbnailPart = mimeType.includes('oasis') ? 'Thumbnails/thumbnail.png' : await ooxmlThumbnailPart(zip);
    if (thumbnailPart && zip.has(thumbnailPart)) {
      try {
        await writeThumbnail(await zip.read(thumbnailPart, ZIP_LIMITS.maxThumbnailBytes), thumbFile);
        result.thumbnail = 'image';
        result.preview = 'thumbnail';
      } catch {
        // An EMF/WMF or damaged thumbnail: LibreOffice or the card will do instead.
      }
    }
    // Pages rendered by LibreOffice beat the embedded thumbnail (one small picture for a whole deck), where it is installed.
    result.wants = 'office-render';
    return result;
  } finally {
    zip.close();
  }
}

/** Collects text from several parts up to the overall cap. */
class TextBudget {
  private parts: string[] = [];
  private length = 0;
  truncated = false;
  add(text: string) {
    if (!text) return;
    const room = MAX_TEXT_CHARS - this.length;
    if (text.length > room) this.truncated = true;
    const kept = text.slice(0, Math.max(0, room));
    this.parts.push(kept);
    this.length += kept.length + 2;
  }
  remaining() {
    return Math.max(0, MAX_TEXT_CHARS - this.length);
  }
  value() {
    return tidy(this.parts.join('\n\n'));
  }
}

async function partText(zip: BoundedZip, name: string, rules: TextRules, budget: TextBudget) {
  if (!zip.has(name) || budget.remaining() === 0) return;
  budget.add(xmlText((await zip.read(name)).toString('utf8'), rules, budget.remaining() + 1));
}

async function readCoreProperties(zip: BoundedZip, result: Analysis) {
  if (zip.has('docProps/core.xml')) {
    const core = (await zip.read('docProps/core.xml', 1024 * 1024)).toString('utf8');
    const title = elementText(core, 'dc:title');
    if (title) result.meta.title = title.slice(0, 500);
  }
  if (!zip.has('docProps/app.xml')) return '';
  return (await zip.read('docProps/app.xml', 1024 * 1024)).toString('utf8');
}

function count(xml: string, element: string): number | undefined {
  const value = Number(elementText(xml, element));
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Numbered parts (slide1.xml, slide2.xml, … slide10.xml) in their numeric order. */
function numbered(zip: BoundedZip, pattern: RegExp): string[] {
  return zip.names().filter((n) => pattern.test(n)).sort((a, b) => Number(/(\d+)\.xml$/.exec(a)?.[1]) - Number(/(\d+)\.xml$/.exec(b)?.[1]));
}

async function readWord(zip: BoundedZip, result: Analysis, text: TextBudget) {
  const app = await readCoreProperties(zip, result);
  result.pages = count(app, 'Pages') ?? null;
  await partText(zip, 'word/document.xml', WORD, text);
  for (const part of [...numbered(zip, /^word\/header\d*\.xml$/), ...numbered(zip, /^word\/footer\d*\.xml$/), 'word/footnotes.xml', 'word/endnotes.xml']) {
    await partText(zip, part, WORD, text);
  }
}

async function readSlides(zip: BoundedZip, result: Analysis, text: TextBudget) {
  await readCoreProperties(zip, result);
  const slides = await slideOrder(zip);
  result.pages = slides.length || null;
  result.meta.slides = slides.length;
  for (const slide of slides) {
    await partText(zip, slide, DRAWING, text);
    const notes = await relatedPart(zip, slide, 'notesSlide');
    if (notes) await partText(zip, notes, DRAWING, text);
  }
}

/** Slides in presentation order: the sldIdLst of presentation.xml through its relationships, else by number. */
async function slideOrder(zip: BoundedZip): Promise<string[]> {
  const byNumber = numbered(zip, /^ppt\/slides\/slide\d+\.xml$/);
  if (!zip.has('ppt/presentation.xml') || !zip.has('ppt/_rels/presentation.xml.rels')) return byNumber;
  const presentation = (await zip.read('ppt/presentation.xml')).toString('utf8');
  const targets = relationshipTargets((await zip.read('ppt/_rels/presentation.xml.rels')).toString('utf8'), 'ppt/');
  const ordered = [...presentation.matchAll(/<p:sldId\b[^>]*\br:id="([^"]+)"/g)]
    .map((m) => targets.get(m[1]!)?.target).filter((t): t is string => !!t && zip.has(t));
  return ordered.length ? [...new Set(ordered)] : byNumber;
}

/** Relationship id → resolved part name and type, from a .rels part. */
function relationshipTargets(rels: string, baseDir: string): Map<string, { target: string; type: string }> {
  const map = new Map<string, { target: string; type: string }>();
  for (const [tag] of rels.matchAll(/<Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]+)"/.exec(tag)?.[1];
    const target = /\bTarget="([^"]+)"/.exec(tag)?.[1];
    const type = /\bType="([^"]+)"/.exec(tag)?.[1] ?? '';
    if (!id || !target || /TargetMode="External"/.test(tag)) continue;
    map.set(id, { target: resolvePart(baseDir, decodeXmlText(target)), type });
  }
  return map;
}

function resolvePart(baseDir: string, target: string): string {
  const segments = (target.startsWith('/') ? target.slice(1) : baseDir + target).split('/');
  const resolved: string[] = [];
  for (const segment of segments) {
    if (segment === '..') resolved.pop();
    else if (segment && segment !== '.') resolved.push(segment);
  }
  return resolved.join('/');
}

/** The part a given part links to with a relationship type ending in `typeSuffix` (a slide's notes). */
async function relatedPart(zip: BoundedZip, part: string, typeSuffix: string): Promise<string | undefined> {
  const slash = part.lastIndexOf('/');
  const rels = `${part.slice(0, slash)}/_rels/${part.slice(slash + 1)}.rels`;
  if (!zip.has(rels)) return undefined;
  const targets = relationshipTargets((await zip.read(rels, 4 * 1024 * 1024)).toString('utf8'), part.slice(0, slash + 1));
  return [...targets.values()].find((r) => r.type.endsWith(`/${typeSuffix}`) && zip.has(r.target))?.target;
}

async function readWorkbook(zip: BoundedZip, result: Analysis, text: TextBudget) {
  await readCoreProperties(zip, result);
  if (zip.has('xl/workbook.xml')) {
    const workbook = (await zip.read('xl/workbook.xml')).toString('utf8');
    const names = [...workbook.matchAll(/<sheet\b[^>]*\bname="([^"]*)"/g)].map((m) => decodeXmlText(m[1]!));
    result.meta.sheets = names.length;
    text.add(names.join('\n'));
  }
  await partText(zip, 'xl/sharedStrings.xml', SHARED_STRINGS, text);
  // Cells typed straight into the sheet (inlineStr) are not in the shared strings.
  for (const sheet of numbered(zip, /^xl\/worksheets\/sheet\d+\.xml$/)) {
    if (text.remaining() === 0) break;
    const xml = (await zip.read(sheet)).toString('utf8');
    if (xml.includes('<is>')) text.add(xmlText(xml, INLINE_STRINGS, text.remaining() + 1));
  }
}

async function readOpenDocument(zip: BoundedZip, mimeType: string, result: Analysis, text: TextBudget) {
  if (!zip.has('content.xml')) throw new Unreadable('the OpenDocument file has no content.xml', 'CORRUPT_FILE');
  const content = (await zip.read('content.xml')).toString('utf8');
  if (zip.has('meta.xml')) {
    const meta = (await zip.read('meta.xml', 4 * 1024 * 1024)).toString('utf8');
    const title = elementText(meta, 'dc:title');
    if (title) result.meta.title = title.slice(0, 500);
    const pageCount = Number(/meta:page-count="(\d+)"/.exec(meta)?.[1]);
    if (mimeType === ODF.odt && pageCount > 0) result.pages = pageCount;
  }
  if (mimeType === ODF.odp) {
    const slides = content.match(/<draw:page\b/g)?.length ?? 0;
    result.pages = slides || null;
    result.meta.slides = slides;
  }
  if (mimeType === ODF.ods) result.meta.sheets = content.match(/<table:table\b/g)?.length ?? 0;
  text.add(xmlText(content, OPEN_DOCUMENT, text.remaining() + 1));
}

/** The thumbnail an OOXML package declares in its root relationships (usually docProps/thumbnail.jpeg). */
async function ooxmlThumbnailPart(zip: BoundedZip): Promise<string | undefined> {
  if (!zip.has('_rels/.rels')) return zip.has('docProps/thumbnail.jpeg') ? 'docProps/thumbnail.jpeg' : undefined;
  const targets = relationshipTargets((await zip.read('_rels/.rels', 1024 * 1024)).toString('utf8'), '');
  return [...targets.values()].find((r) => r.type.endsWith('/metadata/thumbnail'))?.target
    ?? (zip.has('docProps/thumbnail.jpeg') ? 'docProps/thumbnail.jpeg' : undefined);
}
