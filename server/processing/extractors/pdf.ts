import fs from 'node:fs/promises';
import { PDFiumLibrary, type PDFiumDocument, type PDFiumPage } from '@hyzyla/pdfium';
import sharp from 'sharp';
import { Unreadable } from '../../errors.ts';
import { writeFileAtomic } from '../files.ts';
import { MAX_PDF_BYTES, MAX_TEXT_CHARS, MAX_TEXT_PAGES, PREVIEW_BOX, THUMBNAIL_MAX_HEIGHT, THUMBNAIL_WIDTH } from '../limits.ts';
import { emptyAnalysis, type Analysis } from './analysis.ts';
import { WEBP } from './raster.ts';
import { tidy } from './xml-text.ts';

// PDFium (WebAssembly) for page count, text and rendering: one engine, no eval, and a heap capped at 2 GB.
let library: Promise<PDFiumLibrary> | undefined;
const pdfium = () => (library ??= PDFiumLibrary.init());

/** The few PDFium calls the wrapper does not expose. */
interface PdfiumModule {
  _FPDF_ClosePage(page: number): void;
  _FPDF_GetSecurityHandlerRevision(document: number): number;
  _FPDF_GetMetaText(document: number, tag: number, buffer: number, length: number): number;
  wasmExports: { malloc(size: number): number; free(pointer: number): void };
  HEAPU8: Uint8Array;
}
const internals = (doc: PDFiumDocument) => doc as unknown as { module: PdfiumModule; documentIdx: number };
const closePage = (doc: PDFiumDocument, page: PDFiumPage) => internals(doc).module._FPDF_ClosePage((page as unknown as { pageIdx: number }).pageIdx);

function metaText(doc: PDFiumDocument, tag: string): string | undefined {
  const { module, documentIdx } = internals(doc);
  const tagPointer = module.wasmExports.malloc(tag.length + 1);
  module.HEAPU8.set([...Buffer.from(tag, 'latin1'), 0], tagPointer);
  try {
    const length = module._FPDF_GetMetaText(documentIdx, tagPointer, 0, 0);
    if (length <= 2 || length > 64 * 1024) return undefined;
    const buffer = module.wasmExports.malloc(length);
    try {
      module._FPDF_GetMetaText(documentIdx, tagPointer, buffer, length);
      return tidy(Buffer.from(module.HEAPU8.subarray(buffer, buffer + length - 2)).toString('utf16le')) || undefined;
    } finally {
      module.wasmExports.free(buffer);
    }
  } finally {
    module.wasmExports.free(tagPointer);
  }
}

// Page previews come one after another for the same file: keep the last document open.
let lastOpened: { file: string; doc: PDFiumDocument } | undefined;

