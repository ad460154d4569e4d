import fs from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { Invalid, UnsupportedType, Unreadable } from '../errors.ts';
import { extensionOf } from './file-name.ts';

export const KINDS = ['document', 'presentation', 'spreadsheet', 'image', 'video', 'audio', 'archive', 'other'] as const;
export type Kind = (typeof KINDS)[number];

export interface Classified { mimeType: string; kind: Kind; width?: number; height?: number }

/** What we accept, keyed by the MIME type sniffed from the content (never the client's claim). */
const ACCEPTED: Record<string, Kind> = {
  'application/pdf': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'application/vnd.oasis.opendocument.text': 'document',
  'application/msword': 'document',
  'application/rtf': 'document',
  'text/plain': 'document',
  'text/markdown': 'document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'presentation',
  'application/vnd.oasis.opendocument.presentation': 'presentation',
  'application/vnd.ms-powerpoint': 'presentation',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'spreadsheet',
  'application/vnd.oasis.opendocument.spreadsheet': 'spreadsheet',
  'application/vnd.ms-excel': 'spreadsheet',
  'text/csv': 'spreadsheet',
  'image/jpeg': 'image', 'image/png': 'image', 'image/webp': 'image', 'image/gif': 'image', 'image/tiff': 'image',
  'image/avif': 'image', 'image/heic': 'image', 'image/heif': 'image', 'image/bmp': 'image', 'image/svg+xml': 'image',
  'video/mp4': 'video', 'video/quicktime': 'video', 'video/webm': 'video', 'video/matroska': 'video', 'video/x-m4v': 'video', 'video/vnd.avi': 'video',
  'audio/mpeg': 'audio', 'audio/wav': 'audio', 'audio/x-m4a': 'audio', 'audio/mp4': 'audio', 'audio/ogg': 'audio', 'audio/flac': 'audio', 'audio/aac': 'audio', 'audio/x-flac': 'audio',
  'application/zip': 'archive',
};

/** Legacy Office files are all one container format (CFB); the extension tells which application wrote it. */
const CFB_BY_EXTENSION: Record<string, string> = { doc: 'application/msword', xls: 'application/vnd.ms-excel', ppt: 'application/vnd.ms-powerpoint' };
const TEXT_BY_EXTENSION: Record<string, string> = { txt: 'text/plain', csv: 'text/csv', md: 'text/markdown', markdown: 'text/markdown' };
const ZIP_BASED = /zip|openxmlformats|opendocument/;
const RASTER = /^image\/(?!svg)/;

export const acceptedDescription = 'PDF, Office and OpenDocument files, images, video, audio, plain text/CSV/Markdown and ZIP';

/**
 * Decides what a received file really is from its bytes and checks it can be read.
 * 400 for an empty file, 415 for a type we do not take, 422 for a damaged one.
 */
export async function classifyFile(filePath: string, size: number, fileName: string): Promise<Classified> {
  if (size === 0) throw new Invalid('the file is empty', 'EMPTY_FILE');
  const ext = extensionOf(fileName);
  const sniffed = await fileTypeFromFile(filePath);
  let mimeType: string;
  // XML is sniffed as such; whether it is an SVG (accepted) or something else is decided like text.
  if (sniffed && !/^(application|text)\/xml$/.test(sniffed.mime)) {
    mimeType = sniffed.mime === 'application/x-cfb' ? CFB_BY_EXTENSION[ext] ?? sniffed.mime : sniffed.mime;
    if (mimeType === 'audio/vnd.wave') mimeType = 'audio/wav';
  } else {
    mimeType = await classifyText(filePath, ext);
  }
  const kind = ACCEPTED[mimeType];
  if (!kind) {
    throw new UnsupportedType(`this file is ${sniffed ? `${sniffed.ext.toUpperCase()} (${sniffed.mime})` : 'not a type we recognise'} whatever its name says; we accept ${acceptedDescription}`, 'UNSUPPORTED_TYPE');
  }
  const result: Classified = { mimeType, kind };
  if (mimeType === 'application/pdf') await checkEndMarker(filePath, size, '%%EOF', 'the PDF is truncated or damaged (no end-of-file marker)');
  else if (mimeType === 'image/jpeg') await checkEndMarker(filePath, size, Buffer.from([0xff, 0xd9]), 'the JPEG is truncated (no end-of-image marker)');
  else if (mimeType === 'image/png') await checkEndMarker(filePath, size, 'IEND', 'the PNG is truncated (no end chunk)');
  else if (ZIP_BASED.test(mimeType)) await checkZipDirectory(filePath);
  if (RASTER.test(mimeType) && mimeType !== 'image/heic' && mimeType !== 'image/heif') {
    try {
      // Header only: dimensions without decoding pixels.
      const meta = await sharp(filePath).metadata();
      const swap = (meta.orientation ?? 1) >= 5;
      result.width = swap ? meta.height : meta.width;
      result.height = swap ? meta.width : meta.height;
    } catch (error) {
      if (/pixel limit/i.test(String(error))) throw new Unreadable('the image has too many pixels to process safely (over 268 megapixels)', 'TOO_MANY_PIXELS');
      throw new Unreadable('the image is damaged or truncated and cannot be read', 'CORRUPT_FILE');
    }
  }
  return result;
}

async function classifyText(filePath: string, ext: string): Promise<string> {
  const handle = await fs.open(filePath, 'r');
  const head = Buffer.alloc(64 * 1024);
  const { bytesRead } = await handle.read(head, 0, head.length, 0).finally(() => handle.close());
  const bytes = head.subarray(0, bytesRead);
  if (bytes.includes(0)) return 'application/octet-stream';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  // SVG is XML text; skip the prolog, comments and doctype before the root element.
  const root = text.replace(/^(\s|<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)*/i, '');
  if (/^<svg[\s>]/i.test(root)) return 'image/svg+xml';
  if (/^<(!doctype\s+html|html|head|body|script|\?php)/i.test(root.trimStart())) return 'text/html';
  return TEXT_BY_EXTENSION[ext] ?? 'application/octet-stream';
}

/**
 * PDFs end with %%EOF, JPEGs with FFD9, PNGs with an IEND chunk; a missing marker near the end means the file was cut short.
 * (Headers alone parse fine on a truncated file, and decoding every pixel at upload would be slow.)
 */
async function checkEndMarker(filePath: string, size: number, marker: string | Buffer, message: string) {
  const tailSize = Math.min(size, 16 * 1024);
  const handle = await fs.open(filePath, 'r');
  const tail = Buffer.alloc(tailSize);
  await handle.read(tail, 0, tailSize, size - tailSize).finally(() => handle.close());
  if (!tail.includes(marker)) throw new Unreadable(message, 'CORRUPT_FILE');
}

/** Office files are zips; a truncated one has lost its central directory. */
function checkZipDirectory(filePath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(filePath, { lazyEntries: true, autoClose: true }, (error, zip) => {
      if (error || !zip) return reject(new Unreadable('the file is damaged or truncated (its zip directory cannot be read)', 'CORRUPT_FILE'));
      zip.close();
      resolve();
    });
  });
}