async function open(file: string): Promise<PDFiumDocument> {
  if (lastOpened?.file === file) return lastOpened.doc;
  lastOpened?.doc.destroy();
  lastOpened = undefined;
  const { size } = await fs.stat(file);
  if (size > MAX_PDF_BYTES) throw new Unreadable(`the PDF is ${Math.round(size / 1024 / 1024)} MB; we preview PDFs up to ${MAX_PDF_BYTES / 1024 / 1024} MB`, 'TOO_LARGE_TO_PREVIEW');
  const bytes = await fs.readFile(file);
  const lib = await pdfium();
  let doc: PDFiumDocument;
  try {
    doc = await lib.loadDocument(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (/password/i.test(message)) throw new PasswordRequired(pageCountFromPageTree(bytes));
    if (/security/i.test(message)) throw new PasswordRequired(pageCountFromPageTree(bytes));
    throw new Unreadable('the PDF is damaged and cannot be opened', 'CORRUPT_FILE');
  }
  lastOpened = { file, doc };
  return doc;
}

export class PasswordRequired extends Error {
  constructor(readonly pages: number | null) { super('the PDF is password-protected'); }
}

/**
 * The page count of a PDF we cannot open, from its page tree: numbers are not encrypted, only strings and streams.
 * Best effort: a tree inside a compressed object stream is out of reach.
 */
export function pageCountFromPageTree(bytes: Buffer): number | null {
  const text = bytes.toString('latin1');
  let most = 0;
  for (const match of text.matchAll(/<<(?:(?!<<|>>)[\s\S]){0,2000}?\/Type\s*\/Pages\b(?:(?!<<|>>)[\s\S]){0,2000}?>>/g)) {
    const count = Number(/\/Count\s+(\d+)/.exec(match[0])?.[1] ?? 0);
    if (count > most) most = count;
  }
  return most > 0 ? most : null;
}

/** Renders a page (0-based) to fit a box; PDFium draws RGBA that sharp encodes. */
async function render(doc: PDFiumDocument, index: number, maxWidth: number, maxHeight: number) {
  const page = doc.getPage(index);
  const { originalWidth, originalHeight } = page.getOriginalSize();
  if (!(originalWidth > 0 && originalHeight > 0)) throw new Unreadable(`page ${index + 1} of the PDF has no size`, 'CORRUPT_FILE');
  const scale = Math.min(maxWidth / originalWidth, maxHeight / originalHeight);
  // Pages of a point or two would round to nothing.
  const safeScale = Math.max(scale, 1 / Math.min(originalWidth, originalHeight));
  const bitmap = await page.render({ scale: safeScale, render: 'bitmap' });
  return sharp(Buffer.from(bitmap.data.buffer, bitmap.data.byteOffset, bitmap.data.byteLength), {
    raw: { width: bitmap.width, height: bitmap.height, channels: 4 },
  }).resize({ width: maxWidth, height: maxHeight, fit: 'inside', withoutEnlargement: true });
}

/** Page count, full text (for search), metadata and the first page as thumbnail. */
export async function analysePdf(file: string, thumbFile: string): Promise<Analysis> {
  const result = emptyAnalysis('pdf');
  let doc: PDFiumDocument;
  try {
    doc = await open(file);
  } catch (error) {
    if (!(error instanceof PasswordRequired)) throw error;
    // Nothing to show without the password; the card says so, and nothing about the file counts as broken.
    result.preview = 'card';
    result.pages = error.pages;
    result.meta = { encrypted: true, passwordRequired: true };
    return result;
  }
  const pages = doc.getPageCount();
  if (pages < 1) throw new Unreadable('the PDF has no pages', 'CORRUPT_FILE');
  result.pages = pages;
  const title = metaText(doc, 'Title');
  const author = metaText(doc, 'Author');
  const producer = metaText(doc, 'Producer');
  // An owner password only restricts printing or copying; the pages still open.
  const encrypted = internals(doc).module._FPDF_GetSecurityHandlerRevision(internals(doc).documentIdx) !== -1;
  result.meta = { ...(title ? { title } : {}), ...(author ? { author } : {}), ...(producer ? { producer } : {}), ...(encrypted ? { encrypted: true } : {}) };

  const texts: string[] = [];
  let length = 0;
  const textPages = Math.min(pages, MAX_TEXT_PAGES);
  for (let index = 0; index < textPages && length < MAX_TEXT_CHARS; index++) {
    const page = doc.getPage(index);
    try {
      const text = page.getText();
      texts.push(text);
      length += text.length;
    } catch {
      // One unreadable page does not cost the rest of the text.
    } finally {
      closePage(doc, page);
    }
  }
  result.text = tidy(texts.join('\n\n')).slice(0, MAX_TEXT_CHARS);
  if (length > MAX_TEXT_CHARS || textPages < pages) result.meta.textTruncated = true;

  await writeFileAtomic(thumbFile, await (await render(doc, 0, THUMBNAIL_WIDTH, THUMBNAIL_MAX_HEIGHT)).webp(WEBP).toBuffer());
  result.thumbnail = 'image';
  return result;
}

/** Page N (1-based) of a PDF as a WebP fitting the preview box. */
export async function renderPdfPage(file: string, pageNumber: number, outFile: string, box = PREVIEW_BOX) {
  let doc: PDFiumDocument;
  try {
    doc = await open(file);
  } catch (error) {
    if (error instanceof PasswordRequired) throw new Unreadable('the PDF is password-protected', 'ENCRYPTED');
    throw error;
  }
  const pages = doc.getPageCount();
  if (pageNumber > pages) throw new Unreadable(`the PDF has ${pages} pages`, 'NO_SUCH_PAGE');
  const { data, info } = await (await render(doc, pageNumber - 1, box, box)).webp(WEBP).toBuffer({ resolveWithObject: true });
  await writeFileAtomic(outFile, data);
  return { width: info.width, height: info.height };
}

/** Drops the cached document (tests, and before the worker goes idle). */
export function closePdf() {
  lastOpened?.doc.destroy();
  lastOpened = undefined;
}
